"""Fixtures for the learner CLI's tests: a fresh folder of katas and a way to run `kata`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from grader.manifest import REPO_ROOT


@pytest.fixture
def katas(tmp_path: Path) -> Path:
    """A learner's folder: the untouched stubs of every kata."""
    folder = tmp_path / "katas"
    shutil.copytree(REPO_ROOT / "exercises", folder,
                    ignore=shutil.ignore_patterns("*_test.py", "__pycache__", ".kata-*"))
    return folder


@pytest.fixture
def solve(katas: Path) -> Callable[[str, str], None]:
    """Put the reference solution of an exercise into the learner's folder."""

    def put(exercise_id: str, file: str) -> None:
        shutil.copy(REPO_ROOT / "solutions" / exercise_id / file, katas / exercise_id / file)

    return put


@pytest.fixture
def kata_cli(katas: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "grader.cli", *args, "--dir", str(katas)],
                              cwd=REPO_ROOT, input=stdin, capture_output=True, text=True,
                              timeout=300, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})

    return run

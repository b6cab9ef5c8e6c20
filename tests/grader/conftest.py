"""Fixtures for the grader's own tests: run `kata` as an instructor would."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from grader.manifest import REPO_ROOT

SUBMISSIONS = Path(__file__).parent / "submissions"
# Example submissions are data: never collected, and no conftest.py of theirs is loaded.
collect_ignore_glob = ["submissions/*"]


class KataRun:
    def __init__(self, code: int, stdout: str, stderr: str, report: dict[str, Any] | None,
                 seconds: float) -> None:
        self.code, self.stdout, self.stderr = code, stdout, stderr
        self.report, self.seconds = report, seconds


@pytest.fixture
def kata(tmp_path: Path) -> Callable[..., KataRun]:
    """`kata("grade", "solutions", "--only", "q17")`: runs the CLI, reads its JSON report."""

    def run(*args: str, env: dict[str, str] | None = None) -> KataRun:
        out = tmp_path / "report.json"
        command = [sys.executable, "-m", "grader.cli", *args]
        if args and args[0] == "grade":
            command += ["--format", "json", "--out", str(out)]
        started = time.monotonic()
        import os

        proc = subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True,
                              env={**os.environ, **(env or {})}, timeout=600)
        report = json.loads(out.read_text()) if out.exists() else None
        return KataRun(proc.returncode, proc.stdout, proc.stderr, report,
                       time.monotonic() - started)

    return run

"""Are ruff and mypy clean, as pyproject.toml configures them?"""

import subprocess
import sys

import pytest

from grader.manifest import REPO_ROOT


@pytest.mark.parametrize("tool", [["ruff", "check", "."], ["mypy"]], ids=["ruff", "mypy"])
def test_linters_are_clean(tool):
    proc = subprocess.run([sys.executable, "-m", *tool], cwd=REPO_ROOT, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr

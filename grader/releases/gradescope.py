"""`kata release gradescope OUT`: OUT/autograder.zip for a Gradescope programming assignment.

The zip's root holds `setup.sh` and `run_autograder` (Gradescope's names) and `keras-kata/`:
the grader, the manifest and stubs (exercises/), and the hidden tests of the released katas.
It holds no `solutions/`. `run_autograder` grades `/autograder/submission` with `kata grade`
(staging, the worker process and its sandbox where bubblewrap allows) and writes
`/autograder/results/results.json` with the `gradescope` report format; when grading itself
breaks it still writes a results.json that says so.

`KATA_AUTOGRADER_ROOT` (default `/autograder`) and `KATA_PYTHON` (default the virtual
environment setup.sh makes) exist so the layout can be rehearsed outside Gradescope.
"""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

from grader.manifest import REPO_ROOT, Exercise
from grader.releases import common

TOP_FILES = ("conftest.py", "pyproject.toml")
SKIPPED_PARTS = {"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"}

SETUP_SH = """\
#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y python3 python3-venv python3-pip bubblewrap
python3 -m venv /autograder/source/.venv
# CPU-only: Gradescope has no GPU. tensorflow-cpu provides the `tensorflow` module.
/autograder/source/.venv/bin/pip install --no-cache-dir "tensorflow-cpu==2.21.*"
/autograder/source/.venv/bin/pip install --no-cache-dir /autograder/source/keras-kata
"""

RUN_AUTOGRADER = """\
#!/usr/bin/env bash
# Grades /autograder/submission into /autograder/results/results.json (Gradescope's layout).
set -u
ROOT="${{KATA_AUTOGRADER_ROOT:-/autograder}}"
SRC="$ROOT/source/keras-kata"
PY="${{KATA_PYTHON:-$ROOT/source/.venv/bin/python}}"
RESULTS="$ROOT/results/results.json"
mkdir -p "$ROOT/results"
rm -f "$RESULTS"
export TF_CPP_MIN_LOG_LEVEL=3
cd "$SRC" || exit 1
"$PY" -m grader.cli grade "$ROOT/submission" {only}--format gradescope --out "$RESULTS"
status=$?
if [ ! -s "$RESULTS" ]; then
  printf '%s\\n' '{{"score": 0, "output": "The autograder failed before it could grade this \
submission (exit status '"$status"'). Please tell your instructor.", "tests": []}}' > "$RESULTS"
fi
exit 0
"""


def _files(exercises: list[Exercise]) -> list[tuple[Path, str]]:
    """(source, name in the zip) for everything the grader needs, solutions excluded."""
    chosen: list[tuple[Path, str]] = []
    roots = [REPO_ROOT / "grader", REPO_ROOT / "exercises"]
    roots += [REPO_ROOT / "tests" / e.id for e in exercises]
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink() \
                    and not SKIPPED_PARTS & set(path.relative_to(REPO_ROOT).parts):
                chosen.append((path, f"keras-kata/{path.relative_to(REPO_ROOT).as_posix()}"))
    for name in TOP_FILES:
        chosen.append((REPO_ROOT / name, f"keras-kata/{name}"))
    readme = REPO_ROOT / "README.md"
    if readme.exists():
        chosen.append((readme, "keras-kata/README.md"))  # pyproject's `readme`
    return chosen


def _add(archive: zipfile.ZipFile, name: str, data: bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    mode = 0o755 if executable else 0o644
    info.external_attr = (stat.S_IFREG | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def run_autograder_script(exercises: list[Exercise], all_katas: bool) -> str:
    only = "" if all_katas else f"--only {','.join(e.id for e in exercises)} "
    return RUN_AUTOGRADER.format(only=only)


def release(out: Path, exercises: list[Exercise], all_katas: bool = False) -> Path:
    """Write OUT/autograder.zip; returns its path."""
    if not exercises:
        raise common.ReleaseError("no katas chosen")
    out.mkdir(parents=True, exist_ok=True)
    target = out / "autograder.zip"
    tmp = out / ".autograder.zip.tmp"
    with zipfile.ZipFile(tmp, "w") as archive:
        _add(archive, "setup.sh", SETUP_SH.encode(), executable=True)
        _add(archive, "run_autograder",
             run_autograder_script(exercises, all_katas).encode(), executable=True)
        for path, name in _files(exercises):
            _add(archive, name, path.read_bytes())
    os.replace(tmp, target)
    return target


def extract(zip_path: Path, source: Path) -> None:
    """Unpack as Gradescope does (into /autograder/source), keeping the executable bits."""
    with zipfile.ZipFile(zip_path) as archive:
        for info in archive.infolist():
            dest = source / info.filename
            if not dest.resolve().is_relative_to(source.resolve()):
                raise common.ReleaseError(f"{info.filename}: outside the target folder")
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(archive.read(info))
            dest.chmod((info.external_attr >> 16) & 0o777 or 0o644)

"""Copying a submission into a private folder before anything else looks at it.

The grading process never collects, imports or even lists a submission in place: a
`conftest.py`, `pytest.ini` or `.pth` beside the exercises would otherwise run inside the
trusted session. Only the files the manifest names (`qN/<file>.py`) are copied, only when
they are regular files (no links, devices or folders) under a size cap; everything else is
left behind and reported to the instructor.
"""

from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from grader.manifest import Exercise, load_manifest

MAX_FILE_BYTES = 512 * 1024
MAX_LISTED = 50  # ignored names reported per submission; the rest are counted
# Files that configure or extend a Python or pytest process: never honoured in a submission.
_ACTIVE_NAMES = ("conftest.py", "pytest.ini", "tox.ini", "setup.cfg", "pyproject.toml",
                 "sitecustomize.py", "usercustomize.py", "__init__.py")


@dataclass
class Staged:
    """A submission copied for grading.

    Attributes:
        folder: the private copy, laid out `qN/<file>.py`.
        ignored: what was left behind and why, one line each, for the report.
    """

    folder: Path
    ignored: list[str] = field(default_factory=list)


def _private_folder(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))  # mode 0700, a fresh unpredictable name


def _why_ignored(name: str) -> str:
    if name in _ACTIVE_NAMES or name.endswith(".pth"):
        return "ignored: it would configure Python or pytest; submissions cannot"
    return "ignored: not a file the exercise asks for"


def _is_active(name: str) -> bool:
    return name in _ACTIVE_NAMES or name.endswith(".pth")


def stage_submission(submission: Path, exercises: list[Exercise]) -> Staged:
    """Copy each exercise's file from `submission` into a fresh private folder.

    Never follows a link, never reads a file it does not copy, and never raises for what a
    submission contains: an unusable file is simply not copied and is named in `ignored`.
    """
    staged = Staged(folder=_private_folder("kata-submission-"))
    wanted = {exercise.id: exercise.file for exercise in exercises}
    try:
        top = sorted(os.listdir(submission))
    except OSError as exc:
        staged.ignored.append(f"{submission}: cannot be listed ({exc.strerror})")
        return staged
    unexpected: list[str] = []
    known = set(load_manifest()) | {"info.toml", "README.md"}
    for name in top:
        path = submission / name
        if name not in wanted:
            # Other katas (graded another time with --only) and the course's own files are
            # expected; anything that would configure Python or pytest is always reported.
            if _is_active(name) or (name not in known and not name.startswith(".")):
                unexpected.append(f"{name}: {_why_ignored(name)}")
            continue
        try:
            entries = sorted(os.listdir(path)) if path.is_dir() and not path.is_symlink() else []
        except OSError:
            entries = []
        for entry in entries:
            if entry != wanted[name] and _is_active(entry):
                unexpected.append(f"{name}/{entry}: {_why_ignored(entry)}")
        problem = _copy_one(path / wanted[name], staged.folder / name / wanted[name])
        if problem:
            staged.ignored.append(f"{name}/{wanted[name]}: {problem}")
    staged.ignored.extend(unexpected[:MAX_LISTED])
    if len(unexpected) > MAX_LISTED:
        staged.ignored.append(f"... and {len(unexpected) - MAX_LISTED} more ignored files")
    return staged


def _copy_one(source: Path, target: Path) -> str | None:
    """Copy a regular file, refusing links and oversized files; None when copied or absent."""
    try:
        info = os.lstat(source)
    except FileNotFoundError:
        return None  # the exercise is simply not submitted
    except OSError as exc:
        return f"not graded: cannot be read ({exc.strerror})"
    if stat.S_ISLNK(info.st_mode):
        return "not graded: it is a symbolic link; submit the file itself"
    if not stat.S_ISREG(info.st_mode):
        return "not graded: not a regular file"
    if info.st_size > MAX_FILE_BYTES:
        return f"not graded: {info.st_size} bytes, over the {MAX_FILE_BYTES}-byte limit"
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(source, flags)
    except OSError as exc:
        return f"not graded: cannot be read ({exc.strerror})"
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        return f"not graded: over the {MAX_FILE_BYTES}-byte limit"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return None

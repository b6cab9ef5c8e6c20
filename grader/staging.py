"""Copying a submission into a private folder before anything else looks at it.

The grading process never collects, imports or even lists a submission in place: a
`conftest.py`, `pytest.ini` or `.pth` beside the exercises would otherwise run inside the
trusted session. Only the files the manifest names (`qN/<file>.py`) are copied, only when
they are regular files (no links, devices or folders) under a size cap; everything else is
left behind and reported to the instructor.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from grader.manifest import Exercise, load_manifest

MAX_FILE_BYTES = 512 * 1024
MAX_NOTEBOOK_BYTES = 8 * 1024 * 1024  # notebooks carry outputs; only their code is kept
MAX_ZIP_ENTRIES = 2000
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

    `submission` may be a folder laid out `qN/<file>.py`, a flat folder of the catalogue's
    file names (`custom_dense.py`), a zip of either, a notebook, or a folder of notebooks
    (`qN.ipynb`, `qN_<stem>.ipynb` or `<stem>.ipynb`: nbgrader and self-study notebooks; their
    answer cells, or else all their code cells, become the module).

    Never follows a link, never reads a file it does not copy, and never raises for what a
    submission contains: an unusable file is simply not copied and is named in `ignored`.
    """
    try:
        info = os.lstat(submission)
    except OSError as exc:
        staged = Staged(folder=_private_folder("kata-submission-"))
        staged.ignored.append(f"{submission}: cannot be read ({exc.strerror})")
        return staged
    if stat.S_ISREG(info.st_mode) and submission.suffix in (".zip", ".ipynb"):
        unpacked = _private_folder("kata-unpacked-")
        try:
            if submission.suffix == ".zip":
                problems = _unzip(submission, unpacked)
            else:
                problem = _copy_one(submission, unpacked / submission.name, MAX_NOTEBOOK_BYTES)
                problems = [f"{submission.name}: {problem}"] if problem else []
            root = unpacked
            entries = [e for e in os.listdir(unpacked) if not e.startswith((".", "__MACOSX"))]
            if len(entries) == 1 and (unpacked / entries[0]).is_dir() \
                    and entries[0] not in {e.id for e in exercises}:
                root = unpacked / entries[0]  # a zip of the folder itself
            staged = _stage_folder(root, exercises)
            staged.ignored[:0] = problems
        finally:
            shutil.rmtree(unpacked, ignore_errors=True)
        return staged
    if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
        staged = Staged(folder=_private_folder("kata-submission-"))
        staged.ignored.append(f"{submission.name}: not graded: give a folder, a .zip or an "
                              ".ipynb (not a link)")
        return staged
    return _stage_folder(submission, exercises)


def _stage_folder(submission: Path, exercises: list[Exercise]) -> Staged:
    staged = Staged(folder=_private_folder("kata-submission-"))
    wanted = {exercise.id: exercise.file for exercise in exercises}
    try:
        top = sorted(os.listdir(submission))
    except OSError as exc:
        staged.ignored.append(f"{submission}: cannot be listed ({exc.strerror})")
        return staged
    flat = {exercise.file: exercise.id for exercise in exercises}
    notebooks = _notebook_names(exercises)
    mapped: set[str] = set()
    unexpected: list[str] = []
    catalogue = list(load_manifest().values())
    known = {e.id for e in catalogue} | {e.file for e in catalogue} | {"info.toml", "README.md"}
    known |= set(_notebook_names(catalogue))
    for name in top:
        path = submission / name
        if name not in wanted:
            if name in flat or name in notebooks:
                continue  # a flat file or a notebook: taken below
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
        if wanted[name] in entries:
            mapped.add(name)
        problem = _copy_one(path / wanted[name], staged.folder / name / wanted[name])
        if problem:
            staged.ignored.append(f"{name}/{wanted[name]}: {problem}")
    for name in top:
        exercise_id = flat.get(name)
        if exercise_id is None:
            continue
        if exercise_id in mapped:
            unexpected.append(f"{name}: ignored: {exercise_id}/{name} is graded instead")
            continue
        mapped.add(exercise_id)
        problem = _copy_one(submission / name, staged.folder / exercise_id / name)
        if problem:
            staged.ignored.append(f"{name}: {problem}")
    for name in top:
        exercise_id = notebooks.get(name)
        if exercise_id is None:
            continue
        if exercise_id in mapped:
            unexpected.append(f"{name}: ignored: {exercise_id} already has a .py file")
            continue
        mapped.add(exercise_id)
        problem = _notebook_to_module(submission / name,
                                      staged.folder / exercise_id / wanted[exercise_id])
        if problem:
            staged.ignored.append(f"{name}: {problem}")
    staged.ignored.extend(unexpected[:MAX_LISTED])
    if len(unexpected) > MAX_LISTED:
        staged.ignored.append(f"... and {len(unexpected) - MAX_LISTED} more ignored files")
    return staged


def _notebook_names(exercises: list[Exercise]) -> dict[str, str]:
    """Notebook file names a kata's notebook may have: qN.ipynb, qN_<stem>.ipynb, <stem>.ipynb."""
    names: dict[str, str] = {}
    for e in exercises:
        for name in (f"{e.id}.ipynb", f"{e.id}_{e.module_stem}.ipynb", f"{e.module_stem}.ipynb"):
            names[name] = e.id
    return names


def _notebook_to_module(source: Path, target: Path) -> str | None:
    """Write a notebook's answer cells (or all its code cells) as a module; None when done."""
    scratch = _private_folder("kata-notebook-")
    try:
        problem = _copy_one(source, scratch / "nb.ipynb", MAX_NOTEBOOK_BYTES)
        if problem:
            return problem
        try:
            notebook = json.loads((scratch / "nb.ipynb").read_text(encoding="utf-8"))
            cells = [c for c in notebook["cells"] if c.get("cell_type") == "code"]
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            return "not graded: not a readable notebook (.ipynb JSON)"
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    def is_answer(cell: dict[str, Any]) -> bool:
        meta = cell.get("metadata") or {}
        return bool((meta.get("nbgrader") or {}).get("solution")) \
            or (meta.get("kata") or {}).get("role") == "answer"

    chosen = [c for c in cells if is_answer(c)] or cells
    parts = []
    for cell in chosen:
        text = cell.get("source", "")
        text = "".join(text) if isinstance(text, list) else str(text)
        # IPython magics and shell escapes are not Python: comment them out.
        lines = [f"# {line}" if line.lstrip().startswith(("%", "!")) else line
                 for line in text.splitlines()]
        parts.append("\n".join(lines))
    module = "\n\n\n".join(parts) + "\n"
    if not chosen:
        return "not graded: the notebook has no code cell"
    data = module.encode("utf-8")
    if len(data) > MAX_FILE_BYTES:
        return f"not graded: its code is over the {MAX_FILE_BYTES}-byte limit"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return None


def _unzip(archive: Path, into: Path) -> list[str]:
    """Extract regular files only, under caps, refusing links and paths leaving `into`."""
    problems: list[str] = []
    try:
        with zipfile.ZipFile(archive) as handle:
            members = handle.infolist()
            if len(members) > MAX_ZIP_ENTRIES:
                return [f"{archive.name}: not graded: over {MAX_ZIP_ENTRIES} entries"]
            for member in members:
                name = member.filename
                mode = member.external_attr >> 16
                parts = Path(name).parts
                if member.is_dir():
                    continue
                if name.startswith("/") or ".." in parts or "\\" in name:
                    problems.append(f"{name}: not graded: a path outside the archive")
                elif stat.S_ISLNK(mode):
                    problems.append(f"{name}: not graded: it is a symbolic link")
                elif member.file_size > MAX_NOTEBOOK_BYTES:
                    problems.append(f"{name}: not graded: {member.file_size} bytes, over the "
                                    f"{MAX_NOTEBOOK_BYTES}-byte limit")
                elif len(parts) > 3:
                    problems.append(f"{name}: ignored: too deep in the archive")
                else:
                    with handle.open(member) as stream:
                        data = stream.read(MAX_NOTEBOOK_BYTES + 1)
                    if len(data) > MAX_NOTEBOOK_BYTES:
                        problems.append(f"{name}: not graded: over the size limit")
                        continue
                    target = into.joinpath(*parts)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(data)
    except (zipfile.BadZipFile, OSError) as exc:
        problems.append(f"{archive.name}: not graded: not a readable zip ({exc})")
    return problems


def _copy_one(source: Path, target: Path, limit: int = MAX_FILE_BYTES) -> str | None:
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
    if info.st_size > limit:
        return f"not graded: {info.st_size} bytes, over the {limit}-byte limit"
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(source, flags)
    except OSError as exc:
        return f"not graded: cannot be read ({exc.strerror})"
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        return f"not graded: over the {limit}-byte limit"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return None

"""Unpacking a student's `.zip` safely, before grading copies anything out of it.

A zip is untrusted input. It is refused whole, with a reason for the gradebook, when any entry
has an absolute path, a `..` component, a drive letter or backslash tricks, is a symbolic link
or anything but a file or a folder, is encrypted, or when the archive exceeds the caps on
entries and bytes (counted while reading, not taken from the headers). Files are written with
O_EXCL | O_NOFOLLOW into a fresh private folder, so two entries with one name are refused too.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from grader.manifest import EXERCISE_ID

MAX_ENTRIES = 2000
MAX_FILE_BYTES = 8 * 1024 * 1024
MAX_TOTAL_BYTES = 64 * 1024 * 1024
_SKIPPED_TOP = ("__MACOSX",)


class UnsafeArchive(ValueError):
    """The zip is not unpacked; the message says why, in words for the instructor."""


def _safe_parts(name: str) -> tuple[str, ...]:
    if "\\" in name or "\x00" in name:
        raise UnsafeArchive(f"entry {name!r} has a backslash or NUL in its name")
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise UnsafeArchive(f"entry {name!r} has an absolute path")
    parts = tuple(part for part in PurePosixPath(name).parts if part not in ("", "."))
    if ".." in parts:
        raise UnsafeArchive(f"entry {name!r} climbs out of the archive (..)")
    return parts


def unpack(archive: Path, target: Path) -> None:
    """Unpack `archive` into the existing empty folder `target`, or raise UnsafeArchive."""
    try:
        bundle = zipfile.ZipFile(archive)
    except (OSError, zipfile.BadZipFile) as exc:
        raise UnsafeArchive(f"not a readable zip file ({exc})") from None
    with bundle:
        entries = bundle.infolist()
        if len(entries) > MAX_ENTRIES:
            raise UnsafeArchive(f"{len(entries)} entries, over the limit of {MAX_ENTRIES}")
        plan = []
        for info in entries:
            parts = _safe_parts(info.filename)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise UnsafeArchive(f"entry {info.filename!r} is a symbolic link")
            if stat.S_IFMT(mode) and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                raise UnsafeArchive(f"entry {info.filename!r} is not a file or a folder")
            if info.flag_bits & 0x1:
                raise UnsafeArchive(f"entry {info.filename!r} is encrypted")
            if info.file_size > MAX_FILE_BYTES:
                raise UnsafeArchive(f"entry {info.filename!r} unpacks to {info.file_size} "
                                    f"bytes, over the limit of {MAX_FILE_BYTES}")
            if parts and parts[0] not in _SKIPPED_TOP:
                plan.append((info, parts))
        total = 0
        for info, parts in plan:
            path = target.joinpath(*parts)
            if info.is_dir():
                path.mkdir(parents=True, exist_ok=True)
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
            try:
                fd = os.open(path, flags, 0o600)
            except FileExistsError:
                raise UnsafeArchive(f"entry {info.filename!r} appears twice") from None
            except OSError as exc:
                raise UnsafeArchive(f"entry {info.filename!r} cannot be written "
                                    f"({exc.strerror})") from None
            written = 0
            try:
                with os.fdopen(fd, "wb") as out, bundle.open(info) as data:
                    while chunk := data.read(1 << 16):
                        written += len(chunk)
                        total += len(chunk)
                        if written > MAX_FILE_BYTES:
                            raise UnsafeArchive(f"entry {info.filename!r} unpacks to more "
                                                f"than {MAX_FILE_BYTES} bytes")
                        if total > MAX_TOTAL_BYTES:
                            raise UnsafeArchive(f"the archive unpacks to more than "
                                                f"{MAX_TOTAL_BYTES} bytes")
                        out.write(chunk)
            except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError,
                    ValueError, OSError) as exc:
                if isinstance(exc, UnsafeArchive):
                    raise
                raise UnsafeArchive(f"entry {info.filename!r} cannot be read ({exc})") from None


def submission_root(folder: Path) -> Path:
    """Where the `qN/` folders are: `folder`, or its one subfolder when the zip wraps them
    in a single top-level folder (`alice/q4/...`, as zipping a folder does)."""
    while True:
        children = [c for c in folder.iterdir() if not c.name.startswith(".")]
        if len(children) == 1 and children[0].is_dir() and not children[0].is_symlink() \
                and not EXERCISE_ID.match(children[0].name):
            folder = children[0]
            continue
        return folder


def unpack_private(archive: Path) -> Path:
    """Unpack into a fresh private folder (0700) and return it; the caller removes it."""
    folder = Path(tempfile.mkdtemp(prefix="kata-zip-"))
    try:
        unpack(archive, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def digest(path: Path, names: list[str]) -> str:
    """A fingerprint of what would be graded: the zip's bytes, or the folder's `names`
    (`q4/training_loop.py`...) as they are now. A changed submission is graded again."""
    hasher = hashlib.sha256()
    if path.is_file():
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                hasher.update(chunk)
        return hasher.hexdigest()[:16]
    for name in sorted(names):
        file = path / name
        hasher.update(name.encode() + b"\0")
        try:
            if file.is_file() and not file.is_symlink():
                hasher.update(file.read_bytes()[: 1 << 20])
            else:
                hasher.update(b"-")
        except OSError:
            hasher.update(b"?")
        hasher.update(b"\0")
    return hasher.hexdigest()[:16]

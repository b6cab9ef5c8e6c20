"""The worker's second layer: an audit hook against what pure Python could reach.

The sandbox (grader/sandbox.py) is the first layer; where it is missing this is the only
one. Installed after the grader's own imports and before the learner's code runs, the hook
refuses for the rest of the process:

- reading the hidden tests or reference solutions of this checkout, or any file laid out
  like them (`tests/qN/...`, `solutions/qN/...`) anywhere, so another clone is no way round;
- opening a folder that holds them (a `dir_fd` for relative opens), or `/`;
- writing, linking, renaming, removing or changing the mode of anything outside the
  worker's own folder;
- other processes' `/proc` files (memory, descriptors, environment), also through
  `/proc/self/root` and other links;
- starting processes (`subprocess`, `os.system`, `os.fork`, `multiprocessing`'s spawn) and
  signalling any process but itself;
- the garbage collector's object walks and frame access from the learner's own file.

It cannot stop `ctypes`: code that reaches C can unhook anything. Only the sandbox holds then.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Callable
from typing import Any

_SPAWN_EVENTS = frozenset(
    {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
     "os.forkpty", "pty.spawn", "os.startfile", "_posixsubprocess.fork_exec"}
)
# (event, index of each path argument) for events that change the file system.
_WRITE_EVENTS = {
    "os.rename": (0, 1), "os.link": (0, 1), "os.symlink": (1,), "os.remove": (0,),
    "os.rmdir": (0,), "os.mkdir": (0,), "os.chmod": (0,), "os.chown": (0,),
    "os.truncate": (0,), "os.utime": (0,), "os.chflags": (0,), "os.setxattr": (0,),
    "os.removexattr": (0,), "shutil.rmtree": (0,), "os.mkfifo": (0,), "os.mknod": (0,),
}
_WALK_EVENTS = frozenset({"gc.get_objects", "gc.get_referrers", "gc.get_referents"})
_FRAME_EVENTS = frozenset({"sys._getframe", "sys._current_frames", "sys._getframemodulename"})
_FRAME_ATTRIBUTES = frozenset({"tb_frame", "gi_frame", "cr_frame", "ag_frame", "f_back"})
# Hidden tests and solutions of any copy of this repository, wherever it lies.
_LAID_OUT_LIKE_OURS = re.compile(r"/(tests|solutions)/q[0-9]+(/|$)")
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _text(path: object) -> str | None:
    if isinstance(path, bytes):
        return os.fsdecode(path)
    if isinstance(path, str):
        return path
    if isinstance(path, os.PathLike):
        value = os.fspath(path)
        return os.fsdecode(value) if isinstance(value, bytes) else value
    return None  # a file descriptor: judged when it was opened


def _other_process(path: str) -> bool:
    parts = path.split(os.sep)
    return (len(parts) > 2 and parts[1] == "proc" and parts[2].isdigit()
            and int(parts[2]) != os.getpid())


def _writes(args: tuple) -> bool:
    mode = args[1] if len(args) > 1 else None
    flags = args[2] if len(args) > 2 else 0
    if isinstance(mode, str) and any(c in mode for c in "wax+"):
        return True
    return isinstance(flags, int) and bool(flags & _WRITE_FLAGS)


def make_guard(
    protected: tuple[str, ...], writable: tuple[str, ...], learner_file: str,
    allowed: tuple[str, ...] = (),
) -> Callable[[str, tuple], None]:
    """The audit hook. `protected`: folders never to be read (nor their parents opened);
    `writable`: the only folders written in; `learner_file`: whose frames may not be walked;
    `allowed`: files readable even when laid out like ours (this exercise's probes)."""
    protected = tuple(os.path.realpath(p) for p in protected)
    writable = tuple(os.path.realpath(p) for p in writable)
    allowed = tuple(os.path.realpath(p) for p in allowed)
    # Folders whose descriptor would let a relative open reach a protected one.
    parents = {"/"}
    for root in protected:
        parent = os.path.dirname(root)
        while parent and parent not in parents:
            parents.add(parent)
            parent = os.path.dirname(parent)

    def inside(path: str, roots: tuple[str, ...]) -> bool:
        return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep)
                   for root in roots)

    def check_read(target: str) -> None:
        for candidate in (os.path.abspath(target), os.path.realpath(target)):
            if _other_process(candidate):
                raise PermissionError("the grader does not let submissions open other "
                                      "processes' files")
            if candidate in allowed:
                continue
            if inside(candidate, protected) or _LAID_OUT_LIKE_OURS.search(candidate):
                raise PermissionError(f"the grader does not let submissions read {target}")

    def check_write(target: str) -> None:
        resolved = os.path.realpath(target)
        if resolved != os.devnull and not inside(resolved, writable):
            raise PermissionError("the grader lets submissions write only in their own folder")

    def from_learner() -> bool:
        # Frame 0 is this function, 1 the hook, 2 the caller of the audited function; a
        # learner going through inspect or traceback is found one or two frames further up.
        frame: Any = sys._getframe(2)
        for _ in range(4):
            if frame is None:
                return False
            filename = frame.f_code.co_filename
            if filename == learner_file:
                return True
            if not filename.endswith(("inspect.py", "traceback.py")):
                return False
            frame = frame.f_back
        return False

    busy = threading.local()

    def guard(event: str, args: tuple) -> None:
        # The checks below raise audit events of their own; judge only the outermost one.
        if getattr(busy, "on", False):
            return
        busy.on = True
        try:
            judge(event, args)
        finally:
            busy.on = False

    def judge(event: str, args: tuple) -> None:
        if event in _SPAWN_EVENTS:
            raise PermissionError("the grader does not let submissions start processes")
        if event == "open" and args:
            target = _text(args[0])
            if target is None:
                return
            check_read(target)
            if _writes(args):
                check_write(target)
            elif os.path.realpath(target) in parents and os.path.isdir(target):
                raise PermissionError("the grader does not let submissions open that folder")
        elif event in ("os.listdir", "os.scandir") and args:
            target = _text(args[0])
            if target is not None:
                check_read(target)
        elif event in _WRITE_EVENTS:
            for index in _WRITE_EVENTS[event]:
                target = _text(args[index]) if len(args) > index else None
                if target is not None:
                    check_read(target)
                    check_write(target)
        elif event in ("os.kill", "os.killpg") and args:
            target = args[0]
            if not (isinstance(target, int) and target in (0, os.getpid())):
                raise PermissionError("the grader does not let submissions signal other "
                                      "processes")
        elif event in _WALK_EVENTS:
            raise PermissionError("the grader does not let submissions walk the garbage "
                                  "collector's objects")
        elif event in _FRAME_EVENTS and from_learner():
            raise PermissionError("the grader does not let submissions inspect frames")
        elif (event == "object.__getattr__" and len(args) > 1
              and args[1] in _FRAME_ATTRIBUTES and from_learner()):
            raise PermissionError("the grader does not let submissions inspect frames")

    return guard


def install(
    protected: tuple[str, ...], writable: tuple[str, ...], learner_file: str,
    allowed: tuple[str, ...] = (),
) -> None:
    """Install the hook for the rest of this process (audit hooks cannot be removed)."""
    sys.addaudithook(make_guard(protected, writable, learner_file, allowed))
    # multiprocessing's spawn reaches fork_exec without an audit event of its own.
    try:
        import _posixsubprocess

        def refuse(*_args: object, **_kwargs: object) -> None:
            raise PermissionError("the grader does not let submissions start processes")

        _posixsubprocess.fork_exec = refuse  # type: ignore[assignment]
    except ImportError:
        pass

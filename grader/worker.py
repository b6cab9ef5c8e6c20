"""The isolated worker: the only process that runs a submission's code during grading.

Started by `grader.transport.WorkerTransport` as ``python -I worker.py REQ_FD RESP_FD``. It
reads requests and writes replies as `grader.wire` frames on two inherited pipes; its stdout
and stderr go to a log file, so nothing the learner prints can corrupt the channel. Before it
imports the submission it forgets the repository on `sys.path` and installs an audit hook that
refuses to open the hidden tests or the reference solutions, to write outside its own folder,
to open other processes' /proc files and to start processes.
It computes no verdicts: whatever it sends back is checked by the grading process.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent


def _import_grader():  # noqa: ANN202 - returns modules
    sys.path.insert(0, str(_REPO))
    try:
        from grader import errors, loading, manifest, probing, quiet, wire
    finally:
        sys.path.remove(str(_REPO))
    quiet.import_tensorflow_quietly()
    return errors, loading, manifest, probing, wire


def _forget_repository() -> None:
    """Make `import solutions...` and `import tests...` fail inside the worker."""
    venv = _REPO / ".venv"
    kept = []
    for entry in sys.path:
        path = Path(entry or ".").resolve()
        if path == _REPO or (_REPO in path.parents and venv not in (path, *path.parents)):
            continue
        kept.append(entry)
    sys.path[:] = kept
    for name in list(sys.modules):
        if name.split(".")[0] in ("solutions", "tests"):
            del sys.modules[name]


_SPAWN_EVENTS = frozenset(
    {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork",
     "os.forkpty", "pty.spawn", "os.startfile"}
)


def _other_process(path: str) -> bool:
    """True for /proc/<pid>/... of any process but this one (its fds, memory, environment)."""
    parts = path.split(os.sep)
    return (len(parts) > 3 and parts[1] == "proc" and parts[2].isdigit()
            and int(parts[2]) != os.getpid())


_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _writes(args: tuple) -> bool:
    mode = args[1] if len(args) > 1 else None
    flags = args[2] if len(args) > 2 else 0
    if isinstance(mode, str) and any(c in mode for c in "wax+"):
        return True
    return isinstance(flags, int) and bool(flags & _WRITE_FLAGS)


def _install_guard(protected: tuple[str, ...], writable: str) -> None:
    """Refuse, for the rest of this process, to open protected paths, to write outside the
    worker's own folder, or to start processes."""

    def guard(event: str, args: tuple) -> None:
        if event in _SPAWN_EVENTS:
            raise PermissionError("the grader does not let submissions start processes")
        if event in ("open", "os.listdir", "os.scandir") and args:
            target = args[0]
            if isinstance(target, bytes):
                target = os.fsdecode(target)
            if isinstance(target, str):
                if _other_process(os.path.abspath(target)):
                    raise PermissionError("the grader does not let submissions open other "
                                          "processes' files")
                resolved = os.path.realpath(target)
                if (event == "open" and _writes(args) and resolved != os.devnull
                        and not resolved.startswith(writable + os.sep)):
                    raise PermissionError(f"the grader lets submissions write only in {writable}")
                for root in protected:
                    if resolved == root or resolved.startswith(root + os.sep):
                        raise PermissionError(f"the grader does not let submissions read {target}")

    sys.addaudithook(guard)


def main(req_fd: int, resp_fd: int) -> int:
    errors, loading, manifest, probing, wire = _import_grader()
    config = wire.read_frame(req_fd)
    fields = dict(config["exercise"])
    fields.update(names=tuple(fields["names"]), hints=tuple(fields["hints"]))
    exercise = manifest.Exercise(**fields)

    import keras  # noqa: F401 - imported before the guard, as the learner's code expects

    spec = importlib.util.spec_from_file_location("kata_probes", config["probes"])
    assert spec is not None and spec.loader is not None
    probes = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(probes)

    _forget_repository()
    _install_guard(tuple(os.path.realpath(p) for p in config["protected"]),
                   os.path.realpath(os.getcwd()))
    wire.write_frame(resp_fd, {"ready": True})

    cached: dict[str, object] = {}

    def learner():  # noqa: ANN202
        if "module" not in cached:
            cached["module"] = loading.load_learner_module(Path(config["module_path"]), exercise)
        return cached["module"]

    while True:
        try:
            request = wire.read_frame(req_fd)
        except EOFError:
            return 0
        try:
            if request["op"] == "load":
                learner()
                reply: dict[str, object] = {"ok": None}
            else:
                probe = getattr(probes, request["probe"], None)
                if probe is None or request["probe"].startswith("_"):
                    raise errors.SubmissionError(errors.CRASHED, f"no probe {request['probe']!r}")
                result = probing.run_probe(
                    learner, probe, request["kwargs"],
                    seed=int(request["seed"]), device=request["device"],
                )
                reply = {"ok": result}
        except errors.SubmissionError as exc:
            reply = {"error": exc.to_wire()}
        except BaseException as exc:  # noqa: BLE001 - e.g. SystemExit raised at import time
            reply = {"error": {"kind": errors.RAISED, "message": f"{type(exc).__name__}: {exc}"}}
        wire.write_frame(resp_fd, reply)


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), int(sys.argv[2])))

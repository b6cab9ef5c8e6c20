"""A warm process for the learner's loop: TensorFlow imported once, every run in a fresh fork.

`kata watch` calls `warm_up()` once (TensorFlow, Keras, NumPy and pytest imported, no
TensorFlow op run: a fork after an op hangs, research tech-facts §5) and then
`run_forked(args)` on every save: a child forked from the warm parent runs
``pytest.main(args)`` and exits. The learner's module is imported in that child only, so
nothing of the previous save (a global, a registered Keras object, a half-built model)
survives into the next run. This is the learner's own code on the learner's own machine, so
there is no sandbox here; grading never uses this path.
"""

from __future__ import annotations

import atexit
import json
import os
import socket
import sys
import threading
from pathlib import Path

_warm = False


def warm_up() -> None:
    """Import what a kata's visible tests need, without running any TensorFlow op."""
    global _warm
    if _warm:
        return
    os.environ.setdefault("TF_FORCE_GPU_ALLOW_GROWTH", "true")
    from grader import quiet

    quiet.silence_tensorflow_logs()
    with quiet.stderr_to_devnull():
        import keras  # noqa: F401
        import tensorflow as tf
    tf.get_logger().setLevel("ERROR")
    import numpy  # noqa: F401
    import pytest  # noqa: F401

    from grader import collect, loading, testing  # noqa: F401

    _warm = True


def is_warm() -> bool:
    """True once `warm_up` ran and no TensorFlow op has run here since (safe to fork)."""
    if not _warm:
        return False
    from tensorflow.python.eager import context

    return not context.context()._initialized  # noqa: SLF001 - no public way to ask


def run_forked(args: list[str], cwd: str, output: list[int] | None = None) -> int:
    """Run ``pytest.main(args)`` from `cwd` in a child forked from this warm process.

    `output`: descriptors for the child's stdout and stderr (another terminal's).
    Returns the child's exit code (pytest's, or 70 when it could not run).
    """
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which never returns
        code = 70
        try:
            import pytest

            if output is not None:
                os.dup2(output[0], 1)
                os.dup2(output[1], 2)
            os.chdir(cwd)
            code = int(pytest.main(args))
        except BaseException:  # noqa: BLE001 - whatever happens, the child ends here
            import traceback

            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


# -- `kata check` answered by a running `kata watch` ----------------------------------------
SOCKET_NAME = ".kata-warm.sock"
_MAX_SOCKET_PATH = 100  # sun_path holds 108 bytes


def socket_path(submission: Path) -> Path:
    return submission.resolve() / SOCKET_NAME


def serve_checks(submission: Path, cwd: str) -> Path | None:
    """Answer `kata check` for `submission` from this warm process, on a thread.

    `kata check` sends the pytest arguments, its terminal (stdout, stderr) and its results
    pipe; a child forked from here runs them straight onto that terminal and the exit code
    goes back. The socket lives in the learner's folder, readable by its owner only, and is
    removed when this process ends. Returns its path, or None where it cannot be made.
    """
    path = socket_path(submission)
    if len(os.fsencode(path)) > _MAX_SOCKET_PATH:
        return None
    try:
        path.unlink(missing_ok=True)
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old_umask = os.umask(0o177)
        try:
            server.bind(str(path))
        finally:
            os.umask(old_umask)
        server.listen(4)
    except OSError:
        return None
    atexit.register(lambda: path.unlink(missing_ok=True))

    def answer() -> None:
        while True:
            connection, _ = server.accept()
            fds: list[int] = []
            try:
                data, fds, _flags, _addr = socket.recv_fds(connection, 1 << 16, 3)
                if len(fds) != 3:
                    continue
                args = [str(a) for a in json.loads(data)["args"]]
                os.write(fds[0], b"(answered by your running `kata watch`: TensorFlow is "
                                 b"already loaded there)\n")
                code = run_forked([*args, f"--results-fd={fds[2]}"], cwd, output=fds[:2])
                connection.sendall(json.dumps({"code": code}).encode())
            except (OSError, ValueError, KeyError):
                pass
            finally:
                for fd in fds:
                    os.close(fd)
                connection.close()

    threading.Thread(target=answer, daemon=True, name="kata-warm-checks").start()
    return path


def ask_warm(submission: Path, args: list[str], results_fd: int) -> int | None:
    """Run a check in a `kata watch` of `submission`, if one is running; its exit code."""
    path = socket_path(submission)
    if not path.exists():
        return None
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.connect(str(path))
            sys.stdout.flush()
            sys.stderr.flush()
            socket.send_fds(client, [json.dumps({"args": args}).encode()],
                            [sys.stdout.fileno(), sys.stderr.fileno(), results_fd])
            reply = client.recv(1 << 16)
        return int(json.loads(reply)["code"])
    except (OSError, ValueError, KeyError):
        return None

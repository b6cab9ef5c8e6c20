"""One TensorFlow import per grading: a zygote that forks the session and every worker.

``python -m grader.zygote -- PYTEST_ARGS`` imports TensorFlow, Keras, NumPy, pytest and the
grader, runs no TensorFlow op (a fork after an op hangs the child: research tech-facts §5),
and then forks:

- the **grading session** (trusted): ``pytest.main(PYTEST_ARGS)``; its oracles run
  TensorFlow ops from then on, in that child only;
- one **worker** per exercise, on the session's request over a Unix socket: the session
  sends the worker's three pipe ends with ``SCM_RIGHTS``, the zygote forks, and the child
  confines itself (grader/confine.py), drops to the worker's environment and serves probe
  calls (grader/worker.py) for that exercise only.

Both children share the zygote's imported pages copy-on-write, so a grading holds one
TensorFlow in memory and pays one import in CPU. The zygote never runs learner code; it is a
subreaper, so whatever a worker leaves behind (a daemon, a grandchild) comes back to it and
is killed when the session asks for the next worker. It is not dumpable: a worker cannot
trace it or read its memory. It serves one grading, one student: a zygote is never shared
between submissions, because a worker could still signal it (a denial of service against
its own grade, nothing more).

The runner starts the zygote inside the bubblewrap sandbox where there is one
(grader/sandbox.py: `session_command`); the whole grading then sits in one cgroup.
"""

from __future__ import annotations

import ctypes
import gc
import json
import os
import select
import shutil
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ENV_FD = "KATA_ZYGOTE_FD"
MAX_MESSAGE = 64 * 1024
PR_SET_CHILD_SUBREAPER, PR_SET_PDEATHSIG, PR_SET_DUMPABLE = 36, 1, 4
PRELOADED = False  # True in the zygote and everything it forks, once TensorFlow is in


# -- the session's side ------------------------------------------------------------------
class ZygoteClient:
    """The grading session's handle on its zygote (one per session, from `connect()`)."""

    def __init__(self, fd: int) -> None:
        self._sock = socket.socket(fileno=fd)

    def _ask(self, request: dict[str, Any], fds: list[int] | None = None) -> dict[str, Any]:
        data = json.dumps(request).encode()
        if fds:
            socket.send_fds(self._sock, [data], fds)
        else:
            self._sock.sendall(data)
        reply = self._sock.recv(MAX_MESSAGE)
        if not reply:
            raise ConnectionError("the zygote is gone")
        answer: dict[str, Any] = json.loads(reply)
        if "error" in answer:
            raise OSError(answer["error"])
        return answer

    def spawn(self, spec: dict[str, Any], req_fd: int, resp_fd: int, out_fd: int) -> int:
        """Fork a worker for `spec` (see `_Zygote._spawn`); returns its pid."""
        return int(self._ask({"op": "spawn", **spec}, [req_fd, resp_fd, out_fd])["pid"])

    def stop(self, pid: int) -> int | None:
        """Kill the worker and everything it left behind; its wait status if it had ended."""
        status = self._ask({"op": "stop", "pid": pid}).get("status")
        return None if status is None else int(status)

    def status(self, pid: int, timeout: float) -> int | None:
        """The worker's wait status once it has ended (waiting up to `timeout`), else None."""
        status = self._ask({"op": "status", "pid": pid, "timeout": timeout}).get("status")
        return None if status is None else int(status)


_client: ZygoteClient | None = None


def connect() -> ZygoteClient | None:
    """The session's zygote, when this process is a session the zygote forked."""
    global _client
    if _client is None and os.environ.get(ENV_FD, "").isdigit():
        _client = ZygoteClient(int(os.environ[ENV_FD]))
    return _client


# -- the zygote ----------------------------------------------------------------------------
def _prctl(option: int, value: int) -> None:
    ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)


def preload() -> None:
    """Everything a session or a worker imports, imported once, with no TensorFlow op run."""
    os.environ.setdefault("TF_FORCE_GPU_ALLOW_GROWTH", "true")  # not set_memory_growth: an op
    from grader import quiet

    quiet.silence_tensorflow_logs()
    with quiet.stderr_to_devnull():
        import keras  # noqa: F401
        import tensorflow as tf
    tf.get_logger().setLevel("ERROR")
    global PRELOADED
    PRELOADED = True
    import numpy  # noqa: F401
    import pytest  # noqa: F401

    from grader import (  # noqa: F401
        collect,
        confine,
        errors,
        guard,
        loading,
        manifest,
        probing,
        testing,
        transport,
        wire,
        worker,
    )


def tensorflow_untouched() -> bool:
    """True while this process has run no TensorFlow op (its eager context is not started)."""
    from tensorflow.python.eager import context

    return not context.context()._initialized  # noqa: SLF001 - no public way to ask


class _Zygote:
    def __init__(self, sock: socket.socket, session_pid: int) -> None:
        self.sock = sock
        self.session_pid = session_pid
        self.workers: set[int] = set()
        self.ended: dict[int, int] = {}
        self.session_status: int | None = None

    def reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid == self.session_pid:
                self.session_status = status
            elif pid in self.workers:
                self.ended[pid] = status

    def _children(self) -> list[int]:
        me = str(os.getpid())
        found = []
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[1] == me and int(entry) != self.session_pid:
                found.append(int(entry))
        return found

    def kill_leftovers(self) -> None:
        """Kill every child but the session; orphans come back to us (subreaper): repeat."""
        for _ in range(50):
            children = self._children()
            if not children:
                return
            for pid in children:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.02)
            self.reap()

    def serve(self) -> int:
        while True:
            self.reap()
            if self.session_status is not None:
                self.kill_leftovers()
                return os.waitstatus_to_exitcode(self.session_status)
            ready, _, _ = select.select([self.sock], [], [], 0.2)
            if not ready:
                continue
            try:
                data, fds, _flags, _addr = socket.recv_fds(self.sock, MAX_MESSAGE, 3)
            except OSError:
                data, fds = b"", []
            if not data:  # the session closed its end: it is ending
                if self.session_status is None:
                    _, self.session_status = os.waitpid(self.session_pid, 0)
                continue
            try:
                reply = self._handle(json.loads(data), fds)
            except Exception as exc:  # noqa: BLE001 - the session's request was malformed
                reply = {"error": f"{type(exc).__name__}: {exc}"}
            finally:
                for fd in fds:
                    os.close(fd)
            self.sock.sendall(json.dumps(reply).encode())

    def _handle(self, request: dict[str, Any], fds: list[int]) -> dict[str, Any]:
        op = request["op"]
        if op == "spawn":
            if len(fds) != 3:
                raise ValueError("a worker needs three pipe ends")
            self.kill_leftovers()  # one worker at a time: the previous one is done with
            return {"pid": self._spawn(request, fds)}
        pid = int(request["pid"])
        if op == "stop":
            self.reap()
            if pid in self.workers and pid not in self.ended:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.kill_leftovers()
            return {"status": self.ended.get(pid)}
        if op == "status":
            deadline = time.monotonic() + min(float(request.get("timeout", 0)), 10.0)
            while True:
                self.reap()
                if pid in self.ended or time.monotonic() >= deadline:
                    return {"status": self.ended.get(pid)}
                time.sleep(0.02)
        raise ValueError(f"unknown op {op!r}")

    def _spawn(self, spec: dict[str, Any], fds: list[int]) -> int:
        if not tensorflow_untouched():
            raise RuntimeError("the zygote has run a TensorFlow op; a forked worker would hang")
        probes_path = str(spec["probes"])
        probes_source = Path(probes_path).read_text(encoding="utf-8")
        pid = os.fork()
        if pid:
            self.workers.add(pid)
            return pid
        code = 70
        try:
            code = _worker_child(spec, fds, probes_path, probes_source)
        except BaseException:  # noqa: BLE001 - a worker that cannot start just ends
            import traceback

            traceback.print_exc()
        finally:
            os._exit(code)


def _worker_child(spec: dict[str, Any], fds: list[int], probes_path: str,
                  probes_source: str) -> int:
    from grader import confine, worker

    # Fixed numbers for the three pipes; every other descriptor is closed by `detach`.
    os.dup2(fds[2], 1)
    os.dup2(fds[2], 2)
    req, resp = os.dup(fds[0]), os.dup(fds[1])
    confine.detach(keep=(req, resp))
    if spec.get("drop_privileges"):
        confine.drop_to_nobody()
    scratch = str(spec["scratch"])
    try:
        confine.enter_namespaces(tuple(spec["hide"]), scratch, int(spec["scratch_bytes"]))
    except OSError as exc:
        if spec.get("require_namespaces"):
            raise
        # Process isolation without user namespaces: the audit hook is the remaining layer.
        print(f"[kata] worker namespaces unavailable ({exc}); audit hook only",
              file=sys.stderr)
        os.makedirs(scratch, mode=0o700, exist_ok=True)
    home = f"{scratch}/home"
    os.makedirs(home, exist_ok=True)
    os.chdir(scratch)
    os.environ.clear()
    os.environ.update({str(k): str(v) for k, v in dict(spec["env"]).items()},
                      HOME=home, KERAS_HOME=f"{home}/.keras", TMPDIR=scratch,
                      MPLCONFIGDIR=f"{home}/.matplotlib")
    os.umask(0o077)
    # Both were worked out when the zygote imported them, from the zygote's environment.
    import tempfile

    tempfile.tempdir = None
    try:
        from keras.src.backend import config as keras_config

        keras_config._KERAS_DIR = os.environ["KERAS_HOME"]  # noqa: SLF001
    except (ImportError, AttributeError):
        pass
    return worker.serve(req, resp, probes_path, probes_source)


def _key_fd(args: list[str]) -> int | None:
    for arg in args:
        if arg.startswith("--results-key-fd="):
            return int(arg.split("=", 1)[1])
    return None


def _read_all(fd: int) -> bytes:
    with os.fdopen(fd, "rb") as pipe:
        return pipe.read()


def _session(args: list[str], key: bytes | None, key_fd: int | None) -> int:
    """Fork one grading session running ``pytest.main(args)``; serve its workers; its code."""
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    basetemp = tempfile.mkdtemp(prefix="kata-session-")
    args = [*args, f"--basetemp={basetemp}/tmp"]
    session = os.fork()
    if session == 0:
        ours.close()
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        os.environ[ENV_FD] = str(theirs.detach())
        code = 70
        try:
            if key is not None and key_fd is not None:
                # Each session reads the signing key from the descriptor it was told of.
                read, write = os.pipe()
                os.write(write, key)
                os.close(write)
                os.dup2(read, key_fd)
                os.close(read)
            import pytest

            code = int(pytest.main(args))
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    theirs.close()
    try:
        return _Zygote(ours, session).serve()
    finally:
        ours.close()
        # The session's files (in a tmpfs, inside the sandbox: memory) go with it.
        shutil.rmtree(basetemp, ignore_errors=True)


def main(argv: list[str]) -> int:
    """``[--each PATH ...] -- PYTEST_ARGS``: one session per PATH (else one for all)."""
    dash = argv.index("--") if "--" in argv else len(argv)
    ours, args = argv[:dash], argv[dash + 1:]
    each = ours[1:] if ours[:1] == ["--each"] else []
    preload()
    # Python's collector writes into every object it tracks; after a fork that copies each
    # page it touches. Frozen objects are never traversed, so the children keep sharing them.
    gc.collect()
    gc.freeze()
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    _prctl(PR_SET_DUMPABLE, 0)  # inherited by the sessions: no worker may trace them
    key_fd = _key_fd(args)
    # Read once, here, before any worker exists; workers close every descriptor but their
    # own pipes, so the copy in memory they inherit reaches no record pipe.
    key = None
    if key_fd is not None:
        key = _read_all(key_fd)
        # Keep the number taken, so no socket of ours lands where each session expects it.
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, key_fd)
        os.close(null)
    if not each:
        return _session(args, key, key_fd)
    worst = 0
    for path in each:
        # A fresh session per exercise: what one exercise's oracles allocated is gone with
        # its session, so a grading's memory stays that of one exercise, not thirty.
        code = _session([path, *args], key, key_fd)
        if code not in (0, 1) and worst in (0, 1):
            worst = code
        elif code == 1 and worst == 0:
            worst = 1
    return worst


if __name__ == "__main__":
    # Run as grader.zygote, not __main__, so that its state (PRELOADED, the client) is the
    # one module every forked child imports.
    from grader import zygote as _module

    sys.exit(_module.main(sys.argv[1:]))

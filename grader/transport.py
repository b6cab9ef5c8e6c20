"""How a hidden test reaches the learner's code: in-process, or through an isolated worker.

Hidden tests call ``submission.call("probe_name", **inputs)`` and get plain data back. The
`InProcessTransport` (learners' local runs, the suite's own checks) imports the learner's
module here; the `WorkerTransport` (the grader) never does: it starts `grader/worker.py` in
the OS sandbox of `grader.sandbox` (or, where there is none, a plain process in a private
folder), and talks to it over two pipes with `grader.wire` frames, every read under a
deadline. The test code is the same for both.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from grader import sandbox, wire, zygote
from grader.errors import CRASHED, TIMEOUT, SubmissionError, with_hint
from grader.loading import LearnerModule, load_learner_module
from grader.manifest import REPO_ROOT, Exercise
from grader.probing import run_probe

NOBODY = 65534
# Seconds one probe call may take unless the test asks for more; KATA_CALL_TIMEOUT overrides.
DEFAULT_CALL_TIMEOUT = float(os.environ.get("KATA_CALL_TIMEOUT", "60"))
STARTUP_TIMEOUT = 120.0
MAX_RESTARTS = 2


def can_drop_privileges() -> bool:
    """True when we are root and user `nobody` can run this interpreter and read the repo.

    A pyenv or conda Python under /root is not reachable by `nobody`; then the worker runs as
    the current user and the other defences (no repository on sys.path, the audit hook, a
    killed process group) remain. docs/threat-model.md says what that leaves open.
    """
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return False
    for target in (Path(os.path.realpath(sys.executable)), REPO_ROOT / "grader"):
        for folder in [target, *target.parents]:
            try:
                mode = folder.stat().st_mode
            except OSError:
                return False
            if not mode & 0o001 and folder != target:
                return False
    return True


class Transport(Protocol):
    def call(
        self, probe: str, *, seed: int = 0, device: str = "cpu", timeout: float | None = None,
        look_at: str | None = None, **kwargs: Any,
    ) -> Any:
        """Run `probe` on the learner's code with `kwargs`; plain data back.

        Raises:
            SubmissionError: the code could not be loaded, raised, hung or crashed; `look_at`
                (the test's advice) is added when the learner's code raised.
        """
        ...

    def close(self) -> None: ...


def load_probes(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _KerasRegistry:
    """Keeps each in-process variant's `register_keras_serializable` entries to itself.

    Keras keeps one global registry, so after loading the solution and a mutant that both
    register `kata>FocalLoss`, the last one loaded would serve every `.keras` load. Before
    each call the registry is reset to what it was before any learner code, plus the entries
    of the module under test. (Workers load one module each and need none of this.)
    """

    def __init__(self) -> None:
        from keras.src.saving import object_registration as registry

        self._objects = registry.GLOBAL_CUSTOM_OBJECTS
        self._names = registry.GLOBAL_CUSTOM_NAMES
        self._baseline = (dict(self._objects), dict(self._names))

    def capture(self, before: tuple[dict[Any, Any], dict[Any, Any]]) -> tuple[dict[Any, Any], ...]:
        objects = {k: v for k, v in self._objects.items() if before[0].get(k) is not v}
        names = {k: v for k, v in self._names.items() if before[1].get(k) != v}
        return objects, names

    def snapshot(self) -> tuple[dict[Any, Any], dict[Any, Any]]:
        return dict(self._objects), dict(self._names)

    def activate(self, own: tuple[dict[Any, Any], ...]) -> None:
        for live, base, mine in ((self._objects, self._baseline[0], own[0]),
                                 (self._names, self._baseline[1], own[1])):
            live.clear()
            live.update(base)
            live.update(mine)


_registry: _KerasRegistry | None = None


class InProcessTransport:
    """Runs probes in this process. Fast, for learners and for checking our own solutions."""

    def __init__(self, exercise: Exercise, module_path: Path, probes_path: Path) -> None:
        self.exercise = exercise
        self.module_path = module_path
        self.probes = load_probes(probes_path, f"kata_probes_{exercise.id}")
        self._module: LearnerModule | None = None
        self._load_error: SubmissionError | None = None
        self._registered: tuple[dict[Any, Any], ...] = ({}, {})
        # Unique per file so two variants (say, solution and mutant) can live side by side.
        self._module_name = f"kata_{exercise.id}_{abs(hash(str(module_path))):x}"

    def _learner(self) -> LearnerModule:
        if self._load_error is not None:
            raise self._load_error
        global _registry
        if _registry is None:
            _registry = _KerasRegistry()
        if self._module is None:
            before = _registry.snapshot()
            try:
                self._module = load_learner_module(
                    self.module_path, self.exercise, self._module_name
                )
            except SubmissionError as exc:
                self._load_error = exc
                raise
            finally:
                self._registered = _registry.capture(before)
        _registry.activate(self._registered)
        return self._module

    def call(
        self, probe: str, *, seed: int = 0, device: str = "cpu", timeout: float | None = None,
        look_at: str | None = None, **kwargs: Any,
    ) -> Any:
        try:
            result = run_probe(
                self._learner, getattr(self.probes, probe), kwargs, seed=seed, device=device
            )
        except SubmissionError as exc:
            raise with_hint(exc, look_at) from None
        # Round-trip so in-process results look exactly like a worker's.
        return wire.loads(wire.dumps(result))

    def close(self) -> None:
        sys.modules.pop(self._module_name, None)


class _OutputTail:
    """Drains a worker's stdout and stderr on a thread, keeping only the last bytes: a
    flood of output costs memory for the tail alone and never blocks the worker's pipe."""

    def __init__(self, fd: int, keep: int = 16 * 1024) -> None:
        self._fd, self._keep = fd, keep
        self._data = bytearray()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self._fd, 1 << 16)
            except OSError:
                break
            if not chunk:
                break
            with self._lock:
                self._data += chunk
                if len(self._data) > 2 * self._keep:
                    del self._data[: -self._keep]
        try:
            os.close(self._fd)
        except OSError:
            pass

    def text(self, limit: int) -> str:
        self._thread.join(timeout=0.5)
        with self._lock:
            data = bytes(self._data[-limit:])
        return data.decode("utf-8", "replace").strip()


class WorkerTransport:
    """Runs probes in a separate, restartable worker process with time limits.

    The worker runs in the OS sandbox of `grader.sandbox` where the machine has one
    (`isolation == "sandbox"`), else as a plain process guarded by its audit hook
    (`"process"`). `KATA_ISOLATION` (set by the grader for its session) chooses; by default
    the sandbox is used whenever it works.

    Args:
        exercise: the exercise being graded.
        module_path: the learner's file, e.g. `STAGED/q4/training_loop.py`.
        probes_path: `tests/qN/probes.py`.
        budget: wall-clock seconds for all calls of this exercise together.
    """

    def __init__(
        self, exercise: Exercise, module_path: Path, probes_path: Path, budget: float
    ) -> None:
        self.exercise = exercise
        self.module_path = module_path
        self.probes_path = probes_path
        self.budget = budget
        wanted = os.environ.get("KATA_ISOLATION") or sandbox.isolation_level()
        self.isolation = wanted if wanted in (sandbox.SANDBOX, sandbox.PROCESS) else "sandbox"
        self._spent = 0.0
        self._proc: subprocess.Popen[bytes] | None = None
        self._forked: int | None = None  # a worker the zygote forked: its pid there
        self._req_w = self._resp_r = -1
        self._workdir: Path | None = None
        self._output: _OutputTail | None = None
        self._limits: sandbox.Limits | None = None
        self._fatal: SubmissionError | None = None
        self._restarts = 0

    # -- lifecycle ---------------------------------------------------------------------
    def _environment(self, home: str, tmp: str) -> dict[str, str]:
        env = {
            "PATH": "/usr/bin:/bin",
            "HOME": home,
            "KERAS_HOME": f"{home}/.keras",
            "TMPDIR": tmp,
            "MPLCONFIGDIR": f"{home}/.matplotlib",
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "TF_ENABLE_ONEDNN_OPTS": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "0"),
            "PYTHONHASHSEED": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        for key in ("LD_LIBRARY_PATH", "CUDA_VISIBLE_DEVICES", "LANG",
                    "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OMP_NUM_THREADS"):
            if key in os.environ:
                env[key] = os.environ[key]
        return env

    def _start(self) -> None:
        client = zygote.connect()
        if client is not None:
            self._start_forked(client)
            return
        # A private folder (0700) per worker: the kata folder it may read, its scratch.
        workdir = Path(tempfile.mkdtemp(prefix=f"kata-{self.exercise.id}-"))
        self._workdir = workdir
        kata = workdir / "kata"
        sandbox.prepare_kata_folder(kata, Path(__file__).resolve().parent, self.probes_path)
        req_r, req_w = os.pipe()
        resp_r, resp_w = os.pipe()
        out_r, out_w = os.pipe()
        self._limits = sandbox.Limits()
        worker_args = ["grader/worker.py", str(req_r), str(resp_w)]
        user = group = None
        if self.isolation == sandbox.SANDBOX:
            learner = self.module_path if self.module_path.is_file() else None
            module_in_box = f"{sandbox.WORK_DIR}/{self.exercise.id}/{self.exercise.file}"
            env = self._environment(f"{sandbox.WORK_DIR}/home", "/tmp")
            command = sandbox.sandbox_command(
                [f"{sandbox.KATA_DIR}/grader/worker.py", str(req_r), str(resp_w)],
                kata, learner, self.exercise.id, self.exercise.file, env,
            )
            config_paths = {"module_path": module_in_box, "protected": [],
                            "writable": [sandbox.WORK_DIR, "/tmp"]}
            cwd: Path = workdir
            popen_env: dict[str, str] = {}
        else:
            scratch = workdir / "scratch"
            copy = scratch / self.exercise.id
            copy.mkdir(parents=True)
            (scratch / "home").mkdir()
            if self.module_path.is_file():
                shutil.copy2(self.module_path, copy / self.module_path.name)
            command = [sys.executable, "-I", str(kata / worker_args[0]), *worker_args[1:]]
            config_paths = {"module_path": str(copy / self.module_path.name),
                            "protected": [str(REPO_ROOT / "tests"), str(REPO_ROOT / "solutions"),
                                          str(REPO_ROOT / ".venv")],
                            "writable": [str(scratch)]}
            cwd = scratch
            popen_env = self._environment(str(scratch / "home"), str(scratch))
            if can_drop_privileges():
                for path in [workdir, *workdir.rglob("*")]:
                    os.chown(path, NOBODY, NOBODY)
                user = group = NOBODY
        try:
            self._proc = subprocess.Popen(
                self._limits.wrap(command),
                stdin=subprocess.DEVNULL, stdout=out_w, stderr=out_w, cwd=cwd, env=popen_env,
                pass_fds=(req_r, resp_w), start_new_session=True,
                preexec_fn=self._limits.preexec,  # noqa: PLW1509 - resource limits only
                user=user, group=group, extra_groups=[] if user is not None else None,
            )
        finally:
            for fd in (req_r, resp_w, out_w):
                os.close(fd)
        self._output = _OutputTail(out_r)
        self._req_w, self._resp_r = req_w, resp_r
        self._handshake(config_paths)

    def _start_forked(self, client: zygote.ZygoteClient) -> None:
        """A worker forked by this session's zygote: TensorFlow is already imported there."""
        in_sandbox = self.isolation == sandbox.SANDBOX
        if in_sandbox:
            # The session runs in the sandbox too; the worker covers what only it may see.
            module_path = str(self.module_path)
            scratch = sandbox.WORK_DIR
            hide = [str(REPO_ROOT / "tests"), sandbox.SESSION_TMP]
            drop = False
        else:
            workdir = Path(tempfile.mkdtemp(prefix=f"kata-{self.exercise.id}-"))
            self._workdir = workdir
            copy = workdir / self.exercise.id / self.exercise.file
            copy.parent.mkdir()
            if self.module_path.is_file():
                shutil.copy2(self.module_path, copy)
            module_path, scratch = str(copy), str(workdir / "scratch")
            hide = [str(REPO_ROOT / name) for name in ("tests", "solutions", ".git")]
            drop = can_drop_privileges()
            if drop:
                for path in [workdir, *workdir.rglob("*")]:
                    os.chown(path, NOBODY, NOBODY)
        req_r, req_w = os.pipe()
        resp_r, resp_w = os.pipe()
        out_r, out_w = os.pipe()
        spec = {
            "probes": str(self.probes_path), "hide": hide, "scratch": scratch,
            "scratch_bytes": sandbox.SCRATCH_BYTES, "drop_privileges": drop,
            "require_namespaces": in_sandbox,
            "env": self._environment(f"{scratch}/home", scratch),
        }
        try:
            self._forked = client.spawn(spec, req_r, resp_w, out_w)
        except (OSError, ConnectionError) as exc:
            for fd in (req_w, resp_r, out_r):
                os.close(fd)
            raise SubmissionError(CRASHED, f"the grader could not start a worker: {exc}") from None
        finally:
            for fd in (req_r, resp_w, out_w):
                os.close(fd)
        self._output = _OutputTail(out_r)
        self._req_w, self._resp_r = req_w, resp_r
        self._handshake({"module_path": module_path,
                         "protected": [str(REPO_ROOT / "tests"), str(REPO_ROOT / "solutions")],
                         "writable": [scratch, "/tmp"] if in_sandbox else [scratch]})

    def _handshake(self, config_paths: dict[str, Any]) -> None:
        config = {
            "exercise": {k: list(v) if isinstance(v, tuple) else v
                         for k, v in asdict(self.exercise).items()},
            **config_paths,
        }
        wire.write_frame(self._req_w, config)
        reply = self._receive(STARTUP_TIMEOUT, starting=True)
        if reply != {"ready": True}:
            raise SubmissionError(CRASHED, "the grading worker did not start")
        self._exchange({"op": "load"}, self._call_timeout(None))

    def close(self) -> None:
        if self._forked is not None:
            client = zygote.connect()
            if client is not None:
                try:
                    client.stop(self._forked)
                except (OSError, ConnectionError):
                    pass
            self._forked = None
        if self._proc is not None:
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self._proc.wait()
            self._proc = None
        if self._limits is not None:
            self._limits.close()  # kills whatever is left in its cgroup
            self._limits = None
        for fd in (self._req_w, self._resp_r):
            if fd >= 0:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._req_w = self._resp_r = -1
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)
            self._workdir = None

    # -- calls -------------------------------------------------------------------------
    def _call_timeout(self, timeout: float | None) -> float:
        remaining = self.budget - self._spent
        if remaining <= 0:
            raise SubmissionError(
                TIMEOUT,
                f"{self.exercise.id}: not run, the exercise used up its "
                f"{self.budget:.0f} s time limit",
            )
        return min(timeout or DEFAULT_CALL_TIMEOUT, remaining)

    def call(
        self, probe: str, *, seed: int = 0, device: str = "cpu", timeout: float | None = None,
        look_at: str | None = None, **kwargs: Any,
    ) -> Any:
        try:
            return self._call(probe, seed, device, timeout, kwargs)
        except SubmissionError as exc:
            raise with_hint(exc, look_at) from None

    def _call(
        self, probe: str, seed: int, device: str, timeout: float | None, kwargs: dict[str, Any]
    ) -> Any:
        if self._fatal is not None:
            raise self._fatal
        if self._proc is None and self._forked is None:
            try:
                self._start()
            except SubmissionError as exc:
                if exc.kind != CRASHED or self._restarts >= MAX_RESTARTS:
                    self._fatal = exc
                self._restarts += 1
                self.close()
                raise
        request = {"op": "call", "probe": probe, "kwargs": kwargs, "seed": seed, "device": device}
        try:
            return self._exchange(request, self._call_timeout(timeout))
        except SubmissionError as exc:
            if exc.kind in (TIMEOUT, CRASHED):
                self._restarts += 1
                if exc.kind == TIMEOUT or self._restarts > MAX_RESTARTS:
                    self._fatal = SubmissionError(
                        exc.kind, f"{exc.message} (later tests of {self.exercise.id} not run)"
                    )
                self.close()
            raise

    def _exchange(self, request: dict[str, Any], timeout: float) -> Any:
        try:
            wire.write_frame(self._req_w, request)
        except (BrokenPipeError, OSError):
            raise self._crashed() from None
        reply = self._receive(timeout)
        if isinstance(reply, dict) and set(reply) == {"ok"}:
            return reply["ok"]
        if isinstance(reply, dict) and set(reply) == {"error"}:
            raise SubmissionError.from_wire(reply["error"])
        raise SubmissionError(CRASHED, f"{self.exercise.id}: the worker sent a malformed reply")

    def _receive(self, timeout: float, starting: bool = False) -> Any:
        started = time.monotonic()
        try:
            return wire.read_frame_before(self._resp_r, started + timeout)
        except TimeoutError:
            what = "starting the grader's worker" if starting else "the call"
            raise SubmissionError(
                TIMEOUT,
                f"{self.exercise.id}: {what} did not finish within {timeout:.0f} s "
                "(an infinite loop, or training far longer than asked?)",
            ) from None
        except EOFError:
            raise self._crashed() from None
        except (wire.WireError, struct.error) as exc:
            raise SubmissionError(
                CRASHED, f"{self.exercise.id}: unreadable reply from the worker: {exc}"
            ) from None
        finally:
            if not starting:
                self._spent += time.monotonic() - started

    def _crashed(self) -> SubmissionError:
        code = None
        client = zygote.connect()
        if self._forked is not None and client is not None:
            try:
                status = client.status(self._forked, 2.0)
            except (OSError, ConnectionError):
                status = None
            code = None if status is None else os.waitstatus_to_exitcode(status)
        if self._proc is not None:
            try:
                code = self._proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                os.killpg(self._proc.pid, signal.SIGKILL)
                code = self._proc.wait()
        tail = self.output_tail()
        if self._limits is not None and self._limits.oom_killed():
            reason = f"killed for using more than {sandbox.MEMORY_BYTES // 2**20} MiB of memory"
        elif code == -signal.SIGKILL and self._forked is not None:
            reason = ("killed (SIGKILL), most often for using more memory than the grader "
                      "allows")
        elif code is not None and code >= 0:
            reason = f"exit status {code}"
        else:
            reason = f"signal {-(code or 0)}"
        message = (
            f"{self.exercise.id}: the process running your code stopped during the test "
            f"({reason}). Did the code call os._exit() or sys.exit(), run out of memory, "
            "or crash Python?"
        )
        if tail:
            message += f"\nLast output:\n{tail}"
        return SubmissionError(CRASHED, message)

    def output_tail(self, limit: int = 600) -> str:
        return self._output.text(limit) if self._output is not None else ""

"""How a hidden test reaches the learner's code: in-process, or through an isolated worker.

Hidden tests call ``submission.call("probe_name", **inputs)`` and get plain data back. The
`InProcessTransport` (learners' local runs, the suite's own checks) imports the learner's
module here; the `WorkerTransport` (the grader) never does: it starts `grader/worker.py` in a
fresh process, as user `nobody` when run as root, in a temporary folder holding a copy of the
exercise only, and talks to it over two pipes with `grader.wire` frames. The test code is the
same for both.
"""

from __future__ import annotations

import importlib.util
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from grader import wire
from grader.errors import CRASHED, TIMEOUT, SubmissionError, with_hint
from grader.loading import LearnerModule, load_learner_module
from grader.manifest import REPO_ROOT, Exercise
from grader.probing import run_probe

WORKER_SCRIPT = Path(__file__).with_name("worker.py")
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


class WorkerTransport:
    """Runs probes in a separate, restartable worker process with time limits.

    Args:
        exercise: the exercise being graded.
        module_path: the learner's file, e.g. `SUBMISSION/q4/training_loop.py`.
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
        self._spent = 0.0
        self._proc: subprocess.Popen[bytes] | None = None
        self._req_w = self._resp_r = -1
        self._workdir: Path | None = None
        self._fatal: SubmissionError | None = None
        self._restarts = 0

    # -- lifecycle ---------------------------------------------------------------------
    def _start(self) -> None:
        workdir = Path(tempfile.mkdtemp(prefix=f"kata-{self.exercise.id}-"))
        self._workdir = workdir
        source_dir = self.module_path.parent
        copy = workdir / self.exercise.id
        if source_dir.is_dir():
            shutil.copytree(source_dir, copy, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            copy.mkdir()
        (workdir / "home").mkdir()
        req_r, req_w = os.pipe()
        resp_r, resp_w = os.pipe()
        as_root = can_drop_privileges()
        if as_root:
            for path in [workdir, *workdir.rglob("*")]:
                os.chown(path, NOBODY, NOBODY)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(workdir / "home"),
            "KERAS_HOME": str(workdir / "home" / ".keras"),
            "TMPDIR": str(workdir),
            "TF_CPP_MIN_LOG_LEVEL": "3",
            "TF_ENABLE_ONEDNN_OPTS": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "0"),
            "PYTHONHASHSEED": "0",
            "PYTHONDONTWRITEBYTECODE": "1",
        }
        for key in ("LD_LIBRARY_PATH", "CUDA_VISIBLE_DEVICES", "LANG"):
            if key in os.environ:
                env[key] = os.environ[key]
        log = open(workdir / "output.log", "wb")  # noqa: SIM115 - handed to the child
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-I", str(WORKER_SCRIPT), str(req_r), str(resp_w)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=workdir,
                env=env,
                pass_fds=(req_r, resp_w),
                start_new_session=True,
                user=NOBODY if as_root else None,
                group=NOBODY if as_root else None,
                extra_groups=[] if as_root else None,
            )
        finally:
            log.close()
            os.close(req_r)
            os.close(resp_w)
        self._req_w, self._resp_r = req_w, resp_r
        module_copy = copy / self.module_path.name
        config = {
            "exercise": {k: list(v) if isinstance(v, tuple) else v
                         for k, v in asdict(self.exercise).items()},
            "probes": str(self.probes_path),
            "module_path": str(module_copy),
            "protected": [str(REPO_ROOT / "tests"), str(REPO_ROOT / "solutions")],
        }
        wire.write_frame(self._req_w, config)
        reply = self._receive(STARTUP_TIMEOUT, starting=True)
        if reply != {"ready": True}:
            raise SubmissionError(CRASHED, "the grading worker did not start")
        self._exchange({"op": "load"}, self._call_timeout(None))

    def close(self) -> None:
        if self._proc is not None:
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            self._proc.wait()
            self._proc = None
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
        if self._proc is None:
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
        deadline = started + timeout
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    what = "starting the grader's worker" if starting else "the call"
                    raise SubmissionError(
                        TIMEOUT,
                        f"{self.exercise.id}: {what} did not finish within {timeout:.0f} s "
                        "(an infinite loop, or training far longer than asked?)",
                    )
                ready, _, _ = select.select([self._resp_r], [], [], min(left, 1.0))
                if ready:
                    try:
                        return wire.read_frame(self._resp_r)
                    except EOFError:
                        raise self._crashed() from None
                    except wire.WireError as exc:
                        raise SubmissionError(
                            CRASHED, f"{self.exercise.id}: unreadable reply from the worker: {exc}"
                        ) from None
        finally:
            if not starting:
                self._spent += time.monotonic() - started

    def _crashed(self) -> SubmissionError:
        code = None
        if self._proc is not None:
            try:
                code = self._proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                os.killpg(self._proc.pid, signal.SIGKILL)
                code = self._proc.wait()
        tail = self.output_tail()
        if code is not None and code >= 0:
            reason = f"exit status {code}"
        else:
            reason = f"signal {-(code or 0)}"
        message = (
            f"{self.exercise.id}: the process running your code stopped during the test "
            f"({reason}). Did the code call os._exit() or sys.exit(), or crash Python?"
        )
        if tail:
            message += f"\nLast output:\n{tail}"
        return SubmissionError(CRASHED, message)

    def output_tail(self, limit: int = 600) -> str:
        if self._workdir is None:
            return ""
        try:
            data = (self._workdir / "output.log").read_bytes()[-limit:]
        except OSError:
            return ""
        return data.decode("utf-8", "replace").strip()

"""The isolated worker: the only process that runs a submission's code during grading.

Started by `grader.transport.WorkerTransport` as ``python -I KATA/grader/worker.py REQ RESP``
from a folder that holds copies of the few grader modules it needs and one exercise's
`probes.py`, inside the sandbox where the machine has one (grader/sandbox.py). It reads
requests and writes replies as `grader.wire` frames on two inherited pipes; its stdout and
stderr go to a pipe the parent drains, so nothing the learner prints can corrupt the channel.
Before the learner's code runs it installs the audit hook of `grader.guard`. Each call
executes the probes afresh, so a probe replaced by the learner's code lasts one call at most.
It computes no verdicts: whatever it sends back is a claim the grading process checks.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from types import CodeType, ModuleType

_KATA = Path(__file__).resolve().parent.parent  # the folder with grader/ and probes.py


def _import_grader() -> None:
    sys.path.insert(0, str(_KATA))
    from grader import quiet

    quiet.import_tensorflow_quietly()


def _fresh_probes(code: CodeType, name: str) -> ModuleType:
    module = ModuleType("kata_probes")
    module.__file__ = name
    exec(code, module.__dict__)  # noqa: S102 - our own probes, compiled before learner code
    return module


def main(req_fd: int, resp_fd: int) -> int:
    """Entry point of a worker started as its own process (no zygote)."""
    _import_grader()
    probes_path = _KATA / "probes.py"
    return serve(req_fd, resp_fd, str(probes_path), probes_path.read_text(encoding="utf-8"))


def serve(req_fd: int, resp_fd: int, probes_name: str, probes_source: str) -> int:
    """Read the config, install the guard, then answer probe calls until the pipe closes.

    Args:
        probes_name: the file name the probes' code reports (tracebacks, `__file__`).
        probes_source: the exercise's probes, read by trusted code before this process
            runs anything of the learner's.
    """
    from grader import errors, guard, loading, manifest, probing, wire

    config = wire.read_frame(req_fd)
    fields = dict(config["exercise"])
    fields.update(names=tuple(fields["names"]), hints=tuple(fields["hints"]))
    exercise = manifest.Exercise(**fields)

    import keras  # noqa: F401 - imported before the guard, as the learner's code expects

    probes_code = compile(probes_source, probes_name, "exec")
    _fresh_probes(probes_code, probes_name)  # imports what probes need while nothing is refused

    module_path = Path(config["module_path"])
    guard.install(
        protected=tuple(config["protected"]), writable=tuple(config["writable"]),
        learner_file=str(module_path), allowed=(probes_name,),
    )
    wire.write_frame(resp_fd, {"ready": True})

    cached: dict[str, object] = {}

    def learner():  # noqa: ANN202
        if "module" not in cached:
            cached["module"] = loading.load_learner_module(module_path, exercise)
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
                name = str(request["probe"])
                probes = _fresh_probes(probes_code, probes_name)
                probe = getattr(probes, name, None)
                if probe is None or name.startswith("_"):
                    raise errors.SubmissionError(errors.CRASHED, f"no probe {name!r}")
                result = probing.run_probe(
                    learner, probe, request["kwargs"],
                    seed=int(request["seed"]), device=request["device"],
                )
                reply = {"ok": result}
        except errors.SubmissionError as exc:
            reply = {"error": exc.to_wire()}
        except BaseException as exc:  # noqa: BLE001 - e.g. SystemExit raised at import time
            reply = {"error": {"kind": errors.RAISED, "message": f"{type(exc).__name__}: {exc}"}}
        try:
            wire.write_frame(resp_fd, reply)
        except wire.WireError as exc:
            wire.write_frame(resp_fd, {"error": {"kind": errors.BAD_RETURN,
                                                 "message": f"the result was too large: {exc}"}})


if __name__ == "__main__":
    os.umask(0o077)
    sys.exit(main(int(sys.argv[1]), int(sys.argv[2])))

"""Running one probe: the worker-side half of a hidden test.

A probe is a function in `tests/qN/probes.py` that drives the learner's code on inputs the
hidden test chose and returns plain data (numbers, strings, NumPy arrays). It never decides
pass or fail: the hidden test does that in the grading process. Both transports call
`run_probe`, so a test behaves the same in-process and in the isolated worker.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from grader import wire
from grader.errors import BAD_RETURN, NOT_IMPLEMENTED, RAISED, SubmissionError
from grader.loading import LearnerModule

_determinism_enabled = False


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and the backend, and make TensorFlow ops deterministic."""
    global _determinism_enabled
    import keras
    import tensorflow as tf

    keras.utils.set_random_seed(seed)
    if not _determinism_enabled:
        tf.config.experimental.enable_op_determinism()
        _determinism_enabled = True


def save_and_reload(model: Any) -> Any:
    """Save `model` as `.keras` and load it back in safe mode, as a learner's user would."""
    import os
    import tempfile

    import keras

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        model.save(path)
        return keras.saving.load_model(path)  # safe_mode=True, the default


def save_to_bytes(model: Any) -> Any:
    """Save `model` as `.keras` and return the file as a uint8 array, for the grading process
    to read with `grader.keras_archive` (it checks the file itself, not the worker's word)."""
    import os
    import tempfile

    import numpy as np

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.keras")
        model.save(path)
        with open(path, "rb") as handle:
            return np.frombuffer(handle.read(), dtype=np.uint8).copy()


def every_epoch(record: Callable[[], Any], epochs: int) -> Any:
    """A Keras callback for `fit(..., callbacks=[...])` that calls `record()` at the end of
    each epoch but the last and keeps what it returns in `.outputs`, for a curve in the
    feedback (the probe computes the last epoch's outputs itself, as the verdict needs them).

    `record` should only read the model (e.g. call it with training=False on held-out inputs),
    so training goes exactly as without the callback. A curve is for teaching: if `record`
    raises, `.outputs` becomes None and fit goes on, so the verdict is what it would have been.
    """
    import keras

    class EveryEpoch(keras.callbacks.Callback):
        def __init__(self) -> None:
            super().__init__()
            self.outputs: list[Any] | None = []

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            if self.outputs is None or epoch + 1 >= epochs:
                return
            try:
                self.outputs.append(record())
            except Exception:  # noqa: BLE001 - the curve is lost, never the verdict
                self.outputs = None

    return EveryEpoch()


def device_name(device: str) -> str:
    if device not in ("cpu", "gpu"):
        raise ValueError(f"device must be 'cpu' or 'gpu', not {device!r}")
    return "/CPU:0" if device == "cpu" else "/GPU:0"


def run_probe(
    learner: Callable[[], LearnerModule],
    probe: Callable[..., Any],
    kwargs: dict[str, Any],
    *,
    seed: int,
    device: str,
) -> Any:
    """Call `probe(learner(), **kwargs)` seeded and on `device`; return wire-safe data.

    Raises:
        SubmissionError: the learner's code could not be loaded, raised, exited, or
            returned something that is not plain data.
    """
    import tensorflow as tf

    module = learner()
    seed_everything(seed)
    try:
        with tf.device(device_name(device)):
            result = probe(module, **kwargs)
        wire.encode_value(result)
    except SubmissionError:
        raise
    except wire.WireError as exc:
        raise SubmissionError(BAD_RETURN, f"the result could not be compared: {exc}") from None
    except NotImplementedError as exc:
        raise SubmissionError(NOT_IMPLEMENTED, _not_implemented_message(module, exc)) from None
    except SystemExit as exc:
        raise SubmissionError(
            RAISED, f"{_prefix(module)}the code called sys.exit({exc.code!r}) during the test"
        ) from None
    except Exception as exc:  # noqa: BLE001 - any learner error is reported, not raised
        raise SubmissionError(RAISED, describe_exception(module, exc)) from None
    return result


def _prefix(module: LearnerModule) -> str:
    return f"{module._exercise.id}: "


def _learner_frames(module: LearnerModule, exc: BaseException) -> list[traceback.FrameSummary]:
    path = Path(module.module.__file__ or "")
    return [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename) == path]


def stub_name(exc: BaseException) -> str | None:
    """The name a stub passes to NotImplementedError, e.g. 'CustomDense.build'."""
    if exc.args and isinstance(exc.args[0], str) and exc.args[0].replace(".", "").isidentifier():
        return exc.args[0]
    return None


def _not_implemented_message(module: LearnerModule, exc: BaseException) -> str:
    frames = _learner_frames(module, exc)
    name = stub_name(exc) or (frames[-1].name if frames else None)
    where = f"`{name}`" if name else "a function this test needs"
    return (
        f"{_prefix(module)}{where} is not implemented yet "
        "(it still raises NotImplementedError). Replace the TODO with your code."
    )


def describe_exception(module: LearnerModule, exc: BaseException) -> str:
    """One paragraph: what was raised and the learner's line that raised it."""
    frames = _learner_frames(module, exc)
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    if lines and lines[0] == "in user code:":
        # tf.function wraps the real error after a listing of frames; its last line says it.
        lines = lines[-1:]
    first = lines[0] if lines else ""
    name = type(exc).__name__
    summary = first if first.startswith(f"{name}:") else f"{name}: {first}".strip()
    if len(summary) > 400:
        summary = summary[:400] + "..."
    if frames:
        frame = frames[-1]
        where = (
            f" in `{frame.name}`, line {frame.lineno} of {Path(frame.filename).name}: "
            f"{(frame.line or '').strip()}"
        )
    else:
        where = " (inside Keras or TensorFlow, called from your code)"
    return f"{_prefix(module)}your code raised {summary}{where}"

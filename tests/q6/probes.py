"""Worker-side half of q6's hidden tests: evaluate the learner's schedules and callbacks.

Probes return raw values (learning rates, weights, a `.keras` file's bytes); the formulas
and every verdict live in the tests.
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from grader.errors import ProbeResultError
from grader.probing import save_to_bytes

# How a step may reach the schedule; optimizers pass their int64 `iterations` (a Keras variable).
STEP_KINDS = {
    "python_int": int,
    "python_float": float,
    "numpy_int64": np.int64,
    "numpy_float32": np.float32,
    "tensor_int32": lambda s: tf.constant(s, tf.int32),
    "tensor_int64": lambda s: tf.constant(s, tf.int64),
    "tensor_float32": lambda s: tf.constant(s, tf.float32),
    "variable_int64": lambda s: tf.Variable(s, dtype=tf.int64),
    "keras_variable_int64": lambda s: keras.Variable(s, dtype="int64", trainable=False),
}


def _scalar(value: Any, what: str) -> dict[str, Any]:
    try:
        array = np.asarray(value)
        number = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ProbeResultError(f"q6: {what} returned {type(value).__name__}") from None
    return {"value": number.reshape(-1)[0] if number.size else float("nan"),
            "shape": list(array.shape), "kind": array.dtype.kind}


def schedule_values(
    sub: Any, *, args: dict[str, Any], cases: dict[str, list[float]], graph: bool = False,
) -> dict[str, list[dict[str, Any]]]:
    """The schedule's value at each step of each case, the steps given as the case's kind
    (`STEP_KINDS`), inside a tf.function when `graph`."""
    schedule = sub.WarmupDecay(**args)
    call = tf.function(lambda s: schedule(s)) if graph else schedule
    return {kind: [_scalar(call(STEP_KINDS[kind](step)), f"WarmupDecay(...)({kind} step)")
                   for step in steps]
            for kind, steps in cases.items()}


def _saving(action: Any) -> Any:
    """Run a save/serialize step; Keras' "must override get_config" becomes a plain report."""
    try:
        return action()
    except NotImplementedError as exc:
        if "get_config" not in str(exc):
            raise
        raise ProbeResultError(f"q6: {exc}") from None


def deserialized_values(sub: Any, *, args: dict[str, Any], steps: list[int]) -> list[float]:
    """serialize -> JSON text -> deserialize, then evaluate the rebuilt schedule."""
    schedule = sub.WarmupDecay(**args)
    serialized = _saving(lambda: keras.optimizers.schedules.serialize(schedule))
    try:
        text = json.dumps(serialized)
    except (TypeError, ValueError) as exc:
        raise ProbeResultError(f"q6: WarmupDecay.get_config() is not plain JSON: {exc}") from None
    rebuilt = keras.optimizers.schedules.deserialize(json.loads(text))
    return [_scalar(rebuilt(tf.constant(s, tf.int64)), "the rebuilt schedule")["value"]
            for s in steps]


def keras_round_trip(
    sub: Any, *, args: dict[str, Any], x: np.ndarray, y: np.ndarray, steps: list[int]
) -> dict[str, Any]:
    """Train one epoch with Adam(learning_rate=WarmupDecay(...)), save, reload the same file,
    and read the reloaded optimizer's rate at each step."""
    model = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=sub.WarmupDecay(**args)),
                  loss="mse")
    model.fit(x, y, batch_size=len(x), epochs=1, verbose=0)
    archive = _saving(lambda: save_to_bytes(model))
    path = os.path.join(tempfile.mkdtemp(), "model.keras")
    with open(path, "wb") as handle:
        handle.write(archive.tobytes())
    loaded = keras.saving.load_model(path)  # safe mode, as a user would load it
    values = []
    for step in steps:
        loaded.optimizer.iterations.assign(step)
        values.append(_scalar(loaded.optimizer.learning_rate, "the reloaded rate")["value"])
    return {"archive": archive, "values": values}


def step_decay_values(sub: Any, *, pairs: list[list[float]]) -> list[float]:
    return [_scalar(sub.step_decay(int(epoch), float(lr)), "step_decay")["value"]
            for epoch, lr in pairs]


def scheduled_training(
    sub: Any, *, x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray, lr: float,
    epochs: int,
) -> dict[str, Any]:
    """Full-batch SGD on a linear model with LearningRateScheduler(step_decay)."""
    model = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(1)])
    model.set_weights([w, b])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="mse")
    history = model.fit(
        x, y, batch_size=len(x), epochs=epochs, shuffle=False, verbose=0,
        callbacks=[keras.callbacks.LearningRateScheduler(sub.step_decay)],
    )
    kernel, bias = model.get_weights()
    return {"rates": [float(r) for r in history.history.get("learning_rate", [])],
            "w": kernel, "b": bias}


def plateau_rates(
    sub: Any, *, val_losses: list[float], losses: list[float], lr: float
) -> list[float]:
    """Drive reduce_on_plateau() through epochs with the given logs; the rate after each."""
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr), loss="mse")
    callback = sub.reduce_on_plateau()
    callback.set_model(model)
    callback.on_train_begin()
    rates = []
    for epoch, (val_loss, loss) in enumerate(zip(val_losses, losses, strict=True)):
        callback.on_epoch_end(epoch, {"loss": loss, "val_loss": val_loss})
        rates.append(float(np.asarray(model.optimizer.learning_rate)))
    return rates

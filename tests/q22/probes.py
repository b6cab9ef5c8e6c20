"""Worker-side half of q22's hidden tests: call the learner's activations on the inputs the
test sends and return the raw outputs and gradients. No verdicts here.

A call is {"name", "x", "args", "kwargs", "tensor"}: `name(x, *args, **kwargs)`, with x a
float32 NumPy array, or a tf tensor when "tensor" is true. Gradients are those of
sum(r * f(x)) with respect to x, taken with a GradientTape around the learner's function.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf

from grader.errors import ProbeResultError

NAMES = ("relu", "leaky_relu", "sigmoid", "tanh", "softmax")


def _function(sub: Any, name: str) -> Any:
    if name not in NAMES:
        raise ValueError(f"unknown activation {name!r}")
    return getattr(sub, name)


def _array(value: Any, name: str) -> np.ndarray:
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        array = None
    if array is None or array.dtype.kind not in "biuf":
        raise ProbeResultError(f"q22: {name} returned {type(value).__name__}, not an array "
                               "or tensor of numbers")
    return array


def values(sub: Any, *, calls: list[dict[str, Any]]) -> list[np.ndarray]:
    results = []
    for call in calls:
        x = tf.constant(call["x"]) if call.get("tensor") else call["x"]
        out = _function(sub, call["name"])(x, *call["args"], **call["kwargs"])
        results.append(_array(out, call["name"]))
    return results


def gradients(sub: Any, *, calls: list[dict[str, Any]]) -> list[np.ndarray]:
    results = []
    for call in calls:
        x = tf.constant(call["x"])
        r = tf.constant(call["r"])
        with tf.GradientTape() as tape:
            tape.watch(x)
            out = _function(sub, call["name"])(x, *call["args"], **call["kwargs"])
            objective = tf.reduce_sum(r * tf.cast(out, r.dtype))
        grad = tape.gradient(objective, x)
        if grad is None:
            raise ProbeResultError(
                f"q22: no gradient flows through {call['name']}: NumPy functions (np.exp, "
                "np.maximum, ...) cut the tape; use keras.ops or tf"
            )
        results.append(np.asarray(grad))
    return results

"""Worker-side half of q21's hidden tests: call the learner's derivative functions and
regression on inputs the test chose, and return the raw results. No verdicts here.

Functions cannot travel over the wire, so the test names one of FUNCTIONS and the probe
passes the function itself. Inputs come as a value plus a kind: "python" (an int or float
as sent), "numpy" (an array with the dtype sent), "tensor" (tf.constant) or "variable"
(tf.Variable), so the learner's code meets every kind of x the contract allows.
"""

from __future__ import annotations

import time
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from grader.errors import ProbeResultError

FUNCTIONS = {
    "cube": lambda x: x**3,
    "sin": tf.sin,
    "x_sin_x": lambda x: x * tf.sin(x),
    "exp_half": lambda x: keras.ops.exp(0.5 * x),
    "tanh": keras.ops.tanh,
}


def _input(value: Any, kind: str) -> Any:
    if kind == "python":
        return value
    if kind == "numpy":
        return np.asarray(value)
    if kind == "tensor":
        return tf.constant(value)
    if kind == "variable":
        return tf.Variable(value)
    raise ValueError(f"unknown input kind {kind!r}")


def _array(value: Any, what: str) -> np.ndarray:
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        array = None
    if array is None or array.dtype.kind not in "biuf":
        raise ProbeResultError(f"q21: {what} returned {type(value).__name__}, not numbers")
    return array


def derivatives(sub: Any, *, cases: list[dict[str, Any]]) -> list[np.ndarray]:
    """cases: {"order": 1 or 2, "f": a FUNCTIONS name, "x": value, "kind": input kind}."""
    results = []
    for case in cases:
        name = "derivative" if case["order"] == 1 else "second_derivative"
        result = getattr(sub, name)(FUNCTIONS[case["f"]], _input(case["x"], case["kind"]))
        if result is None:
            raise ProbeResultError(
                f"q21: {name} returned None for x of kind {case['kind']!r}: the tape recorded "
                "nothing. Cast integers to float32, call tape.watch(x), and for the second "
                "derivative take the inner gradient inside the outer tape's block"
            )
        array = _array(result, name)
        # A 0-d array would arrive as shape (1,) (grader.wire sends arrays of rank >= 1), so a
        # 0-d result travels as a plain number, whose shape the test reads as ().
        results.append(array.item() if array.ndim == 0 else array)
    return results


def _scalar(value: Any, what: str) -> float:
    array = _array(value, f"linear_regression's {what}")
    if array.size != 1:
        raise ProbeResultError(f"q21: linear_regression's {what} has shape {array.shape}, "
                               "not a single number")
    return float(array.reshape(-1)[0])


def regression(sub: Any, *, x: np.ndarray, y: np.ndarray, lr: float, steps: int) -> list[float]:
    w, b = sub.linear_regression(x, y, lr, steps)
    return [_scalar(w, "w"), _scalar(b, "b")]


def regression_curve(
    sub: Any, *, x: np.ndarray, y: np.ndarray, lr: float, steps: list[int], budget: float
) -> list[list[float]]:
    """[w, b] of a fresh fit with each step count in `steps`, for the curve of a failed fit's
    feedback. No fit starts once `budget` seconds have passed, so a slow fit costs the rest
    of the curve, never the call's time limit."""
    started = time.perf_counter()
    fits = []
    for count in steps:
        if time.perf_counter() - started > budget:
            break
        fits.append(regression(sub, x=x, y=y, lr=lr, steps=count))
    return fits

"""Worker-side half of q18's hidden tests: run the learner's batchnorm_forward, return data.

Probes compute no verdicts; the tests compute the expected values with a real
`keras.layers.BatchNormalization` in the grading process.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf

from grader.errors import ProbeResultError


def _array(value: Any, what: str) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        kind = type(value).__name__
        raise ProbeResultError(f"q18: {what} is a {kind}, not a number array") from None
    return array


def _unpack(result: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not isinstance(result, (tuple, list)) or len(result) != 3:
        raise ProbeResultError(
            "q18: batchnorm_forward must return a 3-tuple (y, new_mean, new_var); it returned "
            f"{type(result).__name__}" + (f" of length {len(result)}"
                                          if isinstance(result, (tuple, list)) else "")
        )
    y, mean, var = result
    return _array(y, "y"), _array(mean, "new_mean"), _array(var, "new_var")


def forward(
    sub: Any, *, x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, moving_mean: np.ndarray,
    moving_var: np.ndarray, training: bool, options: dict[str, float] | None = None,
) -> dict[str, Any]:
    """One call on NumPy float32 arrays; also the arguments as they are afterwards."""
    args = [np.array(a, dtype=np.float32) for a in (x, gamma, beta, moving_mean, moving_var)]
    y, mean, var = _unpack(sub.batchnorm_forward(*args, training, **(options or {})))
    return {"y": y, "mean": mean, "var": var,
            "args_after": [np.asarray(a, dtype=np.float64) for a in args]}


def steps(
    sub: Any, *, xs: list[np.ndarray], gamma: np.ndarray, beta: np.ndarray,
    moving_mean: np.ndarray, moving_var: np.ndarray, options: dict[str, float],
) -> dict[str, Any]:
    """Training steps on successive batches, each fed the statistics the last one returned."""
    mean, var = np.asarray(moving_mean, np.float32), np.asarray(moving_var, np.float32)
    ys, means, variances = [], [], []
    for x in xs:
        y, new_mean, new_var = _unpack(
            sub.batchnorm_forward(np.asarray(x, np.float32), gamma, beta, mean, var, True,
                                  **options)
        )
        ys.append(y)
        means.append(new_mean)
        variances.append(new_var)
        mean, var = new_mean.astype(np.float32), new_var.astype(np.float32)
    return {"y": ys, "mean": means, "var": variances}


def gradients(
    sub: Any, *, x: np.ndarray, gamma: np.ndarray, beta: np.ndarray, moving_mean: np.ndarray,
    moving_var: np.ndarray, r: np.ndarray, training: bool,
) -> dict[str, np.ndarray]:
    """d sum(r * y) / d (x, gamma, beta), with x a watched tensor, gamma and beta variables."""
    xt = tf.constant(x, dtype=tf.float32)
    gamma_v = tf.Variable(np.asarray(gamma, np.float32))
    beta_v = tf.Variable(np.asarray(beta, np.float32))
    with tf.GradientTape() as tape:
        tape.watch(xt)
        result = sub.batchnorm_forward(xt, gamma_v, beta_v, moving_mean, moving_var, training)
        if not isinstance(result, (tuple, list)) or len(result) != 3:
            _unpack(result)  # raises the explanation
        objective = tf.reduce_sum(tf.cast(r, tf.float32) * tf.cast(result[0], tf.float32))
    grads = tape.gradient(objective, [xt, gamma_v, beta_v])
    missing = [name for name, g in zip(("x", "gamma", "beta"), grads, strict=True) if g is None]
    if missing:
        raise ProbeResultError(
            f"q18: no gradient flows from y back to {', '.join(missing)}: compute y with "
            "keras.ops or tf on the arguments themselves (no NumPy, no stop_gradient)"
        )
    return {name: np.asarray(g, dtype=np.float64)
            for name, g in zip(("x", "gamma", "beta"), grads, strict=True)}

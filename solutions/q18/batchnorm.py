"""Reference solution for q18: the batch-normalization forward pass, as Keras computes it."""

from __future__ import annotations

from typing import Any

from keras import ops


def batchnorm_forward(
    x: Any,
    gamma: Any,
    beta: Any,
    moving_mean: Any,
    moving_var: Any,
    training: bool,
    momentum: float = 0.99,
    epsilon: float = 1e-3,
) -> tuple[Any, Any, Any]:
    """Normalize `x` over every axis but the last, as `keras.layers.BatchNormalization`.

    Args:
        x: float tensor or array `(B, ..., C)`, channels last.
        gamma, beta: scale and offset, shape `(C,)` (arrays, tensors or variables).
        moving_mean, moving_var: the running statistics, shape `(C,)`.
        training: True normalizes with the batch's statistics and updates the running ones;
            False normalizes with the running statistics and returns them unchanged.
        momentum: weight of the old running value in the update (Keras' convention).
        epsilon: added to the variance inside the square root.

    Returns:
        `(y, new_mean, new_var)`: y has x's shape, the statistics are `(C,)`.
    """
    x = ops.convert_to_tensor(x)
    if training:
        axes = tuple(range(len(x.shape) - 1))
        mean = ops.mean(x, axis=axes)
        # Two passes: subtract the mean first. E[x^2] - E[x]^2 cancels catastrophically.
        var = ops.mean(ops.square(x - mean), axis=axes)
        new_mean = moving_mean * momentum + mean * (1.0 - momentum)
        new_var = moving_var * momentum + var * (1.0 - momentum)
    else:
        mean, var = moving_mean, moving_var
        new_mean, new_var = moving_mean, moving_var
    y = gamma * (x - mean) * ops.rsqrt(var + epsilon) + beta
    return y, new_mean, new_var

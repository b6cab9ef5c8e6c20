"""q18: batch normalization by hand. Write `batchnorm_forward`, the computation behind
`keras.layers.BatchNormalization`, as one function.

Batch normalization normalizes each channel (the last axis) to zero mean and unit variance,
then rescales it with learned `gamma` and `beta`:

    y = gamma * (x - mean) / sqrt(var + epsilon) + beta

* In training, `mean` and `var` are the batch's own statistics over every axis but the last
  (the biased variance, divided by N), and the running statistics move towards them:
  `new = momentum * moving + (1 - momentum) * batch` (Keras' convention).
* In inference, `mean` and `var` are the running (moving) statistics, which stay unchanged.

What the hidden tests check (see the README beside this file):
    shape      y has x's shape; the new statistics are (C,), for (B, C), (B, T, C), (B, H, W, C).
    behaviour  y and the new statistics equal a real `keras.layers.BatchNormalization` in both
               modes, for several momentum/epsilon values and over 5 steps; the variance stays
               accurate for inputs of mean 1000.
    gradient   d sum(r * y) / d x, gamma and beta equal the layer's, in both modes.
"""

from __future__ import annotations

from typing import Any

from keras import ops  # noqa: F401 - you will need it


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
    """Batch-normalize `x` (channels last) as `keras.layers.BatchNormalization` does.

    Args:
        x: float32 array or tensor `(B, ..., C)`. Tests pass NumPy arrays for values and a
            watched tensor for gradients, so work with `keras.ops` (or `tf`), not NumPy.
        gamma, beta: scale and offset, shape `(C,)` (arrays, or `tf.Variable`s for gradients).
        moving_mean, moving_var: the running statistics, shape `(C,)`.
        training: a Python bool. True: normalize with the batch's statistics and update the
            running ones. False: normalize with the running ones and return them unchanged.
        momentum: weight of the OLD running value in the update.
        epsilon: added to the variance inside the square root.

    Returns:
        `(y, new_mean, new_var)`: y shaped like x, the statistics shaped `(C,)`. The arguments
        are left as they were (no in-place updates).
    """
    # TODO: batch statistics over every axis but the last (training) or the moving ones
    # (inference); then y, and the updated statistics.
    raise NotImplementedError("batchnorm_forward")

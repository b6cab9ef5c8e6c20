"""Reference solution for q22: activation functions from keras.ops, stable at +-1000."""

from __future__ import annotations

from typing import Any

from keras import ops


def relu(x: Any) -> Any:
    """max(x, 0), elementwise."""
    return ops.maximum(x, 0.0)


def leaky_relu(x: Any, alpha: float = 0.01) -> Any:
    """x for positive x, alpha * x otherwise: negative inputs keep a small gradient."""
    return ops.where(x > 0, x, alpha * x)


def sigmoid(x: Any) -> Any:
    """1 / (1 + exp(-x)), written so that exp never sees a positive argument.

    The textbook form overflows for x = -1000: exp(1000) is inf, and although the value
    still comes out as 0, its gradient is inf / inf = NaN. So positive and negative inputs
    get the two algebraically equal forms 1 / (1 + exp(-x)) and exp(x) / (1 + exp(x)).
    `ops.where` differentiates both branches, so each branch is also fed a safe input
    (0 where it is not used): an inf in the unused branch would still turn the gradient NaN.
    """
    x = ops.convert_to_tensor(x)
    positive = x >= 0
    x_pos = ops.where(positive, x, 0.0)  # >= 0, so exp(-x_pos) <= 1
    x_neg = ops.where(positive, 0.0, x)  # <= 0, so exp(x_neg) <= 1
    return ops.where(
        positive, 1.0 / (1.0 + ops.exp(-x_pos)), ops.exp(x_neg) / (1.0 + ops.exp(x_neg))
    )


def tanh(x: Any) -> Any:
    """(e^x - e^-x) / (e^x + e^-x), computed as 2 * sigmoid(2x) - 1, which never overflows."""
    return 2.0 * sigmoid(2.0 * ops.convert_to_tensor(x)) - 1.0


def softmax(x: Any, axis: int = -1) -> Any:
    """exp(x) / sum(exp(x)) along `axis`, after subtracting the maximum along `axis`.

    Softmax does not change when a constant is subtracted from a slice, and after the shift
    the largest exponent is exp(0) = 1: no overflow at +1000, no 0 / 0 at -1000.
    """
    shifted = x - ops.max(x, axis=axis, keepdims=True)
    e = ops.exp(shifted)
    return e / ops.sum(e, axis=axis, keepdims=True)

"""q22: activation functions from scratch, with keras.ops.

Without an activation function, a stack of Dense layers is one big linear map. Write the five
classic activations yourself, with `keras.ops` (or `tf`) operations so gradients flow through
them, and make them numerically safe:

    relu(x)        = max(x, 0)
    leaky_relu(x)  = x if x > 0 else alpha * x            (alpha defaults to 0.01 here)
    sigmoid(x)     = 1 / (1 + exp(-x))
    tanh(x)        = (exp(x) - exp(-x)) / (exp(x) + exp(-x))
    softmax(x)_i   = exp(x_i) / sum_j exp(x_j)            (along `axis`)

The formulas as written break at x = +-1000: exp(1000) is inf in float32, inf / inf is NaN,
and even where the value survives, the gradient may not. Useful facts:
    * softmax(x) == softmax(x - max(x)) along the axis, and then no exponent is positive;
    * sigmoid(x) == exp(x) / (1 + exp(x)), a form that is safe for negative x;
    * tanh(x) == 2 * sigmoid(2 * x) - 1.
`ops.where(cond, a, b)` computes both `a` and `b` and differentiates both: an inf inside
the branch it throws away still makes the gradient NaN, so feed each branch a safe input.

What the hidden tests check (against `keras.activations`, on float32 inputs of rank 1 to 3):
    behaviour  values equal Keras' on random inputs and at +-1000 (no NaN/inf; sigmoid in
               [0, 1], tanh in [-1, 1]); leaky_relu's alpha (default 0.01, positional or
               keyword); softmax slices sum to 1 along any axis, even for rows of -1000.
    shape      same shape as the input, float32, for NumPy arrays and tensors.
    gradient   gradients equal Keras' on random inputs, at +-1000 and at 0.
"""

from __future__ import annotations

from typing import Any

from keras import ops  # noqa: F401 - ops.maximum, ops.where, ops.exp, ops.max, ops.sum, ...


def relu(x: Any) -> Any:
    """Rectified linear unit: max(x, 0), elementwise.

    Args:
        x: a float32 NumPy array or tensor of any shape.

    Returns:
        A float32 tensor of x's shape. Tested against keras.activations.relu.
    """
    # TODO
    raise NotImplementedError("relu")


def leaky_relu(x: Any, alpha: float = 0.01) -> Any:
    """Leaky ReLU: x where x > 0, alpha * x elsewhere.

    Args:
        x: a float32 NumPy array or tensor of any shape.
        alpha: the slope for negative inputs, 0 <= alpha < 1. Note: the default here is 0.01;
            keras.activations.leaky_relu's default negative_slope is 0.2.

    Returns:
        A float32 tensor of x's shape. Tested against
        keras.activations.leaky_relu(x, negative_slope=alpha).
    """
    # TODO
    raise NotImplementedError("leaky_relu")


def sigmoid(x: Any) -> Any:
    """Logistic sigmoid: 1 / (1 + exp(-x)), in (0, 1).

    Args:
        x: a float32 NumPy array or tensor of any shape.

    Returns:
        A float32 tensor of x's shape, finite with a finite gradient even at x = +-1000.
    """
    # TODO: make sure exp never sees a large positive number, in either branch.
    raise NotImplementedError("sigmoid")


def tanh(x: Any) -> Any:
    """Hyperbolic tangent, in (-1, 1).

    Args:
        x: a float32 NumPy array or tensor of any shape.

    Returns:
        A float32 tensor of x's shape, finite with a finite gradient even at x = +-1000.
    """
    # TODO: tanh(x) == 2 * sigmoid(2 * x) - 1
    raise NotImplementedError("tanh")


def softmax(x: Any, axis: int = -1) -> Any:
    """Softmax along `axis`: each slice along that axis becomes positive and sums to 1.

    Args:
        x: a float32 NumPy array or tensor of any shape.
        axis: the axis to normalise over (negative values count from the end).

    Returns:
        A float32 tensor of x's shape. Tested against keras.activations.softmax(x, axis=axis),
        also on rows of -1000 (which must give a uniform row, not NaN).
    """
    # TODO: subtract the max along axis (keepdims=True), exp, divide by the sum along axis.
    raise NotImplementedError("softmax")

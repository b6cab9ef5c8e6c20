"""q21: automatic differentiation with tf.GradientTape, and backpropagation by hand.

A deep learning framework records the operations of a forward pass and then applies the
chain rule backwards to get exact gradients: that is backpropagation, and `model.fit` does
it for you. In TensorFlow the recorder is `tf.GradientTape`:

    x = tf.constant(3.0)
    with tf.GradientTape() as tape:
        tape.watch(x)          # constants must be watched; tf.Variables are watched already
        y = x ** 2
    tape.gradient(y, x)        # 6.0

Things to know:
    * Only float tensors have gradients. tf.convert_to_tensor(3) and tf.Variable(3) are
      int32: cast integers to float32 first, or tape.gradient returns None.
    * tape.gradient(y, x) of a non-scalar y sums over y; write tf.reduce_sum(f(x)) to say so.
    * For a second derivative, nest two tapes, and take the inner gradient while you are still
      inside the outer tape's `with` block, so the outer tape records that computation too.

What the hidden tests check:
    gradient     derivative and second_derivative equal the analytic values (first and second
                 order; numbers and arrays; e.g. d/dx x**3 at x = 300 is exactly 270000,
                 where finite differences are about 1% off).
    behaviour    Python ints, integer arrays and tf.Variables (int and float) are accepted;
                 linear_regression honours lr and steps.
    shape        results have x's shape (0-d for a number).
    convergence  linear_regression reaches numpy.linalg.lstsq's (w, b) within 1e-3.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf  # noqa: F401 - tf.GradientTape, tf.convert_to_tensor, tf.cast, ...


def derivative(f: Callable[[Any], Any], x: Any) -> Any:
    """The derivative of sum(f(x)) with respect to x.

    For an elementwise f (all tests use one) that is f'(x) at every element of x.

    Args:
        f: an elementwise function written with tf or keras ops, e.g. `lambda x: x ** 3`.
        x: a Python int or float, a NumPy array (float or int), a tensor or a tf.Variable.

    Returns:
        A float tensor (or array) with x's shape: 0-d when x is a number.
    """
    # TODO: make x a float tensor, record f under a GradientTape, return tape.gradient.
    raise NotImplementedError("derivative")


def second_derivative(f: Callable[[Any], Any], x: Any) -> Any:
    """The second derivative of sum(f(x)) with respect to x: f''(x) at every element.

    Args:
        f: an elementwise function written with tf or keras ops.
        x: a Python int or float, a NumPy array (float or int), a tensor or a tf.Variable.

    Returns:
        A float tensor (or array) with x's shape.
    """
    # TODO: two nested tapes; the inner gradient is computed inside the outer block.
    raise NotImplementedError("second_derivative")


def linear_regression(x: np.ndarray, y: np.ndarray, lr: float, steps: int) -> tuple[Any, Any]:
    """Fit y ~ w * x + b by gradient descent, with a GradientTape for every step.

    Start from w = b = 0 (two tf.Variables). Each of the `steps` steps computes the mean
    squared error mean((w * x + b - y) ** 2) under a tape, takes its gradients with respect
    to w and b, and moves each against its gradient by lr times the gradient.

    Args:
        x: 1-D float32 inputs.
        y: 1-D float32 targets, as many as x.
        lr: the learning rate.
        steps: the number of updates.

    Returns:
        (w, b): two numbers (Python floats, or 0-d arrays or tensors).
    """
    # TODO: tf.Variable(0.0) twice, then a loop of `steps` tape-gradient-update steps.
    raise NotImplementedError("linear_regression")

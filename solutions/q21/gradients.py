"""Reference solution for q21: derivatives and a linear regression with tf.GradientTape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf


def _float_tensor(x: Any) -> tf.Tensor:
    """x as a float tensor. Integers have no gradient, so they become float32."""
    x = tf.convert_to_tensor(x)
    if not x.dtype.is_floating:
        x = tf.cast(x, tf.float32)
    return x


def derivative(f: Callable[[Any], Any], x: Any) -> tf.Tensor:
    """d/dx of sum(f(x)): for an elementwise f, f'(x) at every element, with x's shape.

    Args:
        f: an elementwise function written with tf or keras ops.
        x: a number, a NumPy array, a tensor or a tf.Variable.
    """
    x = _float_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)  # a plain tensor is not watched automatically (a Variable would be)
        y = tf.reduce_sum(f(x))
    return tape.gradient(y, x)


def second_derivative(f: Callable[[Any], Any], x: Any) -> tf.Tensor:
    """d2/dx2 of sum(f(x)), elementwise for an elementwise f, with x's shape."""
    x = _float_tensor(x)
    with tf.GradientTape() as outer:
        outer.watch(x)
        with tf.GradientTape() as inner:
            inner.watch(x)
            y = tf.reduce_sum(f(x))
        dy_dx = inner.gradient(y, x)  # inside `outer`, so the outer tape records it
    return outer.gradient(dy_dx, x, unconnected_gradients=tf.UnconnectedGradients.ZERO)


def linear_regression(x: np.ndarray, y: np.ndarray, lr: float, steps: int) -> tuple[float, float]:
    """Fit y ~ w * x + b with `steps` steps of gradient descent on the mean squared error.

    Args:
        x: 1-D float32 inputs.
        y: 1-D float32 targets, as many as x.
        lr: the learning rate (step size).
        steps: how many gradient-descent updates to make.

    Returns:
        (w, b) as Python floats.
    """
    x = tf.constant(x, tf.float32)
    y = tf.constant(y, tf.float32)
    w = tf.Variable(0.0)
    b = tf.Variable(0.0)
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(w * x + b - y))
        dw, db = tape.gradient(loss, [w, b])
        w.assign_sub(lr * dw)
        b.assign_sub(lr * db)
    return float(w.numpy()), float(b.numpy())

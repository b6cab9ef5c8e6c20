"""Visible tests for q21. Run them with `pytest exercises/q21`; the hidden tests go further."""

import numpy as np
import tensorflow as tf

from grader.testing import assert_close


def test_derivative_of_x_squared_at_3_is_6(learner):
    assert_close(learner.derivative(lambda x: x**2, 3.0), 6.0, "d/dx x**2 at x = 3.0",
                 "tape.watch(x) inside the tape, then tape.gradient(y, x)")


def test_derivative_works_on_arrays_elementwise(learner):
    x = np.array([1.0, -2.0, 0.5], "float32")
    assert_close(learner.derivative(tf.sin, x), np.cos(x), "cos(x) for each element",
                 "gradient of tf.reduce_sum(f(x)) with respect to x", atol=1e-5)


def test_second_derivative_of_cube_is_6x(learner):
    x = np.array([1.0, 2.0], "float32")
    assert_close(learner.second_derivative(lambda t: t**3, x), 6 * x, "6x at x = [1, 2]",
                 "two nested tapes: compute the inner gradient inside the outer tape's block",
                 atol=1e-4)


def test_linear_regression_finds_a_noise_free_line(learner):
    x = np.linspace(-1.0, 1.0, 50).astype("float32")
    y = (3.0 * x + 0.5).astype("float32")
    w, b = learner.linear_regression(x, y, 0.5, 300)
    assert_close([float(w), float(b)], [3.0, 0.5], "(w, b) = (3.0, 0.5) for y = 3x + 0.5",
                 "mean squared error, w -= lr * dw, b -= lr * db, `steps` times", atol=1e-3)

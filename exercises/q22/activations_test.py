"""Visible tests for q22. Run them with `pytest exercises/q22`; the hidden tests go further."""

import numpy as np

from grader.testing import assert_close, assert_finite

X = np.array([[-1000.0, -2.0, 0.0, 2.0, 1000.0]], "float32")


def test_relu_keeps_positives_and_zeroes_negatives(learner):
    assert_close(learner.relu(X), [[0.0, 0.0, 0.0, 2.0, 1000.0]], "relu of the row",
                 "maximum(x, 0)")


def test_leaky_relu_default_slope_is_0_01(learner):
    assert_close(learner.leaky_relu(X), [[-10.0, -0.02, 0.0, 2.0, 1000.0]],
                 "leaky_relu with the default alpha=0.01", "alpha * x for x <= 0")


def test_sigmoid_and_tanh_are_finite_and_saturate_at_plus_minus_1000(learner):
    sig = assert_finite(learner.sigmoid(X), "sigmoid at +-1000", "avoid exp of large numbers")
    assert_close(sig[0, [0, 2, 4]], [0.0, 0.5, 1.0], "sigmoid(-1000, 0, 1000)",
                 "1 / (1 + exp(-x)), computed without overflow")
    tanh = assert_finite(learner.tanh(X), "tanh at +-1000", "tanh(x) = 2 * sigmoid(2x) - 1")
    assert_close(tanh[0, [0, 2, 4]], [-1.0, 0.0, 1.0], "tanh(-1000, 0, 1000)",
                 "tanh(x) = 2 * sigmoid(2x) - 1")


def test_softmax_rows_sum_to_one_even_at_1000(learner):
    probs = assert_finite(learner.softmax(X), "softmax of a row holding +-1000",
                          "subtract the row's max before exp")
    assert_close(probs.sum(axis=-1), [1.0], "the row to sum to 1", "divide by the sum",
                 atol=1e-5)

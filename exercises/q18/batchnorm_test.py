"""Visible tests for q18. Run them with `pytest exercises/q18`; the hidden tests go further."""

import numpy as np

from grader.testing import assert_close, assert_shape


def _inputs():
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 2.0, size=(8, 2)).astype("float32")
    ones, zeros = np.ones(2, "float32"), np.zeros(2, "float32")
    return x, ones, zeros


def test_training_mode_gives_zero_mean_unit_variance_channels(learner):
    x, ones, zeros = _inputs()
    y, _, _ = learner.batchnorm_forward(x, ones, zeros, zeros, ones, True)
    y = assert_shape(y, (8, 2), "y shaped like x", "return (y, new_mean, new_var)")
    assert_close(y.mean(axis=0), [0.0, 0.0], "per-channel mean of y with gamma=1, beta=0",
                 "subtract the batch mean over every axis but the last", atol=1e-5)
    assert_close(y.var(axis=0), x.var(axis=0) / (x.var(axis=0) + 1e-3),
                 "per-channel variance of y: var / (var + epsilon)",
                 "divide by sqrt(var + epsilon), with the biased variance", rtol=1e-4)


def test_moving_statistics_move_by_one_minus_momentum(learner):
    x, ones, zeros = _inputs()
    _, new_mean, new_var = learner.batchnorm_forward(x, ones, zeros, zeros, ones, True,
                                                     momentum=0.9)
    assert_close(new_mean, 0.1 * x.mean(axis=0), "new_mean = 0.9 * 0 + 0.1 * batch mean",
                 "momentum weights the OLD value: momentum * moving + (1 - momentum) * batch",
                 rtol=1e-5)
    assert_close(new_var, 0.9 + 0.1 * x.var(axis=0), "new_var = 0.9 * 1 + 0.1 * batch var",
                 "the biased batch variance (divide by N), weighted by 1 - momentum", rtol=1e-5)


def test_inference_mode_uses_the_moving_statistics(learner):
    x, ones, zeros = _inputs()
    mean = np.array([1.0, -1.0], "float32")
    var = np.array([4.0, 0.25], "float32")
    y, new_mean, new_var = learner.batchnorm_forward(x, ones, zeros, mean, var, False)
    assert_close(y, (x - mean) / np.sqrt(var + 1e-3), "(x - moving_mean) / sqrt(moving_var + eps)",
                 "inference normalizes with the moving statistics", rtol=1e-5, atol=1e-5)
    assert_close(new_mean, mean, "the moving mean returned unchanged", "training=False")
    assert_close(new_var, var, "the moving variance returned unchanged", "training=False")

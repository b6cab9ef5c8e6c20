"""Hidden tests for q18, batchnorm_forward. The expected values come from a real
`keras.layers.BatchNormalization` run here, in the grading process; the worker runs probes.py."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from grader.testing import assert_close, assert_shape, fail

SHAPES = {"b_c": (16, 3), "b_t_c": (4, 5, 3), "b_h_w_c": (2, 4, 4, 3)}
Y_TOL = {"rtol": 1e-4, "atol": 1e-5}
STAT_TOL = {"rtol": 1e-5, "atol": 1e-6}
GRAD_TOL = {"rtol": 1e-3, "atol": 1e-4}
ADVICE = {
    "train_y": "training mode: mean and biased variance (divide by N) over every axis but the "
               "last, then gamma * (x - mean) / sqrt(var + epsilon) + beta",
    "stats": "new = momentum * moving + (1 - momentum) * batch statistic (Keras' convention: "
             "momentum weights the OLD value), with the same biased batch variance",
    "infer": "inference mode: normalize with moving_mean and moving_var, and return them "
             "unchanged",
}


def case(seed: int, shape: tuple[int, ...]) -> dict[str, np.ndarray]:
    """Float32 inputs whose statistics are far from 0 and 1, so mistakes show."""
    rng = np.random.default_rng(seed)
    channels = shape[-1]
    return {
        "x": rng.normal(2.0, 3.0, size=shape).astype("float32"),
        "gamma": rng.uniform(0.5, 2.0, size=channels).astype("float32"),
        "beta": rng.normal(size=channels).astype("float32"),
        "moving_mean": rng.normal(size=channels).astype("float32"),
        "moving_var": rng.uniform(0.5, 2.0, size=channels).astype("float32"),
    }


def keras_layer(inputs: dict[str, np.ndarray], momentum: float = 0.99, epsilon: float = 1e-3):
    layer = keras.layers.BatchNormalization(momentum=momentum, epsilon=epsilon)
    layer.build(inputs["x"].shape)
    layer.set_weights([inputs["gamma"], inputs["beta"], inputs["moving_mean"],
                       inputs["moving_var"]])
    return layer


def keras_forward(inputs, training: bool, momentum: float = 0.99, epsilon: float = 1e-3):
    """(y, moving_mean, moving_var) of Keras' own layer after one call."""
    layer = keras_layer(inputs, momentum, epsilon)
    y = layer(inputs["x"], training=training)
    return (np.asarray(y, np.float64), np.asarray(layer.moving_mean, np.float64),
            np.asarray(layer.moving_variance, np.float64))


def keras_gradients(inputs, r: np.ndarray, training: bool) -> dict[str, np.ndarray]:
    """d sum(r * y) / d (x, gamma, beta) through Keras' layer and its own variables."""
    layer = keras_layer(inputs)
    x = tf.constant(inputs["x"])
    with tf.GradientTape() as tape:
        tape.watch(x)
        objective = tf.reduce_sum(r * layer(x, training=training))
    grads = tape.gradient(objective, [x, layer.gamma, layer.beta])
    names = ("x", "gamma", "beta")
    return {name: np.asarray(g, np.float64) for name, g in zip(names, grads, strict=True)}


def _check_args_untouched(got, inputs) -> None:
    names = ("x", "gamma", "beta", "moving_mean", "moving_var")
    for name, after in zip(names, got["args_after"], strict=True):
        if not np.array_equal(after, inputs[name]):
            raise fail(f"the argument {name} left as it was passed", "it was modified in place",
                       "return new arrays; never write into moving_mean or moving_var")


@pytest.mark.shape
@pytest.mark.points(2)
@pytest.mark.parametrize("training", [True, False], ids=["training", "inference"])
@pytest.mark.parametrize("rank", list(SHAPES))
def test_returns_y_shaped_like_x_and_statistics_shaped_c(submission, device, rank, training):
    inputs = case(1, SHAPES[rank])
    got = submission.call("forward", device=device, training=training, **inputs)
    look = "reduce over every axis but the last: axis=tuple(range(len(x.shape) - 1))"
    assert_shape(got["y"], SHAPES[rank], f"y for x of shape {SHAPES[rank]}", look)
    assert_shape(got["mean"], (3,), "new_mean, one value per channel", look)
    assert_shape(got["var"], (3,), "new_var, one value per channel", look)


@pytest.mark.behaviour
@pytest.mark.points(4)
@pytest.mark.parametrize("rank", list(SHAPES))
def test_training_mode_equals_keras_layer_with_its_moving_statistics(submission, device, rank):
    inputs = case(2, SHAPES[rank])
    got = submission.call("forward", device=device, training=True, **inputs,
                          look_at=ADVICE["train_y"])
    y, mean, var = keras_forward(inputs, training=True)
    assert_close(got["y"], y, f"y in training mode for x of shape {SHAPES[rank]}, as "
                 "keras.layers.BatchNormalization computes it", ADVICE["train_y"], **Y_TOL)
    assert_close(got["mean"], mean, "new_mean (momentum 0.99), as the layer's moving_mean",
                 ADVICE["stats"], **STAT_TOL)
    assert_close(got["var"], var, "new_var (momentum 0.99), as the layer's moving_variance",
                 ADVICE["stats"] + "; the biased variance, not n/(n-1)", **STAT_TOL)
    _check_args_untouched(got, inputs)


@pytest.mark.behaviour
@pytest.mark.points(3)
@pytest.mark.parametrize("rank", list(SHAPES))
def test_inference_mode_uses_and_returns_the_moving_statistics(submission, device, rank):
    inputs = case(3, SHAPES[rank])
    got = submission.call("forward", device=device, training=False, **inputs,
                          look_at=ADVICE["infer"])
    y, _, _ = keras_forward(inputs, training=False)
    assert_close(got["y"], y, "y in inference mode, normalized with the moving statistics",
                 ADVICE["infer"], **Y_TOL)
    assert_close(got["mean"], inputs["moving_mean"], "new_mean equal to the moving_mean passed "
                 "in", ADVICE["infer"], rtol=0, atol=1e-7)
    assert_close(got["var"], inputs["moving_var"], "new_var equal to the moving_var passed in",
                 ADVICE["infer"], rtol=0, atol=1e-7)
    _check_args_untouched(got, inputs)


@pytest.mark.behaviour
@pytest.mark.points(2)
@pytest.mark.parametrize("momentum,epsilon", [(0.0, 1e-3), (0.5, 0.5), (0.8, 1e-5), (0.9, 0.5)])
def test_momentum_and_epsilon_are_honoured(submission, device, momentum, epsilon):
    inputs = case(4, (12, 4))
    inputs["x"] = (inputs["x"] / 6.0).astype("float32")  # variance ~0.25: epsilon 0.5 matters
    options = {"momentum": momentum, "epsilon": epsilon}
    look = ("use the momentum and epsilon arguments; epsilon goes inside the square root: "
            "sqrt(var + epsilon)")
    for training in (True, False):
        got = submission.call("forward", device=device, training=training, options=options,
                              **inputs, look_at=look)
        y, mean, var = keras_forward(inputs, training, momentum, epsilon)
        mode = "training" if training else "inference"
        assert_close(got["y"], y, f"y in {mode} mode with momentum={momentum}, "
                     f"epsilon={epsilon}", look, **Y_TOL)
        assert_close(got["mean"], mean, f"new_mean in {mode} mode with momentum={momentum}",
                     ADVICE["stats"], **STAT_TOL)
        assert_close(got["var"], var, f"new_var in {mode} mode with momentum={momentum}",
                     ADVICE["stats"], **STAT_TOL)


@pytest.mark.behaviour
@pytest.mark.points(2)
def test_five_training_steps_with_fed_back_statistics_track_the_layer(submission, device):
    rng = np.random.default_rng(5)
    inputs = case(5, (8, 2, 3))
    xs = [rng.normal(loc, 2.0, size=(8, 2, 3)).astype("float32") for loc in (1, 3, -2, 0, 5)]
    got = submission.call("steps", device=device, xs=xs, gamma=inputs["gamma"],
                          beta=inputs["beta"], moving_mean=inputs["moving_mean"],
                          moving_var=inputs["moving_var"], options={"momentum": 0.8})
    layer = keras_layer(inputs, momentum=0.8)
    for step, x in enumerate(xs):
        y = np.asarray(layer(x, training=True), np.float64)
        assert_close(got["y"][step], y, f"y at training step {step + 1} of 5", ADVICE["train_y"],
                     **Y_TOL)
        assert_close(got["mean"][step], np.asarray(layer.moving_mean), f"new_mean after step "
                     f"{step + 1} of 5 (momentum 0.8), each step fed the last step's statistics",
                     ADVICE["stats"], **STAT_TOL)
        assert_close(got["var"][step], np.asarray(layer.moving_variance), f"new_var after step "
                     f"{step + 1} of 5 (momentum 0.8), each step fed the last step's statistics",
                     ADVICE["stats"], **STAT_TOL)


@pytest.mark.behaviour
@pytest.mark.points(2)
def test_variance_is_two_pass_and_accurate_at_mean_1000(submission, device):
    inputs = case(6, (64, 4))
    inputs["x"] = (1000.0 + np.random.default_rng(6).normal(size=(64, 4))).astype("float32")
    got = submission.call("forward", device=device, training=True, **inputs)
    y, _, _ = keras_forward(inputs, training=True)
    assert_close(got["y"], y, "y for inputs of mean 1000 and unit spread, within 2e-3 of the "
                 "layer", "compute the variance in two passes, mean((x - mean)**2): "
                 "E[x^2] - E[x]^2 loses every digit in float32 at this scale",
                 rtol=0, atol=2e-3)


def _check_gradients(got, expected, mode: str, look: str) -> None:
    for name in ("x", "gamma", "beta"):
        assert_close(got[name], expected[name], f"d sum(r * y) / d {name} in {mode} mode, as "
                     "through keras.layers.BatchNormalization", look, **GRAD_TOL)


@pytest.mark.gradient
@pytest.mark.points(3)
@pytest.mark.parametrize("rank", ["b_c", "b_h_w_c"])
def test_training_mode_gradients_equal_the_layers(submission, device, rank):
    inputs = case(7, SHAPES[rank])
    r = np.random.default_rng(7).normal(size=SHAPES[rank]).astype("float32")
    look = ("the gradient must flow through the batch mean and variance too: compute them with "
            "keras.ops or tf on x itself, without NumPy or stop_gradient")
    got = submission.call("gradients", device=device, r=r, training=True, **inputs, look_at=look)
    _check_gradients(got, keras_gradients(inputs, r, training=True), "training", look)


@pytest.mark.gradient
@pytest.mark.points(2)
def test_inference_mode_gradients_equal_the_layers(submission, device):
    inputs = case(8, SHAPES["b_t_c"])
    r = np.random.default_rng(8).normal(size=SHAPES["b_t_c"]).astype("float32")
    look = ("in inference mode y is an affine function of x: gamma / sqrt(moving_var + "
            "epsilon) per channel; use keras.ops or tf so gradients exist")
    got = submission.call("gradients", device=device, r=r, training=False, **inputs,
                          look_at=look)
    _check_gradients(got, keras_gradients(inputs, r, training=False), "inference", look)

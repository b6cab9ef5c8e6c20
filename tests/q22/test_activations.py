"""Hidden tests for q22, activation functions. The test picks the inputs and computes the
expected values and gradients here with Keras' built-in `keras.activations` (and a
GradientTape around them); the worker only runs the learner's functions (probes.py)."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import pytest
import tensorflow as tf

from grader.testing import assert_close, assert_finite, fail

NAMES = ("relu", "leaky_relu", "sigmoid", "tanh", "softmax")
SHAPES = [(7,), (3, 5), (2, 3, 4)]
EXTREMES = np.array([[-1000.0, -100.0, -30.0, -1.0, 0.0, 1.0, 30.0, 100.0, 1000.0]], "float32")
VALUES = {"rtol": 1e-5, "atol": 1e-6}
GRADIENTS = {"rtol": 1e-4, "atol": 1e-5}

ADVICE = {
    "relu": "relu(x) = maximum(x, 0)",
    "leaky_relu": "leaky_relu(x, alpha) = x where x > 0, alpha * x elsewhere; the default "
                  "alpha is 0.01",
    "sigmoid": "sigmoid(x) = 1 / (1 + exp(-x)); exp must never see a large positive number "
               "(use the equal form exp(x) / (1 + exp(x)) for negative x, and feed each branch "
               "of ops.where a safe input)",
    "tanh": "tanh(x) = 2 * sigmoid(2x) - 1 avoids exp overflow",
    "softmax": "subtract ops.max(x, axis=axis, keepdims=True) before exp, and sum along the "
               "same axis with keepdims=True",
}


def call(name: str, x: np.ndarray, *args: Any, tensor: bool = False, **kwargs: Any):
    return {"name": name, "x": x, "args": list(args), "kwargs": kwargs, "tensor": tensor}


def describe(c: dict[str, Any]) -> str:
    extra = [repr(a) for a in c["args"]] + [f"{k}={v!r}" for k, v in c["kwargs"].items()]
    return f"{c['name']}(x{''.join(', ' + e for e in extra)}) on x of shape {c['x'].shape}"


def keras_activation(c: dict[str, Any], x: Any) -> Any:
    """The built-in Keras activation the call must equal."""
    name, args, kwargs = c["name"], c["args"], c["kwargs"]
    if name == "leaky_relu":
        alpha = args[0] if args else kwargs.get("alpha", 0.01)
        return keras.activations.leaky_relu(x, negative_slope=alpha)
    if name == "softmax":
        return keras.activations.softmax(x, axis=kwargs.get("axis", -1))
    return getattr(keras.activations, name)(x)


def keras_gradient(c: dict[str, Any]) -> np.ndarray:
    x = tf.constant(c["x"])
    with tf.GradientTape() as tape:
        tape.watch(x)
        objective = tf.reduce_sum(tf.constant(c["r"]) * keras_activation(c, x))
    return tape.gradient(objective, x).numpy()


def random_x(shape: tuple[int, ...], seed: int) -> np.ndarray:
    return (4.0 * np.random.default_rng(seed).normal(size=shape)).astype("float32")


def with_weights(c: dict[str, Any], seed: int) -> dict[str, Any]:
    """Add positive random weights r (so a gradient divided by r is the derivative)."""
    r = np.random.default_rng(seed).uniform(0.5, 1.5, size=c["x"].shape).astype("float32")
    return {**c, "r": r}


def check_values(submission: Any, device: str, calls: list[dict[str, Any]]) -> list[Any]:
    got = submission.call("values", device=device, calls=calls,
                          look_at="write the function with keras.ops (or tf) operations")
    for c, value in zip(calls, got, strict=True):
        expected = np.asarray(keras_activation(c, c["x"]))
        assert_finite(value, describe(c), ADVICE[c["name"]])
        assert_close(value, expected, f"{describe(c)} equal to keras.activations.{c['name']}",
                     ADVICE[c["name"]], **VALUES)
    return got


@pytest.mark.behaviour
@pytest.mark.points(4)
def test_values_equal_keras_activations_on_random_inputs(submission, device):
    calls = [call(name, random_x(shape, i)) for i, shape in enumerate(SHAPES) for name in NAMES]
    calls.append(call("leaky_relu", random_x((4, 6), 9), alpha=0.25))
    check_values(submission, device, calls)


@pytest.mark.behaviour
@pytest.mark.points(2)
def test_leaky_relu_alpha_defaults_to_0_01_and_is_honoured(submission, device):
    x = random_x((5, 4), 3)
    calls = [call("leaky_relu", x), call("leaky_relu", x, 0.3),
             call("leaky_relu", x, alpha=0.0), call("leaky_relu", x, alpha=0.5)]
    check_values(submission, device, calls)


@pytest.mark.behaviour
@pytest.mark.points(3)
def test_extreme_inputs_give_finite_values_equal_to_keras(submission, device):
    calls = [call(name, EXTREMES) for name in NAMES] + [call("leaky_relu", EXTREMES, 0.1)]
    got = check_values(submission, device, calls)
    ranges = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}
    for c, value in zip(calls, got, strict=True):
        low, high = ranges.get(c["name"], (-np.inf, np.inf))
        if np.any(np.asarray(value) < low) or np.any(np.asarray(value) > high):
            raise fail(f"{c['name']} values in [{low}, {high}]", f"{np.asarray(value)}",
                       ADVICE[c["name"]])


@pytest.mark.behaviour
@pytest.mark.points(3)
def test_softmax_slices_sum_to_one_along_any_axis(submission, device):
    x = random_x((2, 3, 4), 5)
    saturated = np.array([[-1000.0] * 4, [1000.0] * 4, [1000.0, 0.0, -1000.0, 999.0]], "float32")
    calls = [call("softmax", x, axis=axis) for axis in (0, 1, 2, -1, -2)]
    calls += [call("softmax", saturated), call("softmax", saturated.T, axis=0)]
    got = check_values(submission, device, calls)
    for c, value in zip(calls, got, strict=True):
        axis = c["kwargs"].get("axis", -1)
        sums = np.asarray(value, np.float64).sum(axis=axis)
        assert_close(sums, np.ones_like(sums), f"the slices of {describe(c)} to sum to 1",
                     ADVICE["softmax"], rtol=0, atol=1e-5)
    assert_close(got[-2][0], np.full(4, 0.25), "a row of four -1000s to give 0.25 each",
                 ADVICE["softmax"], rtol=0, atol=1e-6)


@pytest.mark.shape
@pytest.mark.points(2)
def test_outputs_keep_the_input_shape_and_float32(submission, device):
    x = random_x((2, 3, 4), 8)
    calls = [call(name, x, tensor=tensor) for tensor in (False, True) for name in NAMES]
    got = submission.call("values", device=device, calls=calls)
    for c, value in zip(calls, got, strict=True):
        kind = "a tf tensor" if c["tensor"] else "a NumPy array"
        if np.shape(value) != x.shape or np.asarray(value).dtype != np.float32:
            raise fail(f"{c['name']} of {kind}, float32 of shape (2, 3, 4), to return float32 "
                       "of shape (2, 3, 4)",
                       f"{np.asarray(value).dtype} of shape {np.shape(value)}",
                       "elementwise operations keep the shape; reductions need keepdims=True; "
                       "do not cast to float64")


def check_gradients(submission: Any, device: str, calls: list[dict[str, Any]],
                    kinks: bool = False) -> None:
    got = submission.call("gradients", device=device, calls=calls,
                          look_at="the function must be differentiable keras.ops / tf code")
    for c, grad in zip(calls, got, strict=True):
        what = f"d sum(r * {describe(c)}) / dx"
        assert_finite(grad, what, ADVICE[c["name"]])
        expected = keras_gradient(c)
        if kinks and c["name"] in ("relu", "leaky_relu"):
            # At x = 0 any derivative between the two slopes is fine: take Keras' there.
            at_zero = c["x"] == 0
            expected = np.where(at_zero, np.asarray(grad, np.float64), expected)
        assert_close(grad, expected, f"{what} equal to Keras' gradient", ADVICE[c["name"]],
                     **GRADIENTS)


@pytest.mark.gradient
@pytest.mark.points(3)
def test_gradients_equal_keras_on_random_inputs(submission, device):
    calls = [with_weights(call(name, random_x(shape, 10 + i)), 20 + i)
             for i, shape in enumerate(SHAPES) for name in NAMES]
    calls += [with_weights(call("leaky_relu", random_x((3, 4), 30), 0.2), 31),
              with_weights(call("softmax", random_x((3, 4), 32), axis=0), 33)]
    check_gradients(submission, device, calls)


@pytest.mark.gradient
@pytest.mark.points(2)
def test_gradients_are_finite_and_equal_keras_at_extremes(submission, device):
    saturated = np.array([[-1000.0] * 3, [1000.0, 999.0, -1000.0]], "float32")
    calls = [with_weights(call(name, EXTREMES), 40) for name in NAMES]
    calls.append(with_weights(call("softmax", saturated), 41))
    check_gradients(submission, device, calls, kinks=True)


@pytest.mark.gradient
@pytest.mark.points(1)
def test_derivatives_at_zero_exact_for_smooth_functions_and_in_range_at_kinks(
    submission, device
):
    zeros = np.zeros((1, 3), "float32")
    calls = [with_weights(call(name, zeros), 50) for name in NAMES]
    calls.append(with_weights(call("leaky_relu", zeros, 0.3), 51))
    got = submission.call("gradients", device=device, calls=calls)
    for c, grad in zip(calls, got, strict=True):
        derivative = np.asarray(grad, np.float64) / c["r"]
        what = f"the derivative of {c['name']} at x = 0"
        if c["name"] in ("sigmoid", "tanh", "softmax"):
            look = (ADVICE[c["name"]] + ". Forms built on abs(x) or sign(x) get a derivative "
                    "of 0 at x = 0, which is wrong for a smooth function")
            assert_close(grad, keras_gradient(c), what, look, **GRADIENTS)
            continue
        low = 0.0 if c["name"] == "relu" else (c["args"] or [0.01])[0]
        if np.any(derivative < low - 1e-6) or np.any(derivative > 1 + 1e-6):
            raise fail(f"{what} between {low} and 1 (the slopes on either side)",
                       f"{derivative}", ADVICE[c["name"]])

"""Hidden tests for q17, CustomDense. Verdicts here; the worker only runs probes.py."""

from __future__ import annotations

import numpy as np
import pytest

from grader.keras_archive import KerasArchive, read_keras_archive
from grader.testing import assert_close, assert_config, assert_gradient_close, fail

ACTIVATIONS = {
    None: lambda z: z,
    "relu": lambda z: np.maximum(z, 0.0),
    "sigmoid": lambda z: 1.0 / (1.0 + np.exp(-z)),
    "tanh": np.tanh,
}


def _dense(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray, activation: str | None):
    return ACTIVATIONS[activation](x.astype(np.float64) @ kernel + bias)


def _weights(rng: np.random.Generator, n_in: int, units: int):
    kernel = rng.normal(size=(n_in, units)).astype("float32")
    bias = rng.normal(size=(units,)).astype("float32")  # non-zero: a missing bias shows
    return kernel, bias


@pytest.mark.shape
@pytest.mark.claim  # weight names exist only inside the worker
@pytest.mark.points(3)
def test_weights_are_named_kernel_and_bias_with_dense_shapes(submission):
    got = submission.call("weights", units=4, input_shape=[2, 3])
    shapes = {w["name"]: tuple(w["shape"]) for w in got["weights"]}
    if shapes != {"kernel": (3, 4), "bias": (4,)}:
        raise fail(
            "two weights, kernel (3, 4) and bias (4,), for 3 inputs and units=4",
            f"{shapes}",
            "the name= and shape= you pass to self.add_weight in build()",
        )
    if sorted(got["trainable"]) != ["bias", "kernel"]:
        raise fail("kernel and bias to be trainable", f"trainable: {got['trainable']}",
                   "add_weight(trainable=...) in build()")


@pytest.mark.shape
@pytest.mark.points(2)
@pytest.mark.parametrize("input_shape", [[2, 3], [2, 5, 3]], ids=["rank2", "rank3"])
def test_output_shape_keeps_leading_axes_and_ends_in_units(submission, input_shape):
    got = submission.call("weights", units=4, input_shape=input_shape)
    expected = [*input_shape[:-1], 4]
    if got["output_shape"] != expected:
        raise fail(f"output shape {expected}", f"{got['output_shape']}",
                   "call(): matmul over the last axis, then add the bias")


@pytest.mark.behaviour
@pytest.mark.points(3)
@pytest.mark.parametrize("activation", [None, "relu", "sigmoid"])
def test_matches_dense_with_copied_weights(submission, device, activation):
    rng = np.random.default_rng(17)
    kernel, bias = _weights(rng, 3, 4)
    x = rng.normal(size=(6, 3)).astype("float32")
    got = submission.call("forward", device=device, units=4, activation=activation,
                          kernel=kernel, bias=bias, x=x)
    assert_close(got, _dense(x, kernel, bias, activation),
                 f"activation(x @ kernel + bias) with activation={activation!r}",
                 "call(): the matmul, the bias, and applying self.activation last",
                 rtol=1e-5, atol=1e-5)


@pytest.mark.behaviour
@pytest.mark.points(3)
def test_first_call_on_rank3_input_matches_dense(submission, device):
    rng = np.random.default_rng(3)
    kernel, bias = _weights(rng, 3, 2)
    x = rng.normal(size=(4, 5, 3)).astype("float32")
    got = submission.call("forward", device=device, units=2, activation="relu",
                          kernel=kernel, bias=bias, x=x)
    assert_close(got, _dense(x, kernel, bias, "relu"),
                 "the dense output for a (batch, time, features) input",
                 "build(): the input size is input_shape[-1], not input_shape[1]",
                 rtol=1e-5, atol=1e-5)


@pytest.mark.gradient
@pytest.mark.points(3)
def test_kernel_gradient_equals_x_transpose_dy(submission, device):
    rng = np.random.default_rng(7)
    kernel, bias = _weights(rng, 3, 4)
    x = rng.normal(size=(5, 3)).astype("float32")
    dy = rng.normal(size=(5, 4)).astype("float32")  # non-uniform, so errors cannot cancel
    got = submission.call("kernel_gradient", device=device, units=4, kernel=kernel, bias=bias,
                          x=x, dy=dy)
    assert_gradient_close(got, x.T.astype(np.float64) @ dy,
                          "d sum(output * dy) / d kernel = x^T dy",
                          "the kernel must be a trainable weight used in call()")


def _layer_config(archive: KerasArchive) -> dict:
    layers = archive.layer_configs()
    return layers[0].get("config", {}) if layers else {}


def _check_config(got, activation_name: str, x, kernel, bias) -> None:
    """The config as saved in a .keras file (read here) and a layer rebuilt from it."""
    if "json_error" in got:
        raise fail("get_config() to return plain JSON", f"{got['json_error']}",
                   "serialize the activation: keras.activations.serialize(self.activation)")
    config = _layer_config(read_keras_archive(got["archive"]))
    assert_config(config, {"units": 3}, "get_config() as saved in a .keras file",
                  "get_config(): add units and activation to super().get_config()")
    serialized = config.get("activation")
    name = serialized if isinstance(serialized, str) else (serialized or {}).get("config")
    if name != activation_name:
        raise fail(f"config['activation'] naming {activation_name!r}", repr(serialized),
                   "keras.activations.serialize(self.activation) in get_config()")
    assert_close(got["rebuilt"], _dense(x, kernel, bias, activation_name),
                 f"from_config(get_config()) computing {activation_name}(x @ kernel + bias)",
                 "from_config must rebuild an equal layer: every setting in the config",
                 rtol=1e-5, atol=1e-5)


@pytest.mark.serialization
@pytest.mark.points(2)
def test_config_has_units_and_string_activation(submission):
    rng = np.random.default_rng(11)
    kernel, bias = _weights(rng, 4, 3)
    x = rng.normal(size=(2, 4)).astype("float32")
    got = submission.call("config_round_trip", units=3, activation="relu", x=x,
                          kernel=kernel, bias=bias)
    _check_config(got, "relu", x, kernel, bias)


@pytest.mark.serialization
@pytest.mark.points(2)
def test_config_with_callable_activation_is_json_and_rebuilds(submission):
    rng = np.random.default_rng(12)
    kernel, bias = _weights(rng, 4, 3)
    x = np.linspace(-1, 1, 8, dtype="float32").reshape(2, 4)
    got = submission.call("config_round_trip", units=3, activation="callable:tanh", x=x,
                          kernel=kernel, bias=bias)
    _check_config(got, "tanh", x, kernel, bias)


@pytest.mark.serialization
@pytest.mark.points(2)
def test_keras_file_round_trip_gives_identical_outputs(submission, device):
    x = np.random.default_rng(5).normal(size=(4, 6, 3)).astype("float32")
    got = submission.call("keras_round_trip", device=device, x=x,
                          look_at="@keras.saving.register_keras_serializable() on the class")
    archive = read_keras_archive(got["archive"])
    if archive.class_names() != ["CustomDense", "CustomDense"]:
        raise fail("the saved model to hold two CustomDense layers",
                   f"{archive.class_names()}", "register the class as serializable")
    layers = []
    for arrays in archive.layer_vars():
        by_rank = {a.ndim: a for a in arrays}
        if len(arrays) != 2 or set(by_rank) != {1, 2}:
            raise fail("a kernel and a bias saved for each CustomDense",
                       f"{[a.shape for a in arrays]}", "create both weights with add_weight")
        layers.append((by_rank[2], by_rank[1]))
    (k1, b1), (k2, b2) = layers
    expected = _dense(_dense(x, k1, b1, "tanh"), k2, b2, None)
    assert_close(got["after"], expected,
                 "the reloaded model's outputs, computed from the weights in the .keras file",
                 "get_config and @keras.saving.register_keras_serializable()",
                 rtol=1e-5, atol=1e-5)

"""Hidden tests for q30, three ways to build one MLP. Verdicts and oracles here; the worker
only runs probes.py. Every expected output is a NumPy forward pass on weights the test sent."""

from __future__ import annotations

import numpy as np
import pytest

from grader.keras_archive import ArchiveError, read_keras_archive
from grader.testing import assert_close, fail, numeric_gradient

APIS = ["sequential", "functional", "subclass"]
DEFAULT_WIDTHS = [10, 64, 32, 1]
ARGS = {"input_dim": 5, "hidden_units": [7, 6, 4], "output_units": 3}
WIDTHS = [ARGS["input_dim"], *ARGS["hidden_units"], ARGS["output_units"]]
WHERE = {
    "sequential": "build_sequential",
    "functional": "build_functional",
    "subclass": "MLP (its __init__ and call)",
}


def _shapes(widths: list[int]) -> list[tuple[int, ...]]:
    """Kernel then bias of each Dense, input to output."""
    shapes: list[tuple[int, ...]] = []
    for n_in, n_out in zip(widths[:-1], widths[1:], strict=True):
        shapes += [(n_in, n_out), (n_out,)]
    return shapes


def _weights(seed: int, widths: list[int] = WIDTHS) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.normal(scale=0.6, size=shape).astype("float32") for shape in _shapes(widths)]


def _x(seed: int, n: int = 6, dim: int = ARGS["input_dim"]) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, dim)).astype("float32")


def mlp_forward(x: np.ndarray, weights: list[np.ndarray]) -> np.ndarray:
    """relu(x @ k + b) for each hidden layer, sigmoid for the last, in float64."""
    h = np.asarray(x, np.float64)
    pairs = list(zip(weights[::2], weights[1::2], strict=True))
    for i, (kernel, bias) in enumerate(pairs):
        z = h @ np.asarray(kernel, np.float64) + np.asarray(bias, np.float64)
        h = np.maximum(z, 0.0) if i < len(pairs) - 1 else 1.0 / (1.0 + np.exp(-z))
    return h


@pytest.mark.shape
@pytest.mark.points(3)
@pytest.mark.parametrize("api", APIS)
@pytest.mark.parametrize("args", [None, ARGS], ids=["defaults", "5-7-6-4-3"])
def test_weights_are_kernel_and_bias_per_layer_in_forward_order(submission, api, args):
    widths = DEFAULT_WIDTHS if args is None else WIDTHS
    got = submission.call("weight_shapes", api=api, args=args, look_at=WHERE[api])
    shapes = [tuple(shape) for shape in got["shapes"]]
    expected = _shapes(widths)
    if shapes != expected:
        raise fail(
            f"the weights of a {'-'.join(map(str, widths))} MLP, kernel then bias of each "
            f"Dense from input to output: {expected}",
            f"{shapes}",
            f"{WHERE[api]}: one Dense(h, activation='relu') per entry of hidden_units, in "
            "order, then Dense(output_units, activation='sigmoid'), created in that order",
        )
    count = sum(int(np.prod(shape)) for shape in expected)
    if got["count"] != count:
        raise fail(f"count_params() == {count}", f"{got['count']}", WHERE[api])


@pytest.mark.behaviour
@pytest.mark.points(4)
@pytest.mark.parametrize("api", APIS)
def test_outputs_equal_numpy_relu_sigmoid_forward_pass(submission, device, api):
    weights, x = _weights(30), _x(1)
    got = submission.call("forward", device=device, api=api, args=ARGS, weights=weights, x=x,
                          look_at=WHERE[api])
    assert_close(got, mlp_forward(x, weights),
                 f"{api} model's predictions: relu hidden layers, sigmoid output",
                 f"{WHERE[api]}: the activations, and the order of the layers",
                 rtol=1e-5, atol=1e-5)


@pytest.mark.behaviour
@pytest.mark.points(3)
def test_set_weights_of_get_weights_copies_between_the_three_apis(submission, device):
    weights, x = _weights(31), _x(2)
    got = submission.call("copy_chain", device=device, args=ARGS, weights=weights, x=x,
                          look_at="model.weights must list kernel, bias of each layer in "
                                  "forward order in all three models")
    expected = mlp_forward(x, weights)
    for api in ("functional", "subclass", "sequential"):
        assert_close(got[api], expected,
                     f"the {api} model's predictions after set_weights(get_weights()) of the "
                     "previous model in Sequential -> Functional -> MLP -> Sequential",
                     f"{WHERE[api]}: create the layers in forward order so the weights line up",
                     rtol=1e-5, atol=1e-5)


@pytest.mark.behaviour
@pytest.mark.claim
@pytest.mark.points(2)
def test_functional_model_comes_from_keras_input_and_mlp_subclasses_model(submission):
    got = submission.call("kinds")
    if not got["sequential_is_sequential"]:
        raise fail("build_sequential() to return a keras.Sequential",
                   f"a {got['sequential_class']}", "build_sequential")
    if got["functional_is_sequential"] or got["functional_inputs"] != 1:
        raise fail(
            "build_functional() to return a Functional keras.Model with one keras.Input",
            f"a {got['functional_class']} with {got['functional_inputs']} input(s)",
            "build_functional: inputs = keras.Input(...); ...; keras.Model(inputs, outputs)",
        )
    if not got["mlp_is_model"] or not got["mlp_own_call"]:
        raise fail("MLP to subclass keras.Model and define its own call()",
                   f"subclasses Model: {got['mlp_is_model']}, own call: {got['mlp_own_call']}",
                   "class MLP(keras.Model) with def call(self, inputs)")


@pytest.mark.behaviour
@pytest.mark.points(2)
@pytest.mark.parametrize("api", APIS)
def test_one_fit_step_is_plain_gradient_descent_on_every_weight(submission, device, api):
    weights, x = _weights(32), _x(3, n=8)
    y = np.random.default_rng(4).uniform(size=(8, ARGS["output_units"])).astype("float32")
    lr = 0.5
    got = submission.call("fit_step", device=device, api=api, args=ARGS, weights=weights, x=x,
                          y=y, learning_rate=lr, look_at=WHERE[api])
    sizes = [w.size for w in weights]
    flat = np.concatenate([w.reshape(-1) for w in weights]).astype(np.float64)

    def loss(theta: np.ndarray) -> float:
        parts = np.split(theta, np.cumsum(sizes)[:-1])
        params = [p.reshape(w.shape) for p, w in zip(parts, weights, strict=True)]
        return float(np.mean((mlp_forward(x, params) - y) ** 2))

    step = flat - lr * numeric_gradient(loss, flat)
    expected = np.split(step, np.cumsum(sizes)[:-1])
    if len(got) != len(weights):
        raise fail(f"{len(weights)} weight arrays after fit", f"{len(got)}", WHERE[api])
    for i, (new, want) in enumerate(zip(got, expected, strict=True)):
        assert_close(np.reshape(new, -1), want,
                     f"weight {i} after one SGD step (lr={lr}) on the MSE of one batch",
                     f"{WHERE[api]}: every Dense must be trainable and used in the forward pass",
                     rtol=1e-4, atol=1e-5)


def _holds_every_array(archive_weights: dict[str, np.ndarray], sent: list[np.ndarray]) -> bool:
    pool = list(archive_weights.values())
    for array in sent:
        match = next((i for i, a in enumerate(pool)
                      if a.shape == array.shape and np.array_equal(a, array)), None)
        if match is None:
            return False
        pool.pop(match)
    return True


@pytest.mark.serialization
@pytest.mark.points(4)
@pytest.mark.parametrize("api", APIS)
def test_keras_file_round_trip_keeps_weights_and_widths(submission, device, api):
    weights, x = _weights(33), _x(5)
    look = ("@keras.saving.register_keras_serializable() on MLP, and get_config returning "
            "hidden_units and output_units" if api == "subclass" else WHERE[api])
    got = submission.call("keras_file", device=device, api=api, args=ARGS, weights=weights,
                          x=x, look_at=look)
    try:
        archive = read_keras_archive(got["file"])
    except ArchiveError as exc:
        raise fail("a readable .keras file", str(exc), "model.save('model.keras')") from None
    if not _holds_every_array(archive.weights, weights):
        raise fail("the .keras file to hold every weight the model was given",
                   f"datasets {sorted(archive.weights)}", look)
    if api == "subclass":
        config = archive.config.get("config", {})
        saved = {key: config.get(key) for key in ("hidden_units", "output_units")}
        wanted = {key: ARGS[key] for key in ("hidden_units", "output_units")}
        if saved != wanted:
            raise fail(f"the file's MLP config to hold {wanted}", f"{saved}",
                       "MLP.get_config(): add hidden_units and output_units to "
                       "super().get_config()")
    assert_close(got["reloaded"], mlp_forward(x, weights),
                 "the reloaded model's predictions (keras.saving.load_model, safe mode)",
                 look, rtol=1e-5, atol=1e-5)


@pytest.mark.serialization
@pytest.mark.points(2)
def test_mlp_from_config_of_get_config_rebuilds_the_same_network(submission, device):
    weights, x = _weights(34), _x(6)
    got = submission.call("config_round_trip", device=device, args=ARGS, weights=weights, x=x,
                          look_at="MLP.get_config(): hidden_units and output_units on top of "
                                  "super().get_config(), as plain JSON")
    assert_close(got, mlp_forward(x, weights),
                 "predictions of MLP.from_config(mlp.get_config()) given the same weights",
                 "MLP.get_config() must return every constructor argument",
                 rtol=1e-5, atol=1e-5)

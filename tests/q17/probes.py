"""Worker-side half of q17's hidden tests: drive `CustomDense`, return plain data.

Probes run next to the learner's code and compute no verdicts; expected values are computed
by the tests in the grading process. Weights are assigned by rank (kernel rank 2, bias rank 1)
so a layer with oddly named weights is still tested on its arithmetic.
"""

from __future__ import annotations

import json
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from grader.errors import ProbeResultError
from grader.probing import save_and_reload, save_to_bytes


def _activation(spec: str | None) -> Any:
    # "callable:relu" passes the function object instead of its name.
    if spec is not None and spec.startswith("callable:"):
        return keras.activations.get(spec.split(":", 1)[1])
    return spec


def _assign(layer: Any, kernel: np.ndarray, bias: np.ndarray) -> None:
    by_rank = {len(w.shape): w for w in layer.weights}
    if set(by_rank) != {1, 2} or len(layer.weights) != 2:
        shapes = [tuple(w.shape) for w in layer.weights]
        raise ProbeResultError(
            f"q17: CustomDense should hold two weights, a kernel and a bias; it holds {shapes}"
        )
    by_rank[2].assign(kernel)
    by_rank[1].assign(bias)


def weights(sub: Any, *, units: int, input_shape: list[int]) -> dict[str, Any]:
    layer = sub.CustomDense(units)
    out = layer(np.zeros(input_shape, dtype="float32"))
    return {
        "weights": [{"name": w.name, "shape": list(w.shape)} for w in layer.weights],
        "trainable": [w.name for w in layer.trainable_weights],
        "output_shape": list(np.shape(out)),
    }


def forward(
    sub: Any, *, units: int, activation: str | None, kernel: np.ndarray, bias: np.ndarray,
    x: np.ndarray,
) -> np.ndarray:
    layer = sub.CustomDense(units, activation=_activation(activation))
    layer(x)  # the first call builds the layer from this input's shape
    _assign(layer, kernel, bias)
    return np.asarray(layer(x))


def kernel_gradient(
    sub: Any, *, units: int, kernel: np.ndarray, bias: np.ndarray, x: np.ndarray, dy: np.ndarray
) -> np.ndarray:
    layer = sub.CustomDense(units)
    layer(x)
    _assign(layer, kernel, bias)
    kernels = [w for w in layer.trainable_weights if len(w.shape) == 2]
    if not kernels:
        raise ProbeResultError("q17: CustomDense has no trainable rank-2 weight (kernel)")
    with tf.GradientTape() as tape:
        out = layer(x)
        objective = tf.reduce_sum(out * dy)
    grad = tape.gradient(objective, kernels[0])
    if grad is None:
        raise ProbeResultError("q17: no gradient flows from the output to the kernel")
    return np.asarray(grad)


def config_round_trip(
    sub: Any, *, units: int, activation: str | None, x: np.ndarray, kernel: np.ndarray,
    bias: np.ndarray,
) -> dict[str, Any]:
    """Build, JSON round-trip the config, rebuild with the test's weights; also save a model
    holding the layer, so the grading process can read the config from the file itself."""
    layer = sub.CustomDense(units, activation=_activation(activation))
    layer(x)
    config = layer.get_config()
    try:
        text = json.dumps(config)
    except (TypeError, ValueError) as exc:
        return {"json_error": str(exc), "keys": sorted(map(str, config))}
    rebuilt = type(layer).from_config(json.loads(text))
    rebuilt(x)
    _assign(rebuilt, kernel, bias)
    model = keras.Sequential([keras.Input(x.shape[1:]), layer])
    return {"archive": save_to_bytes(model), "rebuilt": np.asarray(rebuilt(x))}


def keras_round_trip(sub: Any, *, x: np.ndarray) -> dict[str, Any]:
    """Save a two-layer model and load it back; the file goes to the grading process, which
    computes the outputs it expects from the file's own weights."""
    model = keras.Sequential(
        [keras.Input(x.shape[1:]), sub.CustomDense(5, activation="tanh"), sub.CustomDense(3)]
    )
    archive = save_to_bytes(model)
    loaded = save_and_reload(model)
    return {"archive": archive, "after": np.asarray(loaded(x))}

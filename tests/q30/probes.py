"""Worker-side half of q30's hidden tests: build the learner's three models, return data.

Probes compute no verdicts. Weights come from the test and are assigned with
`set_weights`, so the test can compute every expected output itself with NumPy.
"""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any

import keras
import numpy as np

from grader.errors import ProbeResultError
from grader.probing import save_to_bytes

APIS = ("sequential", "functional", "subclass")


def _build(sub: Any, api: str, args: dict[str, Any] | None) -> Any:
    """The learner's model for `api`; `args=None` means the defaults. MLP is called once on
    zeros, since a subclassed model has no weights before it sees an input."""
    if api == "sequential":
        return sub.build_sequential() if args is None else sub.build_sequential(**args)
    if api == "functional":
        return sub.build_functional() if args is None else sub.build_functional(**args)
    if api != "subclass":
        raise ValueError(f"unknown api {api!r}")
    if args is None:
        model, input_dim = sub.MLP(), 10
    else:
        model = sub.MLP(hidden_units=args["hidden_units"], output_units=args["output_units"])
        input_dim = args["input_dim"]
    model(np.zeros((1, input_dim), dtype="float32"))
    return model


def _outputs(model: Any, x: np.ndarray) -> np.ndarray:
    return np.asarray(model(x))


def _predict(model: Any, x: np.ndarray) -> np.ndarray:
    return np.asarray(model.predict(x, verbose=0))


def weight_shapes(sub: Any, *, api: str, args: dict[str, Any] | None) -> dict[str, Any]:
    model = _build(sub, api, args)
    return {
        "shapes": [list(w.shape) for w in model.weights],
        "count": int(model.count_params()),
    }


def forward(
    sub: Any, *, api: str, args: dict[str, Any], weights: list[np.ndarray], x: np.ndarray
) -> np.ndarray:
    model = _build(sub, api, args)
    model.set_weights(weights)
    return _predict(model, x)


def copy_chain(
    sub: Any, *, args: dict[str, Any], weights: list[np.ndarray], x: np.ndarray
) -> dict[str, np.ndarray]:
    """Sequential <- test weights; Functional <- Sequential; MLP <- Functional;
    a second Sequential <- MLP. Outputs of the three that received copied weights."""
    first = _build(sub, "sequential", args)
    first.set_weights(weights)
    functional = _build(sub, "functional", args)
    functional.set_weights(first.get_weights())
    mlp = _build(sub, "subclass", args)
    mlp.set_weights(functional.get_weights())
    last = _build(sub, "sequential", args)
    last.set_weights(mlp.get_weights())
    return {
        "functional": _outputs(functional, x),
        "subclass": _outputs(mlp, x),
        "sequential": _outputs(last, x),
    }


def kinds(sub: Any) -> dict[str, Any]:
    sequential = sub.build_sequential()
    functional = sub.build_functional()
    mlp_class = sub.MLP
    return {
        "sequential_class": type(sequential).__name__,
        "sequential_is_sequential": isinstance(sequential, keras.Sequential),
        "functional_class": type(functional).__name__,
        "functional_is_sequential": isinstance(functional, keras.Sequential),
        "functional_inputs": len(getattr(functional, "inputs", None) or []),
        "mlp_is_model": isinstance(mlp_class, type) and issubclass(mlp_class, keras.Model),
        "mlp_own_call": getattr(mlp_class, "call", None) is not keras.Model.call,
    }


def fit_step(
    sub: Any, *, api: str, args: dict[str, Any], weights: list[np.ndarray], x: np.ndarray,
    y: np.ndarray, learning_rate: float,
) -> list[np.ndarray]:
    model = _build(sub, api, args)
    model.set_weights(weights)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate), loss="mean_squared_error")
    model.fit(x, y, batch_size=len(x), epochs=1, shuffle=False, verbose=0)
    return [np.asarray(w) for w in model.get_weights()]


def keras_file(
    sub: Any, *, api: str, args: dict[str, Any], weights: list[np.ndarray], x: np.ndarray
) -> dict[str, Any]:
    """Save as .keras, send the file's bytes, and load that file in safe mode."""
    model = _build(sub, api, args)
    model.set_weights(weights)
    data = save_to_bytes(model)
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "model.keras")
    with open(path, "wb") as handle:
        handle.write(data.tobytes())
    loaded = keras.saving.load_model(path)  # safe_mode=True, the default
    return {"file": data, "reloaded": _predict(loaded, x)}


def config_round_trip(
    sub: Any, *, args: dict[str, Any], weights: list[np.ndarray], x: np.ndarray
) -> np.ndarray:
    """MLP.from_config(json(mlp.get_config())), given the test's weights."""
    mlp = _build(sub, "subclass", args)
    config = mlp.get_config()
    try:
        text = json.dumps(config)
    except (TypeError, ValueError) as exc:
        raise ProbeResultError(f"q30: MLP.get_config() is not plain JSON: {exc}") from None
    rebuilt = type(mlp).from_config(json.loads(text))
    rebuilt(np.zeros((1, args["input_dim"]), dtype="float32"))
    rebuilt.set_weights(weights)
    return _outputs(rebuilt, x)

"""Worker-side half of q8's hidden tests: build members from the test's weights, call the
learner's ensemble functions, return raw outputs. Oracles and verdicts live in the tests."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from grader.errors import ProbeResultError


def _array(value: Any, what: str) -> np.ndarray:
    try:
        array = np.asarray(value)
        if array.dtype.kind not in "biuf":
            array = array.astype(np.float64)
    except (TypeError, ValueError):
        raise ProbeResultError(f"q8: {what} returned {type(value).__name__}") from None
    return array


def _members(members: list[dict[str, Any]]) -> list[keras.Model]:
    """One Dense layer per member, holding the weights the test chose."""
    models = []
    for spec in members:
        kernel, bias = np.asarray(spec["w"], "float32"), np.asarray(spec["b"], "float32")
        model = keras.Sequential([keras.Input((kernel.shape[0],)),
                                  keras.layers.Dense(kernel.shape[1],
                                                     activation=spec["activation"])])
        model.set_weights([kernel, bias])
        models.append(model)
    return models


def _assign(model: Any, weights: list[np.ndarray]) -> None:
    shapes = [tuple(w.shape) for w in model.get_weights()]
    expected = [tuple(w.shape) for w in weights]
    if shapes != expected:
        raise ProbeResultError(f"q8: create_model should hold the seed's MLP weights {expected}; "
                               f"it holds {shapes}")
    model.set_weights(weights)


def mlp_forward(
    sub: Any, *, model_seed: int, weights: list[np.ndarray], x: np.ndarray
) -> np.ndarray:
    model = sub.create_model(model_seed)
    _assign(model, weights)
    return _array(model(x, training=False), "create_model(seed)(x)")


def mlp_evaluate(
    sub: Any, *, model_seed: int, weights: list[np.ndarray], x: np.ndarray, y: np.ndarray
) -> dict[str, float]:
    """Evaluate with the loss and metrics create_model compiled in."""
    model = sub.create_model(model_seed)
    _assign(model, weights)
    results = model.evaluate(x, y, batch_size=len(x), verbose=0, return_dict=True)
    return {str(name): float(value) for name, value in results.items()}


def initial_weights(sub: Any, *, runs: list[list[int]], draws: int = 3) -> list[np.ndarray]:
    """create_model(seed) under each global random state: all its weights, flattened."""
    out = []
    for seed, state in runs:
        keras.utils.set_random_seed(state)
        for _ in range(state % draws):  # move the global generators on a little
            keras.random.uniform((4,))
            np.random.uniform(size=4)
        weights = sub.create_model(seed).get_weights()
        out.append(np.concatenate([np.ravel(w) for w in weights]).astype(np.float64))
    return out


def predictions(
    sub: Any, *, members: list[dict[str, Any]], x: np.ndarray, how: str
) -> np.ndarray:
    function = {"mean": sub.ensemble_predict, "vote": sub.voting_predict}[how]
    return _array(function(_members(members), x), f"{function.__name__}(models, x)")


def ensemble_model(sub: Any, *, members: list[dict[str, Any]], x: np.ndarray) -> dict[str, Any]:
    models = _members(members)
    model = sub.build_ensemble_model(models, tuple(x.shape[1:]))
    outputs = _array(model.predict(x, verbose=0), "build_ensemble_model(...).predict(x)")
    return {"outputs": outputs,
            "member_weights": [[np.asarray(w) for w in m.get_weights()] for m in models]}

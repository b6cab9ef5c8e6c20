"""Worker-side half of q1's hidden tests: build, call and train the learner's CNN.

Probes run next to the learner's code and return raw results (probabilities, loss values,
predictions); the tests compute every verdict in the grading process.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from grader.errors import ProbeResultError


def _array(value: Any, what: str) -> np.ndarray:
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ProbeResultError(f"q1: {what} returned {type(value).__name__}") from None


def _infer(model: Any, x: np.ndarray) -> np.ndarray:
    """The model called directly in inference mode (cheaper than tracing `predict`)."""
    return _array(model(x, training=False), "the model called with training=False")


def _model(sub: Any, input_shape: list[int], num_classes: int) -> Any:
    model = sub.build_cnn(input_shape=tuple(input_shape), num_classes=num_classes)
    if not isinstance(model, keras.Model):
        raise ProbeResultError(f"q1: build_cnn returned {type(model).__name__}, not a keras.Model")
    return model


def outputs(sub: Any, *, cases: list[dict[str, Any]]) -> list[np.ndarray]:
    """For each case: build_cnn(input_shape, num_classes), called on case["x"]."""
    results = []
    for case in cases:
        model = _model(sub, case["input_shape"], case["num_classes"])
        results.append(_infer(model, case["x"]))
    return results


def compiled_loss(sub: Any, *, y: np.ndarray, p: np.ndarray) -> float:
    """The loss the model was compiled with, evaluated on labels and probabilities sent by
    the test (not on the model's own outputs)."""
    model = _model(sub, [8, 8, 1], p.shape[-1])
    loss = getattr(model, "loss", None)
    if loss is None:
        raise ProbeResultError("q1: the model has no loss: build_cnn must return a compiled model")
    if isinstance(loss, (list, tuple)) and len(loss) == 1:
        loss = loss[0]
    function = keras.losses.get(loss) if isinstance(loss, (str, dict)) else loss
    return float(np.mean(_array(function(y, p), "the compiled loss")))


def compile_settings(sub: Any, *, x: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    """The optimizer's class and the names `evaluate` reports (the worker's word: a claim)."""
    model = _model(sub, list(x.shape[1:]), 10)
    optimizer = getattr(model, "optimizer", None)
    results = model.evaluate(x, y, verbose=0, return_dict=True)
    return {
        "optimizer": type(optimizer).__name__,
        "is_adam": isinstance(optimizer, keras.optimizers.Adam),
        "metric_names": sorted(str(name) for name in results),
    }


def _all_layers(model: Any) -> list[Any]:
    flatten = getattr(model, "_flatten_layers", None)
    if flatten is not None:
        return list(flatten(include_self=False, recursive=True))
    found, stack = [], list(getattr(model, "layers", []))
    while stack:
        layer = stack.pop()
        found.append(layer)
        stack.extend(getattr(layer, "layers", []))
    return found


def layer_kinds(sub: Any, *, input_shape: list[int]) -> dict[str, bool]:
    """Which required kinds of layer the model holds, subclasses included (a claim)."""
    model = _model(sub, input_shape, 10)
    kinds = {
        "Conv2D": keras.layers.Conv2D,
        "BatchNormalization": keras.layers.BatchNormalization,
        "MaxPooling2D": keras.layers.MaxPooling2D,
        "Dropout": keras.layers.Dropout,
    }
    layers = _all_layers(model)
    return {name: any(isinstance(layer, cls) for layer in layers) for name, cls in kinds.items()}


def train_and_predict(
    sub: Any, *, x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray, epochs: int,
    batch_size: int,
) -> list[np.ndarray]:
    """Train with the model's own compile; return predictions on the unlabelled held-out
    images after each epoch."""
    model = _model(sub, list(x_train.shape[1:]), 10)
    predictions = []
    for _ in range(epochs):
        model.fit(x_train, y_train, epochs=1, batch_size=batch_size, verbose=0)
        predictions.append(_infer(model, x_test))
    return predictions

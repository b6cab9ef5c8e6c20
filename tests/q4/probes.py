"""Worker-side half of q4's hidden tests: run the learner's loop on small models.

Models here are logistic regressions (one Dense unit, sigmoid) with weights the test gives,
so the grading process can compute every expected update and history in NumPy.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import tensorflow as tf

from grader.errors import ProbeResultError


def _logistic(w: np.ndarray, b: np.ndarray, regularizer: Any = None) -> keras.Model:
    model = keras.Sequential([
        keras.Input((w.shape[0],)),
        keras.layers.Dense(1, activation="sigmoid", kernel_regularizer=regularizer),
    ])
    model.set_weights([w, b])
    return model


def _scalar(value: Any, what: str) -> float:
    array = np.asarray(value, dtype=np.float64)
    if array.size != 1:
        raise ProbeResultError(f"q4: {what} returned shape {array.shape}; expected a scalar loss")
    return float(array.reshape(()))


def one_step(
    sub: Any, *, w: np.ndarray, b: np.ndarray, x: np.ndarray, y: np.ndarray, lr: float,
    l2: float = 0.0,
) -> dict[str, Any]:
    model = _logistic(w, b, keras.regularizers.L2(l2) if l2 else None)
    metric = keras.metrics.BinaryAccuracy()
    loss = sub.train_step(model, keras.optimizers.SGD(lr), keras.losses.BinaryCrossentropy(),
                          x, y, [metric])
    kernel, bias = model.get_weights()
    return {"loss": _scalar(loss, "train_step"), "w": kernel, "b": bias,
            "accuracy": float(metric.result())}


def evaluation(sub: Any, *, w: np.ndarray, b: np.ndarray, x: np.ndarray, y: np.ndarray):
    model = _logistic(w, b)
    metric = keras.metrics.BinaryAccuracy()
    loss = sub.test_step(model, keras.losses.BinaryCrossentropy(), x, y, [metric])
    return {"loss": _scalar(loss, "test_step"), "accuracy": float(metric.result()),
            "w": model.get_weights()[0]}


class ModeScale(keras.layers.Layer):
    """Doubles its input in training mode and passes it through otherwise, so the flag a
    model is called with shows in the numbers the grading process checks."""

    def call(self, inputs: Any, training: Any = None) -> Any:
        return inputs * (2.0 if training else 1.0)


def training_mode(
    sub: Any, *, w: np.ndarray, b: np.ndarray, x: np.ndarray, y: np.ndarray, lr: float
) -> dict[str, Any]:
    model = keras.Sequential([keras.Input((x.shape[1],)), ModeScale(),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.set_weights([w, b])
    loss_fn = keras.losses.BinaryCrossentropy()
    train_loss = sub.train_step(model, keras.optimizers.SGD(lr), loss_fn, x, y)
    kernel, bias = model.get_weights()
    test_loss = sub.test_step(model, loss_fn, x, y)
    return {"train_loss": _scalar(train_loss, "train_step"), "w": kernel, "b": bias,
            "test_loss": _scalar(test_loss, "test_step")}


def frozen_layer(
    sub: Any, *, weights: list[np.ndarray], x: np.ndarray, y: np.ndarray, lr: float
) -> dict[str, Any]:
    model = keras.Sequential([keras.Input((x.shape[1],)),
                              keras.layers.Dense(3, activation="tanh"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.set_weights(weights)
    model.layers[0].trainable = False
    sub.train_step(model, keras.optimizers.SGD(lr), keras.losses.BinaryCrossentropy(), x, y)
    return {"weights": model.get_weights()}


def _batches(x: np.ndarray, y: np.ndarray, size: int) -> tf.data.Dataset:
    return tf.data.Dataset.from_tensor_slices((x, y)).batch(size)


def history(
    sub: Any, *, w: np.ndarray, b: np.ndarray, x: np.ndarray, y: np.ndarray,
    x_val: np.ndarray, y_val: np.ndarray, lr: float, epochs: int, batch_size: int,
) -> dict[str, Any]:
    model = _logistic(w, b)
    got = sub.fit(model, _batches(x, y, batch_size), _batches(x_val, y_val, batch_size),
                  epochs, keras.optimizers.SGD(lr), keras.losses.BinaryCrossentropy())
    if not isinstance(got, dict):
        raise ProbeResultError(f"q4: fit returned {type(got).__name__}; expected a dict")
    return {str(k): [float(v) for v in values] for k, values in got.items()}


def wrapped_in_tf_function(
    sub: Any, *, weights: list[list[np.ndarray]], x: np.ndarray, y: np.ndarray, steps: int,
    lr: float,
) -> dict[str, Any]:
    """Fresh logistic models with Adam, one per weight set: eager steps, then the caller's
    tf.function steps."""
    out: dict[str, Any] = {}
    for mode in ("eager", "function"):
        for k, (w, b) in enumerate(weights):
            model = _logistic(w, b)
            optimizer = keras.optimizers.Adam(lr)
            loss_fn = keras.losses.BinaryCrossentropy()
            step = tf.function(sub.train_step) if mode == "function" else sub.train_step
            out[f"{mode}_{k}"] = [_scalar(step(model, optimizer, loss_fn, x, y), "train_step")
                                  for _ in range(steps)]
    return out


def two_fits(
    sub: Any, *, w: np.ndarray, b: np.ndarray, x: np.ndarray, y: np.ndarray, epochs: int,
    lr: float, batch_size: int,
) -> dict[str, Any]:
    """fit twice in one process, on two fresh logistic models with the same weights."""
    runs = []
    for _ in range(2):
        model = _logistic(w, b)
        runs.append(sub.fit(model, _batches(x, y, batch_size), _batches(x, y, batch_size),
                            epochs, keras.optimizers.Adam(lr), keras.losses.BinaryCrossentropy()))
    for run in runs:
        if not isinstance(run, dict) or "loss" not in run:
            raise ProbeResultError("q4: fit must return a dict with a 'loss' list")
    return {"first": [float(v) for v in runs[0]["loss"]],
            "second": [float(v) for v in runs[1]["loss"]]}


def converge(
    sub: Any, *, x: np.ndarray, y: np.ndarray, x_val: np.ndarray, y_val: np.ndarray,
    x_test: np.ndarray, epochs: int, init_seed: int,
) -> dict[str, Any]:
    """The seed's model (64-32-1 MLP, Adam 1e-3) trained by the learner's fit, one epoch at
    a time; returns predictions on unlabelled held-out data after each epoch."""
    keras.utils.set_random_seed(init_seed)
    model = keras.Sequential([keras.Input((x.shape[1],)),
                              keras.layers.Dense(64, activation="relu"),
                              keras.layers.Dense(32, activation="relu"),
                              keras.layers.Dense(1, activation="sigmoid")])
    optimizer = keras.optimizers.Adam(1e-3)
    predictions = []
    for _ in range(epochs):
        sub.fit(model, _batches(x, y, 32), _batches(x_val, y_val, 32), 1, optimizer,
                keras.losses.BinaryCrossentropy())
        predictions.append(np.asarray(model(x_test, training=False)))
    return {"test_predictions": predictions}

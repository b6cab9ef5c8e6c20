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


def training_flags(sub: Any, *, x: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    # A closure, not a layer attribute: Keras would copy a list assigned to a layer.
    seen: list[Any] = []

    class TrainingFlags(keras.layers.Layer):
        """Identity layer that records the `training` argument it is called with."""

        def call(self, inputs: Any, training: Any = None) -> Any:
            seen.append(None if training is None else bool(training))
            return inputs

    model = keras.Sequential([keras.Input((x.shape[1],)), TrainingFlags(),
                              keras.layers.Dense(1, activation="sigmoid")])
    loss_fn = keras.losses.BinaryCrossentropy()
    seen.clear()
    sub.train_step(model, keras.optimizers.SGD(0.1), loss_fn, x, y)
    in_train = list(seen)
    seen.clear()
    sub.test_step(model, loss_fn, x, y)
    return {"train": in_train, "test": list(seen)}


def frozen_layer(sub: Any, *, x: np.ndarray, y: np.ndarray) -> dict[str, Any]:
    model = keras.Sequential([keras.Input((x.shape[1],)),
                              keras.layers.Dense(3, activation="tanh"),
                              keras.layers.Dense(1, activation="sigmoid")])
    model.layers[0].trainable = False
    before = [np.array(w) for w in model.get_weights()]
    sub.train_step(model, keras.optimizers.SGD(0.5), keras.losses.BinaryCrossentropy(), x, y)
    after = model.get_weights()
    return {"frozen_before": before[0], "frozen_after": after[0],
            "head_before": before[2], "head_after": after[2]}


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
    sub: Any, *, x: np.ndarray, y: np.ndarray, steps: int
) -> dict[str, Any]:
    """Two fresh models with Adam: eager steps, then the caller's tf.function steps."""
    out: dict[str, Any] = {}
    for mode in ("eager", "function"):
        for k in range(2):
            keras.utils.set_random_seed(100 + k)
            model = keras.Sequential([keras.Input((x.shape[1],)),
                                      keras.layers.Dense(8, activation="relu"),
                                      keras.layers.Dense(1, activation="sigmoid")])
            optimizer = keras.optimizers.Adam(0.01)
            loss_fn = keras.losses.BinaryCrossentropy()
            step = tf.function(sub.train_step) if mode == "function" else sub.train_step
            out[f"{mode}_{k}"] = [_scalar(step(model, optimizer, loss_fn, x, y), "train_step")
                                  for _ in range(steps)]
    return out


def two_fits(sub: Any, *, x: np.ndarray, y: np.ndarray, epochs: int) -> dict[str, Any]:
    """fit twice in one process, on two fresh, identically initialised models."""
    runs = []
    for _ in range(2):
        keras.utils.set_random_seed(7)
        model = keras.Sequential([keras.Input((x.shape[1],)),
                                  keras.layers.Dense(8, activation="relu"),
                                  keras.layers.Dense(1, activation="sigmoid")])
        runs.append(sub.fit(model, _batches(x, y, 16), _batches(x, y, 16), epochs,
                            keras.optimizers.Adam(0.01), keras.losses.BinaryCrossentropy()))
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

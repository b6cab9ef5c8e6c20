"""Worker-side half of q11's hidden tests: build and drive the learner's model and callback.

Probes set the weights the test sends (by position in `model.weights`) and return raw
outputs, penalties, gradients and saved files; the tests compute every expected value.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import tensorflow as tf

from grader.errors import ProbeResultError
from grader.probing import every_epoch, save_and_reload, save_to_bytes


def _build(sub: Any, input_dim: int, num_classes: int, l2: float, dropout: float) -> Any:
    return sub.build_regularized_mlp(input_dim, num_classes, l2=l2, dropout=dropout)


def _assign(model: Any, values: list[Any]) -> None:
    if len(values) != len(model.weights):
        raise ProbeResultError(
            f"q11: the model has {len(model.weights)} weights; the test prepared {len(values)}"
        )
    for variable, value in zip(model.weights, values, strict=True):
        if value is not None:
            variable.assign(np.asarray(value, dtype=variable.dtype))


def _array(value: Any, what: str) -> np.ndarray:
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ProbeResultError(f"q11: {what} returned {type(value).__name__}") from None


def _penalty(model: Any) -> Any:
    losses = list(model.losses)
    if not losses:
        return tf.constant(0.0)
    return tf.add_n([tf.cast(tf.reduce_sum(loss), tf.float32) for loss in losses])


def describe(
    sub: Any, *, input_dim: int, num_classes: int, l2: float, dropout: float, x: np.ndarray
) -> dict[str, Any]:
    model = _build(sub, input_dim, num_classes, l2, dropout)
    weights = [{"shape": list(w.shape), "dtype": str(w.dtype)} for w in model.weights]
    return {"weights": weights, "probs": _array(model(x, training=False), "the model")}


def penalty(
    sub: Any, *, input_dim: int, num_classes: int, l2: float, dropout: float,
    values: list[Any],
) -> dict[str, Any]:
    model = _build(sub, input_dim, num_classes, l2, dropout)
    _assign(model, values)
    with tf.GradientTape() as tape:
        total = _penalty(model)
    grads = tape.gradient(total, model.weights)
    return {
        "penalty": float(total),
        "count": len(model.losses),
        "gradients": [np.zeros(w.shape) if g is None else np.asarray(g, dtype=np.float64)
                      for w, g in zip(model.weights, grads, strict=True)],
    }


def forward(
    sub: Any, *, input_dim: int, num_classes: int, l2: float, dropout: float,
    values: list[Any], x: np.ndarray,
) -> dict[str, Any]:
    model = _build(sub, input_dim, num_classes, l2, dropout)
    _assign(model, values)
    out = {
        "file": save_to_bytes(model),
        "call_false": _array(model(x, training=False), "model(x, training=False)"),
        "call_default": _array(model(x), "model(x)"),
        "predict": _array(model.predict(x, verbose=0), "model.predict(x)"),
    }
    # Training-mode calls last: they may update BatchNormalization statistics.
    out["train_1"] = _array(model(x, training=True), "model(x, training=True)")
    out["train_2"] = _array(model(x, training=True), "model(x, training=True)")
    return out


def dropout_layers(
    sub: Any, *, input_dim: int, num_classes: int, l2: float, dropout: float
) -> list[dict[str, Any]]:
    model = _build(sub, input_dim, num_classes, l2, dropout)
    return [
        {"class": type(layer).__name__, "rate": float(layer.rate)}
        for layer in model._flatten_layers(include_self=False, recursive=True)
        if isinstance(layer, keras.layers.Dropout)
    ]


def round_trip(
    sub: Any, *, input_dim: int, num_classes: int, l2: float, dropout: float,
    values: list[Any], x: np.ndarray,
) -> dict[str, Any]:
    model = _build(sub, input_dim, num_classes, l2, dropout)
    _assign(model, values)
    data = save_to_bytes(model)
    loaded = save_and_reload(model)
    return {
        "file": data,
        "outputs": _array(loaded(x, training=False), "the reloaded model"),
        "penalty": float(_penalty(loaded)),
    }


class _ScriptedValLoss(keras.callbacks.Callback):
    """Overwrites `logs["val_loss"]` with the test's script; callbacks after it see it."""

    def __init__(self, values: list[float]) -> None:
        super().__init__()
        self.values = list(values)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if logs is not None:
            logs["val_loss"] = float(self.values[epoch])


def early_stop_run(
    sub: Any, *, w0: np.ndarray, x: np.ndarray, y: np.ndarray, lr: float,
    val_losses: list[float], patience: int | None = None,
) -> dict[str, Any]:
    """A linear model trained by full-batch SGD (replayable), with a scripted val_loss."""
    model = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(1, use_bias=False)])
    model.set_weights([w0])
    model.compile(optimizer=keras.optimizers.SGD(lr), loss="mse")
    callback = sub.early_stopping() if patience is None else sub.early_stopping(patience=patience)
    history = model.fit(
        x, y, batch_size=len(x), epochs=len(val_losses), shuffle=False, verbose=0,
        validation_data=(x, y), callbacks=[_ScriptedValLoss(val_losses), callback],
    )
    return {"epochs_run": len(history.history["loss"]), "kernel": model.get_weights()[0]}


def converge(
    sub: Any, *, x: np.ndarray, y: np.ndarray, x_test: np.ndarray, num_classes: int,
    epochs: int, batch_size: int, init_seed: int,
) -> dict[str, Any]:
    """Train the model as returned (its own compile); predict unlabelled held-out data after
    training and after each earlier epoch (for the feedback's curve)."""
    keras.utils.set_random_seed(init_seed)
    model = sub.build_regularized_mlp(x.shape[1], num_classes)  # the default l2 and dropout
    epoch_ends = every_epoch(
        lambda: np.asarray(model(x_test, training=False), np.float32), epochs)
    model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0, callbacks=[epoch_ends])
    return {"probabilities": _array(model.predict(x_test, verbose=0), "model.predict"),
            "per_epoch": epoch_ends.outputs}

"""Worker-side half of q15's hidden tests: evaluate the learner's focal loss, return data."""

from __future__ import annotations

import json
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from grader.errors import ProbeResultError
from grader.probing import every_epoch, save_and_reload, save_to_bytes


def _array(value: Any, what: str) -> np.ndarray:
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        kind = type(value).__name__
        raise ProbeResultError(f"q15: {what} returned {kind}, not a tensor") from None


def per_sample(sub: Any, *, y: np.ndarray, p: np.ndarray, gamma: float, alpha: float) -> Any:
    return _array(sub.binary_focal_loss(y, p, gamma=gamma, alpha=alpha), "binary_focal_loss")


def per_sample_or_error(
    sub: Any, *, y: np.ndarray, p: np.ndarray, gamma: float, alpha: float
) -> dict[str, Any]:
    """The per-sample values, or the type and message of the exception the loss raised."""
    try:
        value = sub.binary_focal_loss(y, p, gamma=gamma, alpha=alpha)
    except NotImplementedError:
        raise
    except Exception as exc:  # noqa: BLE001 - the test judges the error, not the probe
        return {"error": type(exc).__name__, "message": str(exc)[:2000]}
    return {"value": _array(value, "binary_focal_loss")}


def loss_object(
    sub: Any, *, config: dict[str, Any], y: np.ndarray, p: np.ndarray,
    sample_weight: np.ndarray | None = None,
) -> dict[str, Any]:
    loss = sub.FocalLoss(**config)
    value = loss(y, p, sample_weight=sample_weight)
    return {"value": _array(value, "FocalLoss"), "name": str(loss.name)}


def gradient(sub: Any, *, y: np.ndarray, p: np.ndarray, gamma: float, alpha: float) -> Any:
    var = tf.Variable(p)
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(tf.cast(sub.binary_focal_loss(y, var, gamma=gamma, alpha=alpha),
                                      tf.float64))
    grad = tape.gradient(total, var)
    if grad is None:
        raise ProbeResultError("q15: no gradient flows from the loss back to y_pred")
    return np.asarray(grad)


def extremes(sub: Any, *, y: np.ndarray, p: np.ndarray, logits: np.ndarray) -> dict[str, Any]:
    pv = tf.Variable(p)
    lv = tf.Variable(logits)
    with tf.GradientTape(persistent=True) as tape:
        from_probs = sub.binary_focal_loss(y, pv)
        from_logits = sub.FocalLoss(from_logits=True, reduction=None)(y, lv)
    grads = [tape.gradient(tf.reduce_sum(v), var)
             for v, var in ((from_probs, pv), (from_logits, lv))]
    return {
        "from_probs": _array(from_probs, "binary_focal_loss"),
        "from_logits": _array(from_logits, "FocalLoss(from_logits=True)"),
        "grad_probs": np.zeros_like(p) if grads[0] is None else np.asarray(grads[0]),
        "grad_logits": np.zeros_like(logits) if grads[1] is None else np.asarray(grads[1]),
    }


def config_round_trip(
    sub: Any, *, config: dict[str, Any], y: np.ndarray, p: np.ndarray
) -> dict[str, Any]:
    loss = sub.FocalLoss(**config)
    saved = loss.get_config()
    try:
        text = json.dumps(saved)
    except (TypeError, ValueError) as exc:
        return {"json_error": str(exc)}
    rebuilt = type(loss).from_config(json.loads(text))
    return {
        "config": json.loads(text),
        "original": _array(loss(y, p), "FocalLoss"),
        "rebuilt": _array(rebuilt(y, p), "FocalLoss.from_config(...)"),
    }


def keras_round_trip(
    sub: Any, *, x: np.ndarray, y: np.ndarray, w: np.ndarray, b: np.ndarray
) -> dict[str, Any]:
    """Compile with the learner's loss, save, reload; the grading process reads the file."""
    model = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(1, "sigmoid")])
    model.set_weights([w, b])
    model.compile(optimizer="adam", loss=sub.FocalLoss(gamma=3.0, alpha=0.4))
    model.optimizer.build(model.trainable_variables)  # saved with its state, as after fit
    archive = save_to_bytes(model)
    loaded = save_and_reload(model)
    return {"archive": archive, "after": float(loaded.evaluate(x, y, verbose=0))}


def skewed_training(
    sub: Any, *, x: np.ndarray, y: np.ndarray, x_eval: np.ndarray, alpha: float, epochs: int,
    train_seed: int,
) -> dict[str, Any]:
    """Train the same logistic model with BCE and with focal loss; predict on x_eval after
    training and after each earlier epoch (for the feedback's curve: "per_epoch", one
    {"bce": ..., "focal": ...} per epoch)."""
    predictions: dict[str, Any] = {}
    per_epoch = {}
    for name, loss in (("bce", "binary_crossentropy"),
                       ("focal", sub.FocalLoss(gamma=2.0, alpha=alpha))):
        keras.utils.set_random_seed(train_seed)
        model = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(1, "sigmoid")])
        model.compile(optimizer=keras.optimizers.Adam(0.05), loss=loss)
        epoch_ends = every_epoch(
            lambda model=model: np.asarray(model(x_eval, training=False), np.float32).reshape(-1),
            epochs)
        model.fit(x, y, epochs=epochs, batch_size=64, verbose=0, callbacks=[epoch_ends])
        predictions[name] = np.asarray(model.predict(x_eval, verbose=0)).reshape(-1)
        per_epoch[name] = epoch_ends.outputs
    bce, focal = per_epoch["bce"], per_epoch["focal"]
    predictions["per_epoch"] = None if bce is None or focal is None else [
        {"bce": a, "focal": b} for a, b in zip(bce, focal, strict=True)]
    return predictions

"""Worker-side half of q13's hidden tests.

The base model stands in for an ImageNet network (nothing is downloaded): a Sequential of
Conv2D + BatchNormalization blocks on 8x8x1 images whose every weight, BatchNormalization
statistics included, is sent by the test. Probes return the transfer model's weights after
training, its outputs and gradients; the tests compare them with what they sent.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import tensorflow as tf

from grader.errors import ProbeResultError
from grader.probing import every_epoch


def build_base(widths: list[int], strides: list[int], weights: list[np.ndarray]) -> Any:
    """Conv2D(w, 3, strides=s, same, relu) -> BatchNormalization, per block: 4-D output."""
    blocks: list[Any] = [keras.Input((8, 8, 1))]
    for width, stride in zip(widths, strides, strict=True):
        blocks += [keras.layers.Conv2D(width, 3, strides=stride, padding="same",
                                       activation="relu"),
                   keras.layers.BatchNormalization()]
    base = keras.Sequential(blocks, name="pretrained_base")
    base.set_weights(weights)
    return base


def _array(value: Any, what: str) -> np.ndarray:
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ProbeResultError(f"q13: {what} returned {type(value).__name__}") from None


def _model(sub: Any, widths, strides, weights, num_classes: int) -> Any:
    return sub.build_transfer_model(build_base(widths, strides, weights), num_classes)


def _all_weights(model: Any) -> list[np.ndarray]:
    return [np.asarray(w) for w in model.weights]


def _fit_eagerly(model: Any, x: np.ndarray, y: np.ndarray, batch_size: int, epochs: int = 1):
    """fit with the model's own compile, run eagerly: the same updates, without the second
    of tracing that a graph costs for a few steps on a tiny model."""
    model.run_eagerly = True
    model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)


def outputs(
    sub: Any, *, widths: list[int], strides: list[int], weights: list[np.ndarray],
    num_classes: int, x: np.ndarray,
) -> dict[str, Any]:
    model = _model(sub, widths, strides, weights, num_classes)
    return {"call": _array(model(x), "the transfer model")}


def _head_weights(model: Any, base: Any) -> list[Any]:
    """The model's weights that are not the base's own variables (the new head). A
    subclassed model creates its head's weights on its first call, so call it once."""
    model(np.zeros((1, *base.inputs[0].shape[1:]), "float32"))
    own = {id(v) for v in base.weights}
    return [w for w in model.weights if id(w) not in own]


def head_shapes(
    sub: Any, *, widths: list[int], strides: list[int], weights: list[np.ndarray],
    num_classes: int,
) -> list[list[int]]:
    base = build_base(widths, strides, weights)
    model = sub.build_transfer_model(base, num_classes)
    return [list(w.shape) for w in _head_weights(model, base)]


def frozen_fit(
    sub: Any, *, widths: list[int], strides: list[int], weights: list[np.ndarray],
    head: list[np.ndarray], num_classes: int, x: np.ndarray, y: np.ndarray, epochs: int,
    batch_size: int,
) -> dict[str, Any]:
    """Set the head to the test's values, fit with the model's own compile, and return
    every weight of the model afterwards."""
    base = build_base(widths, strides, weights)
    model = sub.build_transfer_model(base, num_classes)
    targets = _head_weights(model, base)
    if [list(w.shape) for w in targets] != [list(h.shape) for h in head]:
        raise ProbeResultError("q13: the model's head changed shape between two builds")
    for variable, value in zip(targets, head, strict=True):
        variable.assign(value)
    _fit_eagerly(model, x, y, batch_size, epochs)
    return {"weights": _all_weights(model)}


def unfreeze_fit(
    sub: Any, *, widths: list[int], strides: list[int], weights: list[np.ndarray],
    num_classes: int, x: np.ndarray, y: np.ndarray, n: int, batch_size: int,
) -> dict[str, Any]:
    """Train the head (one epoch), unfreeze the top n layers, train one more epoch."""
    model = _model(sub, widths, strides, weights, num_classes)
    _fit_eagerly(model, x, y, batch_size)
    sub.unfreeze_top(model, n)
    _fit_eagerly(model, x, y, batch_size)
    return {"weights": _all_weights(model)}


def after_unfreeze(
    sub: Any, *, widths: list[int], strides: list[int], weights: list[np.ndarray],
    num_classes: int, x: np.ndarray, y: np.ndarray, n: int, learning_rate: float,
) -> dict[str, Any]:
    """Train the head one step, then call unfreeze_top twice: with `learning_rate`, then
    with the default rate. Reports the trainable weights (values) and each optimizer rate."""
    model = _model(sub, widths, strides, weights, num_classes)
    _fit_eagerly(model, x, y, len(x))
    sub.unfreeze_top(model, n, learning_rate=learning_rate)
    out = {"trainable": [np.asarray(w) for w in model.trainable_weights],
           "learning_rate": _rate(model)}
    sub.unfreeze_top(model, n)
    out["default_learning_rate"] = _rate(model)
    return out


def _rate(model: Any) -> float | None:
    rate = getattr(getattr(model, "optimizer", None), "learning_rate", None)
    return None if rate is None else float(np.asarray(rate))


def gradients_after_unfreeze(
    sub: Any, *, widths: list[int], strides: list[int], weights: list[np.ndarray],
    num_classes: int, x: np.ndarray, y: np.ndarray, n: int,
) -> dict[str, Any]:
    """The gradient of the cross-entropy with respect to each trainable weight after
    unfreeze_top(model, n), with the weights' values so the test can tell which is which."""
    model = _model(sub, widths, strides, weights, num_classes)
    sub.unfreeze_top(model, n)
    trainable = list(model.trainable_weights)
    with tf.GradientTape() as tape:
        probs = model(x, training=True)
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, probs))
    grads = tape.gradient(loss, trainable)
    return {
        "trainable": [np.asarray(w) for w in trainable],
        "gradients": [np.zeros(w.shape) if g is None else np.asarray(g, dtype=np.float64)
                      for w, g in zip(trainable, grads, strict=True)],
    }


def converge(
    sub: Any, *, widths: list[int], strides: list[int], weights: list[np.ndarray],
    num_classes: int, x: np.ndarray, y: np.ndarray, x_test: np.ndarray, epochs: int,
    batch_size: int, init_seed: int,
) -> dict[str, Any]:
    """Train the model as returned (its own compile); predict unlabelled held-out images after
    training and after each earlier epoch (for the feedback's curve)."""
    keras.utils.set_random_seed(init_seed)
    model = _model(sub, widths, strides, weights, num_classes)
    epoch_ends = every_epoch(
        lambda: np.asarray(model(x_test, training=False), np.float32), epochs)
    model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0, callbacks=[epoch_ends])
    return {"probabilities": _array(model.predict(x_test, verbose=0), "model.predict"),
            "per_epoch": epoch_ends.outputs}

"""Worker-side half of q9's hidden tests: drive the learner's attention code, return data.

Probes compute no verdicts. The tests first ask for the shapes of `AttentionPooling`'s
weights, then send values for every weight (in `layer.weights` order) and the inputs, so
the grading process knows everything that went in and computes what must come out.
"""

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
        raise ProbeResultError(
            f"q9: {what} returned {type(value).__name__}, not one tensor") from None


def _pair(value: Any, what: str) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ProbeResultError(
            f"q9: {what} returned {type(value).__name__}; expected a (context, scores) pair")
    return _array(value[0], f"{what}[0]"), _array(value[1], f"{what}[1]")


def _assign(layer: Any, weights: list[np.ndarray]) -> None:
    shapes = [tuple(w.shape) for w in layer.weights]
    if len(weights) != len(shapes):
        raise ProbeResultError(f"q9: AttentionPooling now holds weights {shapes}, "
                               f"not the {len(weights)} it reported before")
    layer.set_weights([np.asarray(w, "float32") for w in weights])


def _built_layer(sub: Any, units: int, x: np.ndarray, weights: list[np.ndarray] | None) -> Any:
    layer = sub.AttentionPooling(units)
    layer(x[:1])  # the first call builds the weights (sublayers included)
    if weights is not None:
        _assign(layer, weights)
    return layer


def pooling_shapes(sub: Any, *, units: int, features: int) -> list[list[int]]:
    layer = _built_layer(sub, units, np.zeros((1, 3, features), "float32"), None)
    return [[int(d) for d in w.shape] for w in layer.weights]


def pool(
    sub: Any, *, units: int, weights: list[np.ndarray], inputs: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """One layer, built on the first input; each input is `{"x": ..., "mask": ... or None}`."""
    layer = _built_layer(sub, units, inputs[0]["x"], weights)
    results = []
    for item in inputs:
        x, mask = item["x"], item.get("mask")
        context, scores = _pair(layer(x, mask=mask, return_attention_scores=True),
                                "AttentionPooling(...)(x, mask, return_attention_scores=True)")
        plain = _array(layer(x, mask=mask), "AttentionPooling(...)(x, mask)")
        results.append({"context": context, "scores": scores, "plain": plain})
    return results


def gradients(
    sub: Any, *, units: int, weights: list[np.ndarray], x: np.ndarray, cotangent: np.ndarray
) -> dict[str, Any]:
    """Gradients of sum(cotangent * context) w.r.t. every weight, in `layer.weights` order."""
    layer = _built_layer(sub, units, x, weights)
    with tf.GradientTape() as tape:
        context, scores = layer(x, return_attention_scores=True)
        objective = tf.reduce_sum(tf.cast(context, tf.float64) * cotangent)
    grads = tape.gradient(objective, layer.weights)
    return {
        "context": _array(context, "AttentionPooling(...)(x)"),
        "scores": _array(scores, "AttentionPooling(...)(x)"),
        "grads": [np.zeros(w.shape) if g is None else _array(g, "a gradient")
                  for g, w in zip(grads, layer.weights, strict=True)],
        "missing": [g is None for g in grads],
    }


def config_round_trip(
    sub: Any, *, units: int, weights: list[np.ndarray], x: np.ndarray
) -> dict[str, Any]:
    """from_config(get_config()) through JSON; the rebuilt layer gets the test's weights."""
    layer = _built_layer(sub, units, x, None)
    config = json.loads(json.dumps(layer.get_config()))
    rebuilt = type(layer).from_config(config)
    rebuilt(x[:1])
    _assign(rebuilt, weights)
    return {"rebuilt": _pair(rebuilt(x, return_attention_scores=True),
                             "the rebuilt layer")}


def keras_round_trip(
    sub: Any, *, units: int, weights: list[np.ndarray], x: np.ndarray
) -> dict[str, Any]:
    """A model `Input((None, F)) -> AttentionPooling` with the test's weights, saved and
    reloaded in safe mode; returns the file and the reloaded model's outputs."""
    inputs = keras.Input(shape=(None, x.shape[-1]))
    layer = sub.AttentionPooling(units)
    model = keras.Model(inputs, layer(inputs))
    _assign(layer, weights)
    data = save_to_bytes(model)
    loaded = save_and_reload(model)
    return {"file": data, "reloaded": _array(loaded(x), "the reloaded model")}


def classifier_outputs(
    sub: Any, *, vocab_size: int, max_length: int, tokens: np.ndarray
) -> dict[str, Any]:
    model = sub.build_attention_classifier(vocab_size, max_length)
    found = [type(layer).__name__ for layer in model._flatten_layers(include_self=False)
             if isinstance(layer, keras.layers.MultiHeadAttention)]
    return {"probabilities": _array(model(tokens), "build_attention_classifier(...)(tokens)"),
            "multi_head_attention_layers": found}


def train_classifier(
    sub: Any, *, vocab_size: int, max_length: int, x: np.ndarray, y: np.ndarray,
    x_eval: np.ndarray, epochs: int, learning_rate: float, init_seed: int,
) -> dict[str, Any]:
    """Fit the learner's classifier (recompiled: Adam, binary cross-entropy); predict x_eval
    after training and after each earlier epoch (for the feedback's curve)."""
    keras.utils.set_random_seed(init_seed)
    model = sub.build_attention_classifier(vocab_size, max_length)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="binary_crossentropy")
    epoch_ends = every_epoch(
        lambda: np.asarray(model(x_eval, training=False), np.float32).reshape(-1), epochs)
    model.fit(x, y, epochs=epochs, batch_size=32, verbose=0, callbacks=[epoch_ends])
    probabilities = _array(model.predict(x_eval, verbose=0), "the trained classifier")
    return {"probabilities": probabilities.reshape(-1), "per_epoch": epoch_ends.outputs}

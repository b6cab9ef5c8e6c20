"""Worker-side half of q7's hidden tests: build, call and train the learner's network."""

from __future__ import annotations

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
        raise ProbeResultError(f"q7: {what} returned {type(value).__name__}") from None


def encoder(sub: Any, *, x: np.ndarray, embedding_dim: int) -> dict[str, Any]:
    model = sub.build_encoder(tuple(x.shape[1:]), embedding_dim=embedding_dim)
    return {"embedding": _array(model(x), "build_encoder(...)(x)"),
            "params": int(model.count_params())}


def siamese(sub: Any, *, a: np.ndarray, b: np.ndarray) -> dict[str, Any]:
    model = sub.build_siamese(tuple(a.shape[1:]))
    reference = sub.build_encoder(tuple(a.shape[1:]))
    return {
        "ab": _array(model([a, b]), "the Siamese model"),
        "ba": _array(model([b, a]), "the Siamese model"),
        "aa": _array(model([a, a]), "the Siamese model"),
        "params": int(model.count_params()),
        "encoder_params": int(reference.count_params()),
    }


def distance(sub: Any, *, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return _array(sub.euclidean_distance(a, b), "euclidean_distance")


def loss(sub: Any, *, y: np.ndarray, d: np.ndarray, margin: float | None) -> np.ndarray:
    kwargs = {} if margin is None else {"margin": margin}
    return _array(sub.contrastive_loss(y, d, **kwargs), "contrastive_loss")


def identical_pair_gradients(sub: Any, *, x: np.ndarray) -> dict[str, Any]:
    a = tf.Variable(np.ones((2, 4), "float32"))
    with tf.GradientTape() as tape:
        d = sub.euclidean_distance(a, tf.ones((2, 4)))
    grad_distance = tape.gradient(d, a)
    model = sub.build_siamese(tuple(x.shape[1:]))
    with tf.GradientTape() as tape:
        value = sub.contrastive_loss(np.ones((len(x),), "float32"), model([x, x]))
    grads = tape.gradient(value, model.trainable_variables)
    return {
        "distance_grad": np.zeros((2, 4)) if grad_distance is None else np.asarray(grad_distance),
        "model_grads_finite": all(g is not None and bool(np.all(np.isfinite(g))) for g in grads),
        "loss": _array(value, "contrastive_loss"),
    }


def save_and_load(sub: Any, *, a: np.ndarray, b: np.ndarray) -> dict[str, Any]:
    model = sub.build_siamese(tuple(a.shape[1:]))
    before = _array(model([a, b]), "the Siamese model")
    archive = save_to_bytes(model)
    loaded = save_and_reload(model)
    return {"archive": archive, "before": before,
            "after": _array(loaded([a, b]), "the reloaded model")}


def train_and_score(
    sub: Any, *, x_a: np.ndarray, x_b: np.ndarray, y: np.ndarray, eval_a: np.ndarray,
    eval_b: np.ndarray, epochs: int, init_seed: int,
) -> dict[str, Any]:
    """Train with the learner's contrastive loss; return distances on unlabelled pairs, after
    training and after each earlier epoch (for the feedback's curve)."""
    keras.utils.set_random_seed(init_seed)
    model = sub.build_siamese(tuple(x_a.shape[1:]))
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss=sub.contrastive_loss)
    epoch_ends = every_epoch(
        lambda: np.asarray(model([eval_a, eval_b], training=False), np.float32).reshape(-1),
        epochs)
    model.fit([x_a, x_b], y, epochs=epochs, batch_size=64, verbose=0, callbacks=[epoch_ends])
    distances = _array(model.predict([eval_a, eval_b], verbose=0), "the trained model")
    return {"distances": distances.reshape(-1), "per_epoch": epoch_ends.outputs}

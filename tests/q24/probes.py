"""Worker-side half of q24's hidden tests: run the learner's losses, return plain data.

No verdicts here: the tests compute Keras' own losses and the NumPy oracles themselves.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import tensorflow as tf

from grader.errors import ProbeResultError


def _array(value: Any, what: str) -> np.ndarray:
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        kind = type(value).__name__
        raise ProbeResultError(f"q24: {what} returned {kind}, not a tensor") from None


def values(sub: Any, *, y_onehot: np.ndarray, labels: np.ndarray, probs: np.ndarray) -> dict:
    """Both losses on NumPy inputs: one-hot labels for one, integer labels for the other."""
    return {
        "categorical": _array(sub.categorical_crossentropy(y_onehot, probs),
                              "categorical_crossentropy"),
        "sparse": _array(sub.sparse_categorical_crossentropy(labels, probs),
                         "sparse_categorical_crossentropy"),
    }


def categorical_values(sub: Any, *, y_onehot: np.ndarray, probs: np.ndarray) -> Any:
    return _array(sub.categorical_crossentropy(y_onehot, probs), "categorical_crossentropy")


def sparse_values(sub: Any, *, labels: np.ndarray, probs: np.ndarray) -> Any:
    return _array(sub.sparse_categorical_crossentropy(labels, probs),
                  "sparse_categorical_crossentropy")


def extremes(sub: Any, *, y_onehot: np.ndarray, labels: np.ndarray, probs: np.ndarray) -> dict:
    """Values and d sum(loss) / d probs at probabilities of exactly 0 and 1."""
    result = {}
    for name, fn, y in (("categorical", sub.categorical_crossentropy, y_onehot),
                        ("sparse", sub.sparse_categorical_crossentropy, labels)):
        var = tf.Variable(probs)
        with tf.GradientTape() as tape:
            loss = fn(y, var)
            total = tf.reduce_sum(tf.cast(loss, tf.float32))
        grad = tape.gradient(total, var)
        result[name] = _array(loss, f"{name}_crossentropy")
        result[f"{name}_grad"] = np.zeros_like(probs) if grad is None else np.asarray(grad)
    return result


def softmax_gradients(
    sub: Any, *, logits: np.ndarray, y_onehot: np.ndarray, labels: np.ndarray
) -> dict:
    """d sum(loss(y, softmax(z))) / dz for both losses, eagerly and inside tf.function."""
    functions = {"categorical": (sub.categorical_crossentropy, tf.constant(y_onehot)),
                 "sparse": (sub.sparse_categorical_crossentropy, tf.constant(labels))}
    result = {}
    for name, (fn, y) in functions.items():
        def gradient(z: Any, fn: Any = fn, y: Any = y) -> Any:
            with tf.GradientTape() as tape:
                tape.watch(z)
                total = tf.reduce_sum(tf.cast(fn(y, tf.nn.softmax(z)), tf.float32))
            return tape.gradient(total, z)

        for mode, run in (("eager", gradient), ("function", tf.function(gradient))):
            grad = run(tf.constant(logits))
            if grad is None:
                raise ProbeResultError(
                    f"q24: no gradient flows from {name}_crossentropy back to the "
                    f"probabilities ({mode}): use keras.ops or tf, not NumPy"
                )
            result[f"{name}_{mode}"] = np.asarray(grad)
    return result


def head(
    sub: Any, *, task: str, x: np.ndarray, kernel: np.ndarray, bias: np.ndarray, y: np.ndarray,
    probs: np.ndarray,
) -> dict:
    """A one-layer model built with the task's activation and compiled with its loss; and the
    loss, resolved with keras.losses.get, on predictions the test sent (plain tensors that
    no sigmoid or softmax op produced, so Keras cannot recover logits from them)."""
    activation, loss = sub.output_head(task)
    on_probs = keras.losses.get(loss)(tf.constant(y), tf.constant(probs))
    model = keras.Sequential(
        [keras.Input((x.shape[1],)), keras.layers.Dense(kernel.shape[1], activation=activation)]
    )
    model.layers[-1].set_weights([kernel, bias])
    model.compile(optimizer="sgd", loss=loss, jit_compile=False)
    return {
        "outputs": np.asarray(model.predict(x, batch_size=len(x), verbose=0)),
        "loss": float(model.evaluate(x, y, batch_size=len(x), verbose=0)),
        "loss_on_predictions": float(np.mean(_array(on_probs, "the loss"))),
    }

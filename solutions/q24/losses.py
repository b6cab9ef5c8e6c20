"""Reference solution for q24: the two cross-entropies by hand, and the output-head table."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

# (output activation, loss) for each task; the losses expect probabilities, not logits.
OUTPUT_HEADS: dict[str, tuple[str, str]] = {
    "binary": ("sigmoid", "binary_crossentropy"),
    "multiclass_onehot": ("softmax", "categorical_crossentropy"),
    "multiclass_int": ("softmax", "sparse_categorical_crossentropy"),
    "regression": ("linear", "mean_squared_error"),
}


def categorical_crossentropy(y_onehot: Any, probs: Any) -> Any:
    """Cross-entropy between one-hot labels and predicted probabilities, per sample.

    Args:
        y_onehot: one-hot (or soft) labels, shape `(B, C)`.
        probs: probabilities, shape `(B, C)`, each row summing to 1.

    Returns:
        `-sum(y * log(clip(p, eps, 1 - eps)))` over the last axis, shape `(B,)`.
    """
    probs = ops.convert_to_tensor(probs)
    y_onehot = ops.cast(y_onehot, probs.dtype)
    # Clip, do not shift: log(p + eps) is visibly wrong for small p.
    eps = keras.config.epsilon()
    log_probs = ops.log(ops.clip(probs, eps, 1.0 - eps))
    return -ops.sum(y_onehot * log_probs, axis=-1)


def sparse_categorical_crossentropy(labels: Any, probs: Any) -> Any:
    """Cross-entropy between integer class ids and predicted probabilities, per sample.

    Args:
        labels: integer class ids, shape `(B,)` or `(B, 1)`.
        probs: probabilities, shape `(B, C)`, each row summing to 1.

    Returns:
        `-log(clip(p[label], eps, 1 - eps))`, shape `(B,)`.
    """
    probs = ops.convert_to_tensor(probs)
    # Reshape, never broadcast: (B, 1) labels become (B,), one label per row of probs.
    labels = ops.reshape(ops.cast(labels, "int32"), ops.shape(probs)[:-1])
    y_onehot = ops.one_hot(labels, probs.shape[-1], dtype=probs.dtype)
    return categorical_crossentropy(y_onehot, probs)


def output_head(task: str) -> tuple[str, str]:
    """The output activation and the loss that belong together for a task.

    Args:
        task: `"binary"`, `"multiclass_onehot"`, `"multiclass_int"` or `"regression"`.

    Returns:
        `(activation, loss)`, usable as `Dense(activation=...)` and `compile(loss=...)`.

    Raises:
        ValueError: for any other task.
    """
    if task not in OUTPUT_HEADS:
        raise ValueError(f"Unknown task {task!r}; expected one of {sorted(OUTPUT_HEADS)}")
    return OUTPUT_HEADS[task]

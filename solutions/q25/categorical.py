"""Reference solution for q25: categorical features, inside the model and as labels."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np


def build_category_encoder(
    vocabulary: list[str], output_mode: str = "one_hot"
) -> keras.layers.StringLookup:
    """A layer that maps category strings to their index or one-hot row.

    Index 0 is the single out-of-vocabulary slot; `vocabulary[i]` maps to `i + 1`, in the
    given order, matched exactly (case-sensitive).

    Args:
        vocabulary: the known categories, distinct strings.
        output_mode: `"one_hot"` for rows of width `len(vocabulary) + 1`, or `"int"` for the
            indices, with the input's shape.

    Returns:
        A `StringLookup` layer; its vocabulary is part of its config, so a model holding it
        saves and reloads as `.keras`.
    """
    return keras.layers.StringLookup(
        vocabulary=list(vocabulary), num_oov_indices=1, output_mode=output_mode
    )


def to_one_hot(labels: Any, num_classes: int) -> np.ndarray:
    """One-hot encode integer labels, as `keras.utils.to_categorical` does.

    Args:
        labels: integer class ids in `[0, num_classes)`, any shape.
        num_classes: the width of each one-hot row.

    Returns:
        A float32 array of shape `labels.shape + (num_classes,)`, except that a trailing
        axis of size 1 is dropped: `(B, 1)` labels give `(B, num_classes)`.
    """
    labels = np.asarray(labels, dtype="int64")
    if labels.ndim > 1 and labels.shape[-1] == 1:
        labels = labels[..., 0]
    return np.eye(num_classes, dtype="float32")[labels]

"""q25: categorical features, as model inputs and as labels.

A column such as colour = "red" / "Green" / "blue" cannot go into a Dense layer as text. Two
encodings cover most needs:

* inside the model, a lookup layer maps each string to an index (0 for anything unknown,
  the out-of-vocabulary or OOV slot; vocabulary[i] to i + 1) and, with
  output_mode="one_hot", to a one-hot row. Because the layer is part of the model, a saved
  `.keras` file carries the vocabulary, and the model accepts raw strings after loading;
* for labels, `keras.utils.to_categorical` turns integer class ids into one-hot rows.

What the hidden tests check:
    behaviour      one-hot rows equal to_categorical(index, len(vocabulary) + 1); unknown
                   and wrong-case strings map to slot 0 (matching is exact); to_one_hot
                   equals keras.utils.to_categorical for labels of shape (B,), (B, 1) and
                   (B, T), arrays or lists.
    shape          (B,) and (B, 1) string inputs give (B, len(vocabulary) + 1) one-hot rows;
                   output_mode="int" keeps the input's shape; to_one_hot is float with width
                   num_classes.
    serialization  Input(shape=(1,), dtype="string") -> encoder -> Dense saves as `.keras`
                   with the vocabulary in the file, and loads back in safe mode with the
                   outputs the file's weights define.
"""

from __future__ import annotations

from typing import Any

import keras  # noqa: F401 - keras.layers.StringLookup, keras.utils.to_categorical
import numpy as np  # noqa: F401


def build_category_encoder(vocabulary: list[str], output_mode: str = "one_hot") -> Any:
    """A Keras layer that maps category strings to their index or one-hot row.

    Args:
        vocabulary: the known categories, distinct strings, in index order.
        output_mode: "one_hot" for rows of width len(vocabulary) + 1, or "int" for the
            indices (with the input's shape).

    Returns:
        A layer accepting string tensors of shape (B,) or (B, 1): index 0 is the OOV slot,
        vocabulary[i] maps to i + 1, matching is exact (case-sensitive). Tested on known,
        unknown and wrong-case strings, and inside a model saved as `.keras`.
    """
    # TODO: one Keras preprocessing layer does all of this (see the README).
    raise NotImplementedError("build_category_encoder")


def to_one_hot(labels: Any, num_classes: int) -> Any:
    """One-hot encode integer labels, as keras.utils.to_categorical does.

    Args:
        labels: integer class ids in [0, num_classes), an array or a (nested) list.
        num_classes: the width of each one-hot row.

    Returns:
        A float array of shape labels.shape + (num_classes,), except that a trailing axis of
        size 1 is dropped ((B, 1) labels give (B, num_classes)). Tested against
        keras.utils.to_categorical.
    """
    # TODO: np.eye(num_classes) indexed by the labels, after dropping a trailing axis of 1.
    raise NotImplementedError("to_one_hot")

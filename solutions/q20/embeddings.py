"""Reference solution for q20: pretrained (GloVe) word vectors in a frozen Embedding."""

from __future__ import annotations

from collections.abc import Mapping

import keras
import numpy as np


def load_glove(path: str) -> dict[str, np.ndarray]:
    """Read a GloVe text file: one `word v1 ... vd` line per word, no header.

    Args:
        path: a UTF-8 text file.

    Returns:
        `{word: float32 vector of length d}`, one entry per line.
    """
    embeddings = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            word, *values = line.split()
            embeddings[word] = np.asarray(values, dtype="float32")
    return embeddings


def build_embedding_matrix(
    word_index: Mapping[str, int], embeddings: Mapping[str, np.ndarray], dim: int
) -> np.ndarray:
    """One row per word id: row i holds the vector of the word whose id is i.

    Args:
        word_index: `{word: id}` with ids 1..N (0 is reserved for padding).
        embeddings: `{word: vector}`, e.g. from `load_glove`.
        dim: the vectors' length.

    Returns:
        A float32 matrix `(len(word_index) + 1, dim)`; row 0 (padding) and the rows of words
        without a vector are zeros.
    """
    matrix = np.zeros((len(word_index) + 1, dim), dtype="float32")
    for word, i in word_index.items():
        vector = embeddings.get(word)
        if vector is not None:
            matrix[i] = vector
    return matrix


def build_frozen_embedding(matrix: np.ndarray) -> keras.layers.Embedding:
    """An `Embedding` layer holding `matrix`, excluded from training.

    Args:
        matrix: `(vocabulary size, dim)`, e.g. from `build_embedding_matrix`.

    Returns:
        A layer mapping int ids `(B, T)` to `matrix[ids]`, `(B, T, dim)`, with no trainable
        weights.
    """
    input_dim, output_dim = matrix.shape
    return keras.layers.Embedding(
        input_dim,
        output_dim,
        embeddings_initializer=keras.initializers.Constant(matrix),
        trainable=False,
    )

"""q20: pretrained word embeddings. Load GloVe vectors, arrange them by word id, and put them
in a frozen `Embedding` layer.

Three steps (see the README beside this file):

* `load_glove(path)` reads a GloVe text file: one `word v1 ... vd` line per word, no header.
* `build_embedding_matrix(word_index, embeddings, dim)` makes a matrix whose row i is the
  vector of the word with id i. Row 0 is padding; words without a vector get zero rows.
* `build_frozen_embedding(matrix)` returns an `Embedding` layer holding the matrix, with
  `trainable=False` so training a model on top leaves the vectors alone.

What the hidden tests check:
    behaviour      every line parsed into a float vector, unusual words (punctuation, numbers,
                   non-ASCII, upper case) kept exactly; rows follow the ids; the layer maps ids
                   to matrix rows and stays unchanged while a head trains on top.
    shape          the matrix is (len(word_index) + 1, dim), row 0 zeros.
    serialization  a model holding the layer saves as .keras with the matrix and trainable:
                   false, and reloads in safe mode.
"""

from __future__ import annotations

from collections.abc import Mapping

import keras
import numpy as np


def load_glove(path: str) -> dict[str, np.ndarray]:
    """Read a UTF-8 GloVe text file into a dict.

    Args:
        path: the file. Each line is `word v1 ... vd`: single spaces, no header. Words may be
            punctuation, numbers or non-ASCII (`,` `3.14` `naïve`), and case matters.

    Returns:
        `{word: vector}`, one entry per line; each vector a 1-D float32 NumPy array.
    """
    # TODO: open with encoding="utf-8"; split each line; the first token is the word.
    raise NotImplementedError("load_glove")


def build_embedding_matrix(
    word_index: Mapping[str, int], embeddings: Mapping[str, np.ndarray], dim: int
) -> np.ndarray:
    """Arrange the vectors by word id.

    Args:
        word_index: `{word: id}`, ids 1..N (0 is padding and has no entry), in any order.
        embeddings: `{word: vector of length dim}`, e.g. from `load_glove`.
        dim: the vectors' length.

    Returns:
        A float NumPy array `(len(word_index) + 1, dim)`: row i holds the vector of the word
        whose id is i (exact, case-sensitive lookup); row 0 and the rows of words without a
        vector are zeros.
    """
    # TODO: start from zeros; fill the row of each word that has a vector.
    raise NotImplementedError("build_embedding_matrix")


def build_frozen_embedding(matrix: np.ndarray) -> keras.layers.Embedding:
    """A Keras `Embedding` layer holding `matrix`, excluded from training.

    Args:
        matrix: `(vocabulary size, dim)`, e.g. from `build_embedding_matrix`.

    Returns:
        A layer mapping int ids `(B, T)` to `matrix[ids]`, `(B, T, dim)`, with no trainable
        weights, usable in a model without calling `build` yourself.
    """
    # TODO: keras.layers.Embedding(..., embeddings_initializer=..., trainable=False)
    raise NotImplementedError("build_frozen_embedding")

"""Another correct q20: a dict comprehension over the file, rows stacked by id, and an
Embedding built by hand, given the matrix with set_weights, frozen afterwards, with
mask_zero=True."""

import keras
import numpy as np


def load_glove(path):
    with open(path, "rb") as handle:
        rows = [line.decode("utf-8").split() for line in handle if line.strip()]
    return {row[0]: np.array([float(v) for v in row[1:]]) for row in rows}


def build_embedding_matrix(word_index, embeddings, dim):
    size = max(word_index.values()) + 1 if word_index else 1
    zero = np.zeros(dim, dtype=np.float32)
    by_id = {i: embeddings.get(word, zero) for word, i in word_index.items()}
    return np.stack([np.asarray(by_id.get(i, zero), np.float32) for i in range(size)])


def build_frozen_embedding(matrix):
    layer = keras.layers.Embedding(matrix.shape[0], matrix.shape[1], mask_zero=True)
    layer.build((None,))
    layer.set_weights([np.asarray(matrix, np.float32)])
    layer.trainable = False
    return layer

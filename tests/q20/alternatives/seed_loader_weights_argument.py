"""The seed's answer adapted: its loader and matrix loop split into the two functions the
contract names (float64 matrix, as the seed's np.zeros), and its Embedding with the
`weights=[embedding_matrix]` line it comments out restored, sized from the matrix instead of
a hard-coded vocab_size."""

import numpy as np
from tensorflow.keras import layers


def load_glove(path):
    embeddings_index = {}
    with open(path, encoding="utf8") as f:
        for line in f:
            values = line.split()
            word = values[0]
            coefs = np.asarray(values[1:], dtype="float32")
            embeddings_index[word] = coefs
    return embeddings_index


def build_embedding_matrix(word_index, embeddings_index, embedding_dim):
    num_words = len(word_index) + 1
    embedding_matrix = np.zeros((num_words, embedding_dim))
    for word, i in word_index.items():
        if word in embeddings_index:
            embedding_matrix[i] = embeddings_index[word]
    return embedding_matrix


def build_frozen_embedding(embedding_matrix):
    vocab_size, embedding_dim = embedding_matrix.shape
    return layers.Embedding(
        input_dim=vocab_size,
        output_dim=embedding_dim,
        weights=[embedding_matrix],
        trainable=False,
    )


"""Visible tests for q20. Run them with `pytest exercises/q20`; the hidden tests go further."""

import numpy as np

from grader.testing import assert_close, assert_shape, fail


def test_load_glove_reads_words_and_float_vectors(learner, tmp_path):
    path = tmp_path / "tiny.txt"
    path.write_text("the 0.5 -1.0 2.0\n, 1e-3 0 -4\n", encoding="utf-8")
    vectors = learner.load_glove(str(path))
    if sorted(vectors) != [",", "the"]:
        raise fail("the words 'the' and ','", f"{sorted(vectors)}",
                   "the first token of each line is the word; there is no header")
    values = np.asarray(vectors["the"])
    if values.dtype.kind != "f":
        raise fail("a float vector", f"dtype {values.dtype}", "np.asarray(..., dtype='float32')")
    assert_close(values, [0.5, -1.0, 2.0], "the vector of 'the'", "float(token) per value")


def test_matrix_rows_come_from_the_ids(learner):
    word_index = {"b": 2, "a": 1, "c": 3}
    embeddings = {"a": np.array([1.0, 1.0], "float32"), "b": np.array([2.0, -2.0], "float32")}
    matrix = assert_shape(learner.build_embedding_matrix(word_index, embeddings, 2), (4, 2),
                          "3 ids plus the padding row", "np.zeros((len(word_index) + 1, dim))")
    assert_close(matrix, [[0, 0], [1, 1], [2, -2], [0, 0]],
                 "row 0 zeros, row i the vector of id i, zeros for 'c' (no vector)",
                 "matrix[i] = embeddings[word] for word, i in word_index.items()")


def test_frozen_layer_returns_the_matrix_rows_and_does_not_train(learner):
    matrix = np.arange(12, dtype="float32").reshape(4, 3)
    layer = learner.build_frozen_embedding(matrix)
    out = np.asarray(layer(np.array([[3, 0, 1]])))
    assert_close(out, matrix[[[3, 0, 1]]], "layer(ids) == matrix[ids]",
                 "embeddings_initializer=keras.initializers.Constant(matrix)")
    if layer.trainable_weights:
        raise fail("no trainable weights", f"{len(layer.trainable_weights)} trainable weights",
                   "trainable=False on the Embedding")

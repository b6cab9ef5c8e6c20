"""Visible tests for q25. Run them with `pytest exercises/q25`; the hidden tests go further."""

import numpy as np

from grader.testing import assert_close, assert_shape

VOCABULARY = ["red", "Green", "blue"]


def test_known_strings_map_to_their_position_plus_one(learner):
    import tensorflow as tf

    encoder = learner.build_category_encoder(VOCABULARY, output_mode="int")
    got = encoder(tf.constant(["red", "Green", "blue"]))
    assert_close(got, [1, 2, 3], "indices 1, 2, 3 for the vocabulary in its own order",
                 "vocabulary[i] maps to i + 1; index 0 is kept for unknown strings", atol=0)


def test_unknown_string_maps_to_the_oov_slot(learner):
    import tensorflow as tf

    encoder = learner.build_category_encoder(VOCABULARY, output_mode="int")
    got = encoder(tf.constant(["purple", "RED"]))
    assert_close(got, [0, 0], "index 0 for an unknown string and for a wrong-case one",
                 "one OOV slot at index 0 (num_oov_indices=1); matching is case-sensitive",
                 atol=0)


def test_one_hot_rows_have_an_oov_column(learner):
    import tensorflow as tf

    encoder = learner.build_category_encoder(VOCABULARY)
    got = np.asarray(encoder(tf.constant(["blue", "purple"])))
    assert_shape(got, (2, 4), "one-hot rows of width len(vocabulary) + 1",
                 "output_mode='one_hot' is the default")
    assert_close(got, [[0, 0, 0, 1], [1, 0, 0, 0]], "blue in column 3, purple in column 0",
                 "the one-hot row of the lookup index", atol=0)


def test_to_one_hot_drops_a_trailing_axis_of_one(learner):
    got = learner.to_one_hot(np.array([[2], [0]]), 3)
    assert_close(got, [[0, 0, 1], [1, 0, 0]], "(2, 1) labels to give (2, 3) rows",
                 "drop the trailing axis of size 1 first, as keras.utils.to_categorical does")

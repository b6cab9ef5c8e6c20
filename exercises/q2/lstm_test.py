"""Visible tests for q2. Run them with `pytest exercises/q2`; the hidden tests go further."""

import numpy as np

from grader.testing import assert_shape, fail


def test_pad_puts_zeros_in_front_and_keeps_the_last_tokens(learner):
    padded = np.asarray(learner.pad([[1, 2], [3, 4, 5, 6, 7]], 4))
    expected = [[0, 0, 1, 2], [4, 5, 6, 7]]
    if padded.tolist() != expected:
        raise fail(f"{expected}", f"{padded.tolist()}",
                   "pre padding and pre truncation, as keras.utils.pad_sequences")


def test_pad_returns_int32(learner):
    padded = np.asarray(learner.pad([[1, 2, 3]], 5))
    if padded.dtype != np.int32:
        raise fail("dtype int32", f"{padded.dtype}", "dtype='int32'")


def test_model_outputs_one_probability_per_sequence(learner):
    tokens = np.array([[0, 0, 3, 4, 5], [1, 2, 3, 4, 5]], "int32")
    for bidirectional in (False, True):
        model = learner.build_lstm_classifier(10, 5, bidirectional=bidirectional)
        out = assert_shape(model(tokens), (2, 1), "one probability per sequence",
                           "Dense(1, activation='sigmoid') after the LSTM")
        if np.any(out < 0) or np.any(out > 1):
            raise fail("values in [0, 1]", f"{out.ravel()}", "activation='sigmoid'")

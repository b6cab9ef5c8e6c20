"""Visible tests for q24. Run them with `pytest exercises/q24`; the hidden tests go further."""

import numpy as np

from grader.testing import assert_close, assert_shape, fail

PROBS = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.25, 0.5, 0.25]], "float32")
LABELS = np.array([0, 1, 2], "int32")
ONE_HOT = np.eye(3, dtype="float32")[LABELS]
EXPECTED = -np.log([0.7, 0.1, 0.25])  # -log(probability of the true class)


def test_categorical_is_minus_log_of_the_true_class(learner):
    got = learner.categorical_crossentropy(ONE_HOT, PROBS)
    assert_shape(got, (3,), "one loss per sample", "sum over the last axis only")
    assert_close(got, EXPECTED, "-log(p[true class]) per row",
                 "-sum(y_onehot * log(probs), axis=-1)", rtol=1e-5)


def test_sparse_gives_the_same_values_from_class_ids(learner):
    got = learner.sparse_categorical_crossentropy(LABELS, PROBS)
    assert_close(got, EXPECTED, "-log(p[label]) per row for labels [0, 1, 2]",
                 "one-hot the labels (ops.one_hot) and reuse categorical_crossentropy",
                 rtol=1e-5)


def test_probability_zero_gives_a_finite_loss(learner):
    probs = np.array([[0.0, 1.0]], "float32")
    got = np.asarray(learner.categorical_crossentropy(np.array([[1.0, 0.0]], "float32"), probs))
    if not np.all(np.isfinite(got)):
        raise fail("a finite loss when the true class has probability 0", f"{got}",
                   "clip probs to [eps, 1 - eps] with eps = keras.config.epsilon() before log")


def test_binary_head_is_sigmoid_with_binary_crossentropy(learner):
    import keras

    activation, loss = learner.output_head("binary")
    z = np.array([[-2.0], [0.0], [3.0]], "float32")
    assert_close(keras.activations.get(activation)(z), 1 / (1 + np.exp(-z)),
                 "the binary head's activation to be a sigmoid",
                 "output_head('binary')[0]")
    if keras.losses.get(loss) is None:
        raise fail("a loss Keras understands", repr(loss), "output_head('binary')[1]")

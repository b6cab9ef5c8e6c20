"""Visible tests for q1. Run them with `pytest exercises/q1`; the hidden tests go further."""

import numpy as np

from grader.testing import assert_close, assert_shape, fail


def test_8x8_digits_give_one_probability_row_per_image(learner):
    model = learner.build_cnn()
    images = np.random.default_rng(0).uniform(size=(2, 8, 8, 1)).astype("float32")
    out = assert_shape(model(images), (2, 10), "2 rows of 10 class probabilities",
                       "keras.Input(shape=input_shape), padding='same', Dense(num_classes)")
    assert_close(out.sum(axis=-1), [1.0, 1.0], "each row to sum to 1",
                 "activation='softmax' on the last Dense layer", atol=1e-5)


def test_28x28_colour_images_and_7_classes(learner):
    model = learner.build_cnn(input_shape=(28, 28, 3), num_classes=7)
    images = np.random.default_rng(1).uniform(size=(2, 28, 28, 3)).astype("float32")
    assert_shape(model(images), (2, 7), "2 rows of 7 class probabilities",
                 "use input_shape (channels included) and num_classes, not fixed numbers")


def test_the_model_comes_back_compiled(learner):
    model = learner.build_cnn()
    if getattr(model, "optimizer", None) is None or getattr(model, "loss", None) is None:
        raise fail("a compiled model (an optimizer and a loss)", "an uncompiled model",
                   "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', "
                   "metrics=['accuracy']) before returning it")

"""Visible tests for q13. Run them with `pytest exercises/q13`; the hidden tests go further."""

import keras
import numpy as np

from grader.testing import assert_shape, fail


def _base():
    return keras.Sequential([
        keras.Input((8, 8, 1)),
        keras.layers.Conv2D(4, 3, padding="same", activation="relu"),
        keras.layers.BatchNormalization(),
        keras.layers.Conv2D(8, 3, strides=2, padding="same", activation="relu"),
        keras.layers.BatchNormalization(),
    ])


def _data(n=32):
    rng = np.random.default_rng(0)
    return rng.uniform(size=(n, 8, 8, 1)).astype("float32"), rng.integers(0, 3, n)


def test_outputs_probabilities_for_the_new_classes(learner):
    model = learner.build_transfer_model(_base(), 3)
    probs = assert_shape(np.asarray(model(_data(4)[0])), (4, 3), "3 probabilities per image",
                         "pool the feature map, then Dense(num_classes, activation='softmax')")
    if not np.allclose(probs.sum(axis=-1), 1.0, atol=1e-5):
        raise fail("rows summing to 1", f"{probs.sum(axis=-1)}", "activation='softmax'")


def test_base_is_frozen_and_its_statistics_survive_fit(learner):
    base = _base()
    before = [np.array(w) for w in base.get_weights()]
    model = learner.build_transfer_model(base, 3)
    if any(any(w is v for v in base.weights) for w in model.trainable_weights):
        raise fail("no weight of the base among model.trainable_weights", "some are",
                   "base_model.trainable = False before compiling")
    x, y = _data()
    model.fit(x, y, epochs=1, verbose=0)
    for a, b in zip(before, base.get_weights()):
        if not np.array_equal(a, b):
            raise fail("the base unchanged by fit", "a weight or statistic changed",
                       "base_model.trainable = False keeps BatchNormalization in inference mode")


def test_unfreeze_top_unfreezes_the_last_convolution_only(learner):
    base = _base()
    model = learner.build_transfer_model(base, 3)
    learner.unfreeze_top(model, 1)
    flags = [layer.trainable for layer in base.layers]
    if flags != [False, False, True, False]:
        raise fail("trainable flags [conv, bn, conv, bn] == [False, False, True, False]",
                   f"{flags}", "count only layers that are not BatchNormalization; keep "
                   "BatchNormalization frozen")

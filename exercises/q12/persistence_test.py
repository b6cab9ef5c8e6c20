"""Visible tests for q12. Run them with `pytest exercises/q12`; the hidden tests go further."""

import os

import keras
import numpy as np

from grader.testing import assert_close, fail


def _model():
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def test_save_and_load_model_keep_predictions(learner, tmp_path):
    model = _model()
    x = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
    path = str(tmp_path / "model.keras")
    learner.save_model(model, path)
    loaded = learner.load_model(path)
    assert_close(np.asarray(loaded(x)), np.asarray(model(x)), "identical predictions after "
                 "save_model and load_model", "model.save(path) / keras.saving.load_model(path)")


def test_weights_load_into_the_model_the_builder_makes(learner, tmp_path):
    model = _model()
    x = np.ones((2, 3), "float32")
    path = str(tmp_path / "model.weights.h5")
    learner.save_weights(model, path)
    loaded = learner.load_weights(_model, path)
    assert_close(np.asarray(loaded(x)), np.asarray(model(x)), "the saved weights in the new "
                 "model", "model = builder(); model.load_weights(path); return model")


def test_legacy_h5_is_refused_with_a_value_error(learner, tmp_path):
    path = str(tmp_path / "model.h5")
    try:
        learner.save_model(_model(), path)
    except ValueError as exc:
        if "keras" not in str(exc):
            raise fail("the message to name the '.keras' suffix", repr(str(exc)),
                       "say which suffix is expected") from None
    else:
        raise fail("save_model(model, 'model.h5') to raise ValueError",
                   "no error" + (" (a legacy HDF5 file was written)" if os.path.exists(path)
                                 else ""),
                   "Keras 3 still writes legacy HDF5 for '.h5': check the suffix yourself")


def test_checkpoint_is_a_callback(learner, tmp_path):
    callback = learner.checkpoint(str(tmp_path / "best.keras"))
    if not isinstance(callback, keras.callbacks.Callback):
        raise fail("a keras.callbacks.Callback", type(callback).__name__,
                   "return keras.callbacks.ModelCheckpoint(...)")

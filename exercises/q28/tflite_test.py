"""Visible tests for q28. Run them with `pytest exercises/q28`; the hidden tests go further."""

import keras
import numpy as np

from grader.testing import assert_close, fail


def _model():
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="relu"),
                              keras.layers.Dense(2)])
    model.set_weights([np.full((4, 3), 0.5, "float32"), np.zeros(3, "float32"),
                       np.ones((3, 2), "float32"), np.array([0.0, 1.0], "float32")])
    return model


def test_to_tflite_returns_tflite_bytes(learner):
    data = learner.to_tflite(_model())
    if not isinstance(data, bytes) or data[4:8] != b"TFL3":
        raise fail("bytes with the TFLite identifier b'TFL3' at offset 4",
                   f"{type(data).__name__} {bytes(data[:8]) if isinstance(data, bytes) else ''}",
                   "return converter.convert()")


def test_round_trip_gives_the_keras_outputs_for_a_batch_of_three(learner):
    model = _model()
    x = np.arange(12, dtype="float32").reshape(3, 4) / 10
    got = learner.tflite_predict(learner.to_tflite(model), x)
    assert_close(got, np.asarray(model(x)), "the Keras model's outputs, shape (3, 2)",
                 "resize_tensor_input to x.shape and allocate_tensors before set_tensor",
                 rtol=1e-4, atol=1e-5)


def test_quantized_model_is_smaller(learner):
    model = keras.Sequential([keras.Input((32,)), keras.layers.Dense(64),
                              keras.layers.Dense(32)])
    small, large = learner.to_tflite(model, quantize=True), learner.to_tflite(model)
    if len(small) * 2 > len(large):
        raise fail(f"the quantized model at most half of {len(large)} bytes",
                   f"{len(small)} bytes", "converter.optimizations = [tf.lite.Optimize.DEFAULT]")

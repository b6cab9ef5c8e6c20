"""q28: edge deployment. Convert a Keras model to TensorFlow Lite, quantize it, run it.

TensorFlow Lite (now LiteRT) runs models on phones and small devices: the converter turns a
Keras model into one FlatBuffer (bytes whose identifier is `TFL3`), and an interpreter runs
it. Post-training *dynamic-range* quantization stores large weight tensors as int8, about 4x
smaller, while inputs, outputs and activations stay float32. See the README beside this file.

What the hidden tests check:
    shape      to_tflite returns TFLite bytes with one float32 input and one float32 output,
               also when quantized.
    behaviour  the float flatbuffer computes what the Keras model computes in inference mode
               (Dense, BatchNormalization, Dropout, Conv2D models); the quantized one is at
               least 2x smaller and within 5% of the largest output; tflite_predict runs
               any converter's flatbuffer on batches of any size, float32 or float64, and
               returns a float32 ndarray (B, *output_shape).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import tensorflow as tf  # noqa: F401
from numpy.typing import ArrayLike


def to_tflite(model: Any, quantize: bool = False) -> bytes:
    """Convert a single-input, single-output Keras model to a TFLite flatbuffer.

    Args:
        model: a Sequential or Functional Keras model with a float32 input.
        quantize: if True, post-training dynamic-range quantization (int8 weights, float32
            input and output): `converter.optimizations = [tf.lite.Optimize.DEFAULT]`,
            without a representative dataset.

    Returns:
        The flatbuffer as `bytes`.

    Tested: outputs against the Keras model, size of the quantized model, float32 I/O.
    """
    # TODO: tf.lite.TFLiteConverter.from_keras_model(model), then converter.convert()
    raise NotImplementedError("to_tflite")


def tflite_predict(model_bytes: bytes, x: ArrayLike) -> np.ndarray:
    """Run a TFLite flatbuffer on a batch, like `model.predict(x)`.

    Args:
        model_bytes: a flatbuffer from `to_tflite` or any TFLite converter.
        x: a batch `(B, ...)`, B >= 1, float32 or float64 (cast it to the input's dtype).

    Returns:
        A float32 NumPy array of shape `(B, *output_shape)`.

    Tested: batch sizes 1 and more on the same bytes, one after the other; float64
    inputs; a flatbuffer made by the test's own converter; your own flatbuffers.
    """
    # TODO: tf.lite.Interpreter(model_content=...), resize_tensor_input, allocate_tensors,
    # set_tensor, invoke, get_tensor
    raise NotImplementedError("tflite_predict")

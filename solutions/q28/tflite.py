"""Reference solution for q28: convert a Keras model to TensorFlow Lite and run it.

TFLite is TensorFlow's runtime for phones and edge devices: the model becomes one
FlatBuffer file. Dynamic-range quantization stores the weights of large tensors as int8
(about 4x smaller), while the input, the output and the activations stay float32.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import tensorflow as tf
from numpy.typing import ArrayLike


def to_tflite(model: Any, quantize: bool = False) -> bytes:
    """Convert a single-input, single-output Keras model to a TFLite flatbuffer.

    Args:
        model: a Sequential or Functional Keras model with a float32 input.
        quantize: apply post-training dynamic-range quantization (int8 weights).

    Returns:
        The flatbuffer, as bytes (its file identifier is `TFL3`).
    """
    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    if quantize:
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
    return bytes(converter.convert())


def _interpreter(model_bytes: bytes) -> Any:
    """`ai_edge_litert`'s interpreter when installed, else `tf.lite.Interpreter`."""
    try:
        from ai_edge_litert.interpreter import Interpreter
    except ImportError:
        Interpreter = tf.lite.Interpreter  # noqa: N806 - deprecated in TF 2.20+, still works
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*tf.lite.Interpreter is deprecated.*")
        return Interpreter(model_content=bytes(model_bytes))


def tflite_predict(model_bytes: bytes, x: ArrayLike) -> np.ndarray:
    """Run a TFLite flatbuffer on a batch, like `model.predict(x)`.

    Args:
        model_bytes: a flatbuffer from `to_tflite` or any TFLite converter.
        x: a batch of inputs `(B, ...)`, any float dtype; cast to the model's input dtype.

    Returns:
        A float32 NumPy array of shape `(B, *output_shape)`.
    """
    interpreter = _interpreter(model_bytes)
    input_details = interpreter.get_input_details()[0]
    output_details = interpreter.get_output_details()[0]
    x = np.asarray(x, dtype=input_details["dtype"])
    # The converted model has batch size 1; resize it to this batch before allocating.
    interpreter.resize_tensor_input(input_details["index"], x.shape)
    interpreter.allocate_tensors()
    interpreter.set_tensor(input_details["index"], x)
    interpreter.invoke()
    return np.asarray(interpreter.get_tensor(output_details["index"]), dtype=np.float32)

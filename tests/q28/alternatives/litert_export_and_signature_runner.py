"""q28 alternative: Keras 3's `model.export(path, format="litert")` with converter settings
passed through, and a signature runner that resizes its input by itself."""

from __future__ import annotations

import os
import tempfile
import warnings

import numpy as np
import tensorflow as tf


def to_tflite(model, quantize=False) -> bytes:
    options = {"optimizations": [tf.lite.Optimize.DEFAULT]} if quantize else {}
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "model.tflite")
    model.export(path, format="litert", verbose=False, **options)
    with open(path, "rb") as handle:
        return handle.read()


def tflite_predict(model_bytes, x) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        interpreter = tf.lite.Interpreter(model_content=bytes(model_bytes))
    runner = interpreter.get_signature_runner()
    (name, detail), = runner.get_input_details().items()
    outputs = runner(**{name: np.asarray(x, dtype=detail["dtype"])})
    (result,) = outputs.values()
    return np.asarray(result, dtype=np.float32)

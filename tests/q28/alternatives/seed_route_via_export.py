"""q28 alternative: the seed's SavedModel route, ported the safe way (`model.export(...,
format="tf_saved_model")`, then `from_saved_model`), with a plain interpreter loop."""

import os
import tempfile

import numpy as np
import tensorflow as tf


def to_tflite(model, quantize=False):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "saved_model")
        model.export(path, format="tf_saved_model", verbose=False)
        converter = tf.lite.TFLiteConverter.from_saved_model(path)
        if quantize:
            converter.optimizations = [tf.lite.Optimize.DEFAULT]
        return converter.convert()


def tflite_predict(model_bytes, x):
    interpreter = tf.lite.Interpreter(model_content=model_bytes)
    inp = interpreter.get_input_details()[0]
    out = interpreter.get_output_details()[0]
    x = np.array(x).astype(inp["dtype"])
    interpreter.resize_tensor_input(inp["index"], list(x.shape), strict=False)
    interpreter.allocate_tensors()
    interpreter.set_tensor(inp["index"], x)
    interpreter.invoke()
    return interpreter.get_tensor(out["index"]).astype(np.float32)

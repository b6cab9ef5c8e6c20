"""Worker-side half of q28's hidden tests: convert models with the learner's `to_tflite`,
run flatbuffers with the learner's `tflite_predict`, and return bytes and outputs.

Probes compute no verdicts. The test models are built here from Keras' own layers with
weights the test sent; flatbuffers travel back as uint8 arrays, which the test measures and
runs itself.
"""

from __future__ import annotations

import warnings
from typing import Any

import keras
import numpy as np

from grader.errors import ProbeResultError


def build_model(kind: str, weights: list[np.ndarray]) -> Any:
    """The test models (also imported by nothing else: the test computes with NumPy)."""
    layers = keras.layers
    if kind == "mlp":
        stack = [keras.Input((32,)), layers.Dense(256, activation="relu"),
                 layers.Dense(128, activation="relu"), layers.Dense(10)]
    elif kind == "bn_dropout":
        stack = [keras.Input((6,)), layers.Dense(8), layers.BatchNormalization(),
                 layers.Dropout(0.5), layers.Dense(3)]
    elif kind == "cnn":
        stack = [keras.Input((6, 6, 16)), layers.Conv2D(64, 3, activation="relu"),
                 layers.GlobalAveragePooling2D(), layers.Dense(16)]
    else:
        raise ValueError(f"unknown model kind {kind!r}")
    model = keras.Sequential(stack)
    model.set_weights(weights)
    return model


def _flatbuffer(value: Any, call: str) -> np.ndarray:
    if not isinstance(value, (bytes, bytearray)):
        raise ProbeResultError(
            f"q28: {call} returned {type(value).__name__}; it should return the flatbuffer "
            "as bytes (converter.convert() returns bytes)"
        )
    return np.frombuffer(bytes(value), dtype=np.uint8).copy()


def _predict(sub: Any, data: np.ndarray, x: np.ndarray) -> dict[str, Any]:
    with warnings.catch_warnings():
        # TF 2.20+ deprecates tf.lite.Interpreter for ai_edge_litert: not the learner's fault.
        warnings.filterwarnings("ignore", message=r".*tf\.lite\.Interpreter is deprecated",
                                category=UserWarning)
        out = sub.tflite_predict(data.tobytes(), x)
    return {"type": type(out).__name__, "output": np.asarray(out)}


def convert(
    sub: Any, *, kind: str, weights: list[np.ndarray], x: np.ndarray, quantize: bool
) -> dict[str, Any]:
    """Float (and, if asked, quantized) flatbuffers of one model, each run on x."""
    model = build_model(kind, weights)
    result: dict[str, Any] = {}
    for name, flag in (("float", False), ("quantized", True))[: 2 if quantize else 1]:
        data = _flatbuffer(sub.to_tflite(model, quantize=flag), f"to_tflite(quantize={flag})")
        result[name] = data
        result[f"{name}_predict"] = _predict(sub, data, x)
    return result


def predict_batches(sub: Any, *, model_bytes: np.ndarray, batches: list[np.ndarray]) -> Any:
    """tflite_predict on the test's own flatbuffer, batch after batch on the same bytes."""
    return [_predict(sub, model_bytes, x) for x in batches]

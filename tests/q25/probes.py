"""Worker-side half of q25's hidden tests: run the learner's encoder and one-hot function on
inputs the tests chose, return plain data. Strings arrive as (nested) lists of str."""

from __future__ import annotations

import os
import tempfile
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from grader.errors import ProbeResultError
from grader.probing import save_to_bytes


def _numeric(value: Any, what: str) -> np.ndarray:
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        array = np.asarray([], dtype=object)
    if array.dtype.kind not in "biuf":
        raise ProbeResultError(
            f"q25: {what} returned {type(value).__name__} of dtype {array.dtype}, not numbers"
        )
    return array


def encode(sub: Any, *, vocabulary: list[str], strings: list, output_mode: str) -> np.ndarray:
    encoder = sub.build_category_encoder(list(vocabulary), output_mode=output_mode)
    return _numeric(encoder(tf.constant(strings)), "the encoder")


def one_hot(sub: Any, *, labels: Any, num_classes: int) -> np.ndarray:
    return _numeric(sub.to_one_hot(labels, num_classes), "to_one_hot")


def keras_file(
    sub: Any, *, vocabulary: list[str], strings: list[list[str]], kernel: np.ndarray,
    bias: np.ndarray,
) -> dict[str, Any]:
    """Input(shape=(1,), dtype="string") -> encoder -> Dense with the test's weights; the
    `.keras` file's bytes, and the outputs of the model loaded back from them (safe mode)."""
    inputs = keras.Input(shape=(1,), dtype="string")
    encoded = sub.build_category_encoder(list(vocabulary))(inputs)
    dense = keras.layers.Dense(kernel.shape[1])
    model = keras.Model(inputs, dense(encoded))
    dense.set_weights([kernel, bias])
    data = save_to_bytes(model)
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "model.keras")
    with open(path, "wb") as handle:
        handle.write(data.tobytes())
    loaded = keras.saving.load_model(path)  # safe_mode=True, the default
    return {"file": data, "outputs": _numeric(loaded(tf.constant(strings)), "the reloaded model")}

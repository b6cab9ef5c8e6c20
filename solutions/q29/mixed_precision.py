"""Reference solution for q29: a mixed-precision classifier that leaves the global policy alone.

Under the `mixed_float16` policy a layer keeps its variables in float32 (so small updates
are not lost) and computes in float16 (fast on GPUs with tensor cores, half the activation
memory). The output is computed in float32: a softmax in float16 can round small
probabilities to 0 and large ones to 1.
"""

from __future__ import annotations

import keras
from keras import layers


def build_mixed_precision_model(input_dim: int, num_classes: int) -> keras.Model:
    """A small MLP whose hidden layers compute in float16 and whose softmax runs in float32.

    The global dtype policy is switched to `mixed_float16` only while the layers are
    created, and restored afterwards, also when building raises.

    Args:
        input_dim: number of float32 input features.
        num_classes: number of classes; the model outputs float32 probabilities.

    Returns:
        An uncompiled `keras.Model` mapping `(B, input_dim)` to `(B, num_classes)`.
    """
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy("mixed_float16")
    try:
        inputs = keras.Input(shape=(input_dim,))
        x = layers.Dense(64, activation="relu")(inputs)
        x = layers.Dense(64, activation="relu")(x)
        logits = layers.Dense(num_classes)(x)
        # The Keras mixed-precision guide's pattern: the last activation in float32.
        outputs = layers.Activation("softmax", dtype="float32")(logits)
        return keras.Model(inputs, outputs)
    finally:
        keras.config.set_dtype_policy(previous)

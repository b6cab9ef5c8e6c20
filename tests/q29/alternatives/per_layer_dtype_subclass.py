"""q29 alternative: the global policy is never touched; each hidden layer gets
dtype="mixed_float16" and a float32 Dense returns logits, in a keras.Model subclass."""

from __future__ import annotations

import keras
from keras import layers


class MixedMLP(keras.Model):
    def __init__(self, num_classes, **kwargs):
        super().__init__(**kwargs)
        self.hidden = [layers.Dense(48, activation="gelu", dtype="mixed_float16"),
                       layers.Dense(24, activation="relu", dtype="mixed_float16")]
        self.logits = layers.Dense(num_classes, dtype="float32")

    def call(self, inputs):
        x = inputs
        for layer in self.hidden:
            x = layer(x)
        return self.logits(x)


def build_mixed_precision_model(input_dim, num_classes):
    model = MixedMLP(num_classes)
    model(keras.ops.zeros((1, input_dim)))
    return model

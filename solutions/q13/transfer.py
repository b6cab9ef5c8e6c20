"""Reference solution for q13: transfer learning with a frozen base, then fine-tuning."""

from __future__ import annotations

import keras
from keras import layers


def build_transfer_model(base_model: keras.Model, num_classes: int) -> keras.Model:
    """A new classification head on a frozen pretrained base.

    Args:
        base_model: a built model whose output is a feature map `(B, H, W, C)`.
        num_classes: number of classes of the new task.

    Returns:
        A model compiled with Adam(1e-3) and sparse categorical cross-entropy, giving
        `(B, num_classes)` softmax probabilities. The base's weights are frozen, so its
        BatchNormalization layers run in inference mode and keep their statistics.
    """
    base_model.trainable = False
    inputs = keras.Input(base_model.inputs[0].shape[1:])
    # training=False documents the intent; in Keras 3 the frozen base (trainable=False) is
    # what keeps BatchNormalization in inference mode during fit.
    x = base_model(inputs, training=False)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(64, activation="relu")(x)
    x = layers.Dropout(0.2)(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs, name="transfer")
    model.compile(
        optimizer=keras.optimizers.Adam(1e-3),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def _base_of(model: keras.Model) -> keras.Model:
    """The pretrained base: the model nested inside the transfer model."""
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            return layer
    raise ValueError("no nested base model found; build the model with build_transfer_model")


def unfreeze_top(model: keras.Model, n: int, learning_rate: float = 1e-5) -> None:
    """Fine-tune the last `n` non-BatchNormalization layers of the base, in place.

    BatchNormalization layers stay frozen (inference mode). The model is recompiled with a
    low learning rate so the pretrained features are only nudged.
    """
    base = _base_of(model)
    base.trainable = True  # also sets every sublayer trainable; now choose which stay so
    candidates = [
        layer for layer in base.layers if not isinstance(layer, layers.BatchNormalization)
    ]
    unfrozen = {id(layer) for layer in candidates[len(candidates) - n:]} if n > 0 else set()
    for layer in base.layers:
        layer.trainable = id(layer) in unfrozen
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )

"""Reference solution for q7: a Siamese network trained with contrastive loss."""

from __future__ import annotations

from typing import Any

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="kata")
def euclidean_distance(a: Any, b: Any) -> Any:
    """Euclidean distance between rows of `a` and `b`, shape `(B, 1)`.

    The epsilon keeps the gradient finite for identical pairs: d sqrt(s)/ds is infinite at 0.
    """
    squared = ops.sum(ops.square(a - b), axis=-1, keepdims=True)
    return ops.sqrt(ops.maximum(squared, keras.config.epsilon()))


@keras.saving.register_keras_serializable(package="kata")
class EuclideanDistance(layers.Layer):
    """A layer around `euclidean_distance`: unlike a `Lambda`, it reloads in safe mode."""

    def call(self, a: Any, b: Any) -> Any:
        return euclidean_distance(a, b)

    def compute_output_shape(self, a_shape: Any, b_shape: Any) -> tuple[Any, ...]:
        return (a_shape[0], 1)


def build_encoder(input_shape: tuple[int, int, int], embedding_dim: int = 32) -> keras.Model:
    """A small CNN mapping an image `(H, W, C)` to an embedding of size `embedding_dim`."""
    inputs = keras.Input(shape=input_shape)
    x = layers.Conv2D(32, 3, padding="same", activation="relu")(inputs)
    x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(64, 3, padding="same", activation="relu")(x)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(embedding_dim)(x)
    return keras.Model(inputs, outputs, name="encoder")


def build_siamese(input_shape: tuple[int, int, int]) -> keras.Model:
    """Two image inputs, one shared encoder; outputs their embeddings' distance `(B, 1)`."""
    encoder = build_encoder(input_shape)
    input_a = keras.Input(shape=input_shape, name="input_a")
    input_b = keras.Input(shape=input_shape, name="input_b")
    # Calling the same encoder twice shares its weights.
    distance = EuclideanDistance()(encoder(input_a), encoder(input_b))
    return keras.Model([input_a, input_b], distance, name="siamese")


@keras.saving.register_keras_serializable(package="kata")
def contrastive_loss(y_true: Any, distance: Any, margin: float = 1.0) -> Any:
    """Contrastive loss; label 1 marks a similar pair, 0 a dissimilar one.

    Returns:
        `mean(y * d**2 + (1 - y) * max(margin - d, 0)**2)`, a scalar.
    """
    distance = ops.convert_to_tensor(distance)
    # Reshape, never broadcast: (B,) labels against (B, 1) distances would become (B, B).
    y = ops.reshape(ops.cast(y_true, distance.dtype), ops.shape(distance))
    similar = y * ops.square(distance)
    dissimilar = (1.0 - y) * ops.square(ops.maximum(margin - distance, 0.0))
    return ops.mean(similar + dissimilar)

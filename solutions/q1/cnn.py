"""Reference solution for q1: a small convolutional image classifier."""

from __future__ import annotations

import keras
from keras import layers


def build_cnn(input_shape: tuple[int, int, int] = (8, 8, 1), num_classes: int = 10) -> keras.Model:
    """A CNN mapping images `(H, W, C)` to `num_classes` softmax probabilities.

    Two blocks of Conv2D -> BatchNormalization -> MaxPooling2D, then Dropout and a softmax
    Dense layer. `padding="same"` keeps the feature maps as large as the input, so two 2x2
    poolings still fit an 8x8 digit (valid padding would shrink it to nothing).

    Args:
        input_shape: the image shape `(height, width, channels)`.
        num_classes: the number of classes.

    Returns:
        The model, compiled with Adam, sparse categorical cross-entropy and accuracy.
    """
    model = keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Conv2D(16, 3, padding="same", activation="relu"),
            layers.BatchNormalization(),
            layers.MaxPooling2D(),
            layers.Conv2D(32, 3, padding="same", activation="relu"),
            layers.BatchNormalization(),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dropout(0.5),
            layers.Dense(num_classes, activation="softmax"),
        ],
        name="cnn",
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model

"""Reference solution for q3: a Functional model with an image input and a metadata input."""

from __future__ import annotations

import keras
from keras import layers


def build_multi_input_model(
    image_shape: tuple[int, int, int] = (16, 16, 3), meta_dim: int = 10, num_classes: int = 5
) -> keras.Model:
    """Two branches, one per input, merged into one softmax classifier.

    The image goes through a small CNN pooled to a vector; the metadata through a Dense
    layer; the two vectors are concatenated and classified. Named inputs let callers pass
    `{"image": ..., "metadata": ...}`; a list is taken in the order `[image, metadata]`.

    Args:
        image_shape: `(height, width, channels)`, at least 8x8.
        meta_dim: the number of metadata features.
        num_classes: the number of classes.

    Returns:
        A model with inputs `image` and `metadata` and an output layer `class` giving
        `(B, num_classes)` probabilities, compiled with Adam, sparse categorical
        cross-entropy and accuracy.
    """
    image = keras.Input(shape=image_shape, name="image")
    x = layers.Conv2D(16, 3, padding="same", activation="relu")(image)
    x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(32, 3, padding="same", activation="relu")(x)
    image_features = layers.GlobalAveragePooling2D()(x)

    metadata = keras.Input(shape=(meta_dim,), name="metadata")
    meta_features = layers.Dense(32, activation="relu")(metadata)

    merged = layers.Concatenate()([image_features, meta_features])
    x = layers.Dense(64, activation="relu")(merged)
    x = layers.Dropout(0.3)(x)
    probabilities = layers.Dense(num_classes, activation="softmax", name="class")(x)

    model = keras.Model(inputs=[image, metadata], outputs=probabilities, name="multi_input")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model

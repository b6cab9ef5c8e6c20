"""Reference solution for q11: fighting overfitting with L2, Dropout and early stopping."""

from __future__ import annotations

import keras
from keras import layers, regularizers


def build_regularized_mlp(
    input_dim: int, num_classes: int, l2: float = 0.01, dropout: float = 0.5
) -> keras.Model:
    """An MLP classifier regularized with L2 weight penalties and Dropout.

    Args:
        input_dim: number of input features.
        num_classes: number of classes (softmax outputs).
        l2: L2 factor on every hidden Dense kernel: the penalty is `l2 * sum(kernel**2)`.
        dropout: rate of every Dropout layer (active in training only).

    Returns:
        A built Functional model compiled with Adam and sparse categorical cross-entropy,
        mapping `(B, input_dim)` to `(B, num_classes)` probabilities.
    """
    inputs = keras.Input((input_dim,))
    x = inputs
    for units in (128, 64):
        x = layers.Dense(units, activation="relu", kernel_regularizer=regularizers.L2(l2))(x)
        x = layers.Dropout(dropout)(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs, name="regularized_mlp")
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def early_stopping(patience: int = 5) -> keras.callbacks.Callback:
    """Stop when `val_loss` has not improved for `patience` epochs; keep the best weights."""
    return keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=patience, restore_best_weights=True
    )

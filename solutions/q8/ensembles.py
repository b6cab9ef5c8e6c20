"""Reference solution for q8: an ensemble of small classifiers, three ways to combine them."""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
from keras import layers


def create_model(seed: int) -> keras.Model:
    """The seed's MLP (10 features -> 3-class softmax), compiled, its initial weights fixed
    by `seed` alone.

    Every random initializer and the Dropout layer get their own seed derived from `seed`,
    so the global random state (NumPy's, Python's or Keras') plays no part.
    """
    seeds = keras.random.SeedGenerator(seed)

    def glorot() -> keras.initializers.Initializer:
        return keras.initializers.GlorotUniform(seed=seeds)

    model = keras.Sequential(
        [
            keras.Input((10,)),
            layers.Dense(64, activation="relu", kernel_initializer=glorot()),
            layers.Dropout(0.3, seed=seed),
            layers.Dense(32, activation="relu", kernel_initializer=glorot()),
            layers.Dense(3, activation="softmax", kernel_initializer=glorot()),
        ]
    )
    model.compile(
        optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    return model


def _member_probabilities(models: Sequence[keras.Model], x: np.ndarray) -> np.ndarray:
    """Each member's class probabilities, stacked: shape (members, batch, classes)."""
    return np.stack([np.asarray(model.predict(x, verbose=0)) for model in models])


def ensemble_predict(models: Sequence[keras.Model], x: np.ndarray) -> np.ndarray:
    """Soft voting: the class with the highest mean probability, shape (batch,).

    `np.argmax` returns the first maximum, so ties go to the lowest class id.
    """
    mean = _member_probabilities(models, x).mean(axis=0)
    return np.argmax(mean, axis=-1)


def voting_predict(models: Sequence[keras.Model], x: np.ndarray) -> np.ndarray:
    """Hard voting: the class most members pick, shape (batch,); ties go to the lowest id."""
    probabilities = _member_probabilities(models, x)
    votes = np.argmax(probabilities, axis=-1)  # (members, batch)
    counts = np.eye(probabilities.shape[-1], dtype="int64")[votes].sum(axis=0)  # (batch, classes)
    return np.argmax(counts, axis=-1)


def build_ensemble_model(
    models: Sequence[keras.Model], input_shape: tuple[int, ...]
) -> keras.Model:
    """One Keras model that averages the members' outputs. The members are called, not
    copied, so the ensemble uses their current weights and leaves them unchanged."""
    inputs = keras.Input(input_shape)
    outputs = layers.Average()([model(inputs) for model in models])
    return keras.Model(inputs, outputs, name="ensemble")

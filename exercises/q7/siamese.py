"""q7: a Siamese network that learns which images show the same digit.

Two images go through one shared encoder; the model outputs the Euclidean distance between
their embeddings. Contrastive loss pulls similar pairs (label 1) together and pushes
dissimilar pairs (label 0) at least `margin` apart. See the README beside this file.

What the hidden tests check:
    shape          encoder output (B, embedding_dim); model output (B, 1), non-negative.
    behaviour      distance and loss equal their closed forms; one encoder shared by both
                   inputs (parameter count not doubled); symmetric in its inputs.
    gradient       finite for identical pairs (distance 0).
    serialization  the model saves as .keras and reloads in safe mode (no Python lambda).
    convergence    trained on digit pairs, distances separate same-digit pairs from others.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import layers, ops  # noqa: F401


def euclidean_distance(a: Any, b: Any) -> Any:
    """Euclidean distance between matching rows of a and b.

    Args:
        a, b: tensors of shape (B, D).

    Returns:
        A tensor of shape (B, 1). Keep the gradient finite when a == b: take the square
        root of max(sum of squares, keras.config.epsilon()).
    """
    # TODO
    raise NotImplementedError("euclidean_distance")


def build_encoder(input_shape: tuple[int, int, int], embedding_dim: int = 32) -> keras.Model:
    """A small CNN from an image of shape (H, W, C) to an embedding of size embedding_dim."""
    # TODO: keras.Input(shape=input_shape) -> Conv2D/MaxPooling2D -> ... -> Dense(embedding_dim)
    raise NotImplementedError("build_encoder")


def build_siamese(input_shape: tuple[int, int, int]) -> keras.Model:
    """Two image inputs, one shared encoder, output: the distance between embeddings (B, 1).

    The model must save as .keras and load again with keras.saving.load_model in safe mode,
    so compute the distance in a registered Layer subclass, not in a Lambda.
    """
    # TODO
    raise NotImplementedError("build_siamese")


def contrastive_loss(y_true: Any, distance: Any, margin: float = 1.0) -> Any:
    """mean(y * d**2 + (1 - y) * max(margin - d, 0)**2), a scalar.

    Args:
        y_true: 1 for a similar pair, 0 for a dissimilar one; shape (B,) or (B, 1).
        distance: distances of shape (B, 1).
        margin: how far apart dissimilar pairs should be.
    """
    # TODO: reshape y_true to the distances' shape first: (B,) against (B, 1) broadcasts to (B, B).
    raise NotImplementedError("contrastive_loss")

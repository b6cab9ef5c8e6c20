"""Reference solution for q12: saving and loading models in Keras 3's own formats."""

from __future__ import annotations

import os
from collections.abc import Callable

import keras

MODEL_SUFFIX = ".keras"
WEIGHTS_SUFFIX = ".weights.h5"


def _require_suffix(path: str | os.PathLike[str], suffix: str, what: str) -> str:
    """Return `path` as a string, or raise before anything is written or read."""
    path = os.fspath(path)
    if not path.endswith(suffix):
        raise ValueError(
            f"{what} needs a path ending in '{suffix}' (Keras 3's format); got {path!r}. "
            "Legacy HDF5 ('.h5') files and SavedModel folders are not supported."
        )
    return path


def save_model(model: keras.Model, path: str | os.PathLike[str]) -> None:
    """Save the whole model (architecture, weights, compile state, optimizer state)."""
    model.save(_require_suffix(path, MODEL_SUFFIX, "save_model"))


def load_model(path: str | os.PathLike[str]) -> keras.Model:
    """Load a `.keras` file in safe mode, compiled, with its optimizer state restored."""
    return keras.saving.load_model(_require_suffix(path, MODEL_SUFFIX, "load_model"))


def save_weights(model: keras.Model, path: str | os.PathLike[str]) -> None:
    """Save the model's weights only."""
    model.save_weights(_require_suffix(path, WEIGHTS_SUFFIX, "save_weights"))


def load_weights(
    builder: Callable[[], keras.Model], path: str | os.PathLike[str]
) -> keras.Model:
    """Build a fresh model with `builder()` and load the saved weights into it."""
    path = _require_suffix(path, WEIGHTS_SUFFIX, "load_weights")
    model = builder()
    model.load_weights(path)
    return model


def checkpoint(path: str | os.PathLike[str]) -> keras.callbacks.ModelCheckpoint:
    """A callback that keeps only the epoch with the lowest `val_loss` at `path`.

    `.keras` paths hold the whole model; `.weights.h5` paths the weights only.
    """
    path = os.fspath(path)
    weights_only = path.endswith(WEIGHTS_SUFFIX)
    if not weights_only:
        _require_suffix(path, MODEL_SUFFIX, "checkpoint")
    return keras.callbacks.ModelCheckpoint(
        path, monitor="val_loss", save_best_only=True, save_weights_only=weights_only
    )

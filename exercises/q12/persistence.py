"""q12: saving and loading models in Keras 3's own formats.

Keras 3 has two file formats of its own:

* `.keras`: the whole model in one zip file (architecture, weights, compile state and
  optimizer state): `model.save(path)` and `keras.saving.load_model(path)`;
* `.weights.h5`: the weights only: `model.save_weights(path)` and
  `model.load_weights(path)` on a model of the same architecture.

Keras 3 still writes and reads legacy HDF5 files for paths ending in plain `.h5` (with a
warning), and refuses SavedModel folder names. In this kata every function accepts only its
own suffix and raises `ValueError` for anything else, before writing or reading anything.

What the hidden tests check (see the README beside this file):
    behaviour      other suffixes raise ValueError naming the right suffix, nothing written;
                   load_model refuses a Python lambda (safe mode); the checkpoint file holds
                   the epoch with the lowest val_loss (the test replays the training).
    serialization  the saved file holds the model, and reloaded predictions equal those the
                   test computes from the file; the next training step after load_model equals
                   the step without the reload (optimizer state restored); load_weights fills
                   a fresh model from builder().
"""

from __future__ import annotations

import os
from collections.abc import Callable

import keras


def save_model(model: keras.Model, path: str | os.PathLike[str]) -> None:
    """Save the whole model (architecture, weights, compile and optimizer state).

    Args:
        model: the model to save.
        path: must end in ".keras"; anything else raises ValueError naming ".keras".

    Tested: the file's weights and compile state; refusing ".h5", ".weights.h5", bare names.
    """
    # TODO: check the suffix, then model.save(path).
    raise NotImplementedError("save_model")


def load_model(path: str | os.PathLike[str]) -> keras.Model:
    """Load a ".keras" file in safe mode, compiled, with its optimizer state.

    Args:
        path: must end in ".keras"; anything else raises ValueError naming ".keras".

    Returns:
        The compiled model: one more training step gives the same weights as it would have
        without saving and loading.

    Tested: predictions and the next optimizer step after reloading; a file holding a
    Python lambda is refused (safe mode).
    """
    # TODO: check the suffix, then keras.saving.load_model(path).
    raise NotImplementedError("load_model")


def save_weights(model: keras.Model, path: str | os.PathLike[str]) -> None:
    """Save the model's weights only.

    Args:
        model: the model whose weights to save.
        path: must end in ".weights.h5"; anything else raises ValueError naming it.
    """
    # TODO
    raise NotImplementedError("save_weights")


def load_weights(
    builder: Callable[[], keras.Model], path: str | os.PathLike[str]
) -> keras.Model:
    """Build a fresh model with `builder()`, load the saved weights into it, return it.

    Args:
        builder: a function without arguments that returns a new model of the saved
            architecture (with freshly initialised weights).
        path: must end in ".weights.h5"; anything else raises ValueError naming it.

    Returns:
        The model builder() made, holding the saved weights.
    """
    # TODO
    raise NotImplementedError("load_weights")


def checkpoint(path: str | os.PathLike[str]) -> keras.callbacks.Callback:
    """A callback that keeps, at `path`, only the epoch with the lowest `val_loss`.

    Args:
        path: must end in ".keras" (the whole model); ".weights.h5" (weights only) may be
            accepted too; anything else raises ValueError naming ".keras".

    Returns:
        A callback for `model.fit(..., validation_data=..., callbacks=[...])`.

    Tested: on a real run with a scripted val_loss, the file holds the best epoch's weights.
    """
    # TODO: keras.callbacks.ModelCheckpoint(...) watching val_loss, best only.
    raise NotImplementedError("checkpoint")

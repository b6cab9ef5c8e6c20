"""Another correct q12: pathlib suffix checks with a ValueError subclass, the functional
keras.saving API, and a hand-written best-only checkpoint callback."""

from pathlib import Path

import keras
import numpy as np


class WrongSuffix(ValueError):
    pass


def _path(path, suffix):
    name = Path(path).name
    if not name.endswith(suffix) or name == suffix:
        raise WrongSuffix(f"{name!r}: this function only handles '*{suffix}' files")
    return str(path)


def save_model(model, path):
    keras.saving.save_model(model, _path(path, ".keras"))


def load_model(path):
    return keras.saving.load_model(_path(path, ".keras"), compile=True, safe_mode=True)


def save_weights(model, path):
    model.save_weights(_path(path, ".weights.h5"), overwrite=True)


def load_weights(builder, path):
    path = _path(path, ".weights.h5")
    model = builder()
    model.load_weights(path)
    return model


class KeepBest(keras.callbacks.Callback):
    def __init__(self, path):
        super().__init__()
        self.path = path
        self.best = np.inf

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get("val_loss")
        if value is not None and value < self.best:
            self.best = value
            self.model.save(self.path, overwrite=True)


def checkpoint(path):
    return KeepBest(_path(path, ".keras"))

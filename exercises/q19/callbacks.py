"""q19: callbacks. Write two custom callbacks and configure the standard ones.

A callback is an object whose hooks `fit` calls at fixed points: `on_train_begin`,
`on_epoch_begin`, `on_train_batch_end`, `on_epoch_end`... Each hook receives `logs`, a dict of
the current metrics (`loss`, `accuracy`, `val_loss`, ... as far as they exist). Through
`self.model` a callback can act on the model, e.g. `self.model.stop_training = True` ends
training after the current epoch.

What the hidden tests check (see the README beside this file):
    behaviour      StopAtAccuracy stops at the end of exactly the first epoch whose
                   logs[monitor] reaches the threshold (>=), honours `monitor`, tolerates
                   missing keys, never acts from a batch hook; the same inside a real fit.
                   LossHistory records logs["loss"] after each training batch.
                   make_callbacks' TensorBoard writes train/ and validation/ event files.
    serialization  make_callbacks' checkpoint holds the epoch with the lowest val_loss and
                   reloads with keras.models.load_model.
"""

from __future__ import annotations

from typing import Any

import keras


class StopAtAccuracy(keras.callbacks.Callback):
    """Stop training at the end of the first epoch whose `logs[monitor]` reaches `threshold`.

    Args:
        threshold: the value to reach; reaching includes equality (`>=`).
        monitor: the key of the epoch logs to watch, e.g. `"accuracy"` or `"val_accuracy"`.
    """

    def __init__(self, threshold: float, monitor: str = "accuracy") -> None:
        super().__init__()
        # TODO: keep threshold and monitor.
        raise NotImplementedError("StopAtAccuracy.__init__")

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Set `self.model.stop_training = True` once `logs[monitor] >= threshold`.

        A missing key (e.g. `val_accuracy` in a fit without validation data) must neither
        raise nor stop training.
        """
        # TODO
        raise NotImplementedError("StopAtAccuracy.on_epoch_end")


class LossHistory(keras.callbacks.Callback):
    """Record `logs["loss"]` after every training batch in the list `self.losses`."""

    def __init__(self) -> None:
        super().__init__()
        # TODO: self.losses = []
        raise NotImplementedError("LossHistory.__init__")

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        """Append the batch's `logs["loss"]` as a float (validation batches do not come here)."""
        # TODO
        raise NotImplementedError("LossHistory.on_train_batch_end")


def make_callbacks(checkpoint_path: str, log_dir: str) -> list[keras.callbacks.Callback]:
    """The usual companions of a long training run.

    Args:
        checkpoint_path: where to keep the best model; ends in `.keras`.
        log_dir: the TensorBoard log folder.

    Returns:
        A list holding a `keras.callbacks.ModelCheckpoint` that keeps the whole model of the
        epoch with the lowest `val_loss` at `checkpoint_path`, and a
        `keras.callbacks.TensorBoard` logging to `log_dir`. Others (EarlyStopping,
        ReduceLROnPlateau, as in the seed) may join them.
    """
    # TODO
    raise NotImplementedError("make_callbacks")

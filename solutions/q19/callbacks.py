"""Reference solution for q19: custom callbacks and the standard ones, configured."""

from __future__ import annotations

from typing import Any

import keras


class StopAtAccuracy(keras.callbacks.Callback):
    """Stop training at the end of the first epoch whose `logs[monitor]` reaches `threshold`.

    Args:
        threshold: the value to reach (`>=`).
        monitor: the key of the epoch logs to watch, e.g. `"accuracy"` or `"val_accuracy"`.
    """

    def __init__(self, threshold: float, monitor: str = "accuracy") -> None:
        super().__init__()
        self.threshold = threshold
        self.monitor = monitor

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        value = (logs or {}).get(self.monitor)
        if value is not None and value >= self.threshold:
            self.model.stop_training = True


class LossHistory(keras.callbacks.Callback):
    """Record `logs["loss"]` after every training batch in `self.losses`."""

    def __init__(self) -> None:
        super().__init__()
        self.losses: list[float] = []

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.losses = []

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self.losses.append(float((logs or {})["loss"]))


def make_callbacks(checkpoint_path: str, log_dir: str) -> list[keras.callbacks.Callback]:
    """The usual training companions: keep the best model and log for TensorBoard.

    Args:
        checkpoint_path: where the best model is saved, a path ending in `.keras`.
        log_dir: the TensorBoard log folder (`train/` and `validation/` are written in it).

    Returns:
        A `ModelCheckpoint` that keeps only the epoch with the lowest `val_loss` (the whole
        model) and a `TensorBoard` callback.
    """
    return [
        keras.callbacks.ModelCheckpoint(
            checkpoint_path, monitor="val_loss", save_best_only=True
        ),
        keras.callbacks.TensorBoard(log_dir=log_dir),
    ]

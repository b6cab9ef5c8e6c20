"""Reference solution for q6: learning-rate scheduling, three ways."""

from __future__ import annotations

import math
from typing import Any

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="kata")
class WarmupDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Linear warm-up to `initial_lr`, then linear decay to 0 at `decay_steps`.

    `lr(step) = max(0, min(initial_lr * step / warmup_steps,
                           initial_lr * (1 - step / decay_steps)))`

    Args:
        initial_lr: the peak learning rate.
        warmup_steps: steps of the warm-up ramp.
        decay_steps: the step at which the rate reaches 0 (and stays there).
    """

    def __init__(self, initial_lr: float, warmup_steps: int, decay_steps: int) -> None:
        self.initial_lr = initial_lr
        self.warmup_steps = warmup_steps
        self.decay_steps = decay_steps

    def __call__(self, step: Any) -> Any:
        # Optimizers pass their int64 `iterations`: cast before any arithmetic with floats.
        step = ops.cast(step, "float32")
        warmup = self.initial_lr * step / self.warmup_steps
        decay = self.initial_lr * (1.0 - step / self.decay_steps)
        return ops.maximum(0.0, ops.minimum(warmup, decay))

    def get_config(self) -> dict[str, Any]:
        return {
            "initial_lr": self.initial_lr,
            "warmup_steps": self.warmup_steps,
            "decay_steps": self.decay_steps,
        }


def step_decay(epoch: int, lr: float) -> float:
    """For `keras.callbacks.LearningRateScheduler`: keep `lr` for epochs 0-9, then multiply
    it by exp(-0.1) at the start of every later epoch."""
    if epoch < 10:
        return float(lr)
    return float(lr * math.exp(-0.1))


def reduce_on_plateau() -> keras.callbacks.ReduceLROnPlateau:
    """Halve the learning rate after 3 epochs without a better `val_loss`, down to 1e-6."""
    return keras.callbacks.ReduceLROnPlateau(
        monitor="val_loss", factor=0.5, patience=3, min_lr=1e-6
    )

"""q6: learning-rate scheduling, three ways.

1. `WarmupDecay`, a `keras.optimizers.schedules.LearningRateSchedule`: the optimizer asks it
   for the rate at every step. Pass it as `keras.optimizers.Adam(learning_rate=WarmupDecay(...))`.
2. `step_decay(epoch, lr)`, a function for `keras.callbacks.LearningRateScheduler`, which calls
   it at the start of every epoch with the current rate.
3. `reduce_on_plateau()`, a `keras.callbacks.ReduceLROnPlateau` that halves the rate when the
   validation loss stops improving.

What the hidden tests check (see the README beside this file):
    behaviour      WarmupDecay equals the formula at chosen steps given as Python, NumPy and
                   tensor ints and floats (int64 tensors included), is 0 (never negative)
                   after decay_steps, and works inside a tf.function; step_decay's values;
                   LearningRateScheduler(step_decay) sets the right rate every epoch (checked
                   on the weights SGD reaches); the plateau callback's rates match Keras'
                   ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=3, min_lr=1e-6).
    serialization  keras.optimizers.schedules.serialize/deserialize rebuilds the schedule; an
                   Adam optimizer using it survives a `.keras` save and load, and the file
                   stores WarmupDecay with its three arguments.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops  # noqa: F401


# TODO: register the class so deserialize and load_model can find it by name.
class WarmupDecay(keras.optimizers.schedules.LearningRateSchedule):
    """Linear warm-up, then linear decay to 0:

        lr(step) = max(0, min(initial_lr * step / warmup_steps,
                              initial_lr * (1 - step / decay_steps)))

    Args:
        initial_lr: the peak learning rate, e.g. 0.01.
        warmup_steps: length of the warm-up ramp, in steps.
        decay_steps: the step at which the rate reaches 0; it stays 0 afterwards.
    """

    def __init__(self, initial_lr: float, warmup_steps: int, decay_steps: int) -> None:
        # TODO: store the three arguments under their own names.
        raise NotImplementedError("WarmupDecay.__init__")

    def __call__(self, step: Any) -> Any:
        """The rate at `step`, a float scalar.

        `step` may be a Python or NumPy int or float, or a tensor: optimizers pass their int64
        `iterations`, often inside a tf.function. Cast it to float first
        (`ops.cast(step, "float32")`) and use `ops.minimum` / `ops.maximum`, not Python's
        min/max, which need a concrete value.
        """
        # TODO
        raise NotImplementedError("WarmupDecay.__call__")

    def get_config(self) -> dict[str, Any]:
        """Return {"initial_lr": ..., "warmup_steps": ..., "decay_steps": ...}.

        Keras rebuilds the schedule with `WarmupDecay(**config)`, so the keys are the
        constructor's argument names. Without get_config Keras 3 refuses to save it.
        """
        # TODO
        raise NotImplementedError("WarmupDecay.get_config")


def step_decay(epoch: int, lr: float) -> float:
    """The schedule for `keras.callbacks.LearningRateScheduler(step_decay)`.

    Args:
        epoch: the epoch about to start, counted from 0.
        lr: the optimizer's current learning rate.

    Returns:
        A Python float: `lr` for epochs 0-9, `lr * exp(-0.1)` from epoch 10 on (so the rate
        shrinks by the same factor every epoch). LearningRateScheduler refuses tensors.
    """
    # TODO
    raise NotImplementedError("step_decay")


def reduce_on_plateau() -> keras.callbacks.ReduceLROnPlateau:
    """A fresh ReduceLROnPlateau: watch `val_loss`, halve the rate after 3 epochs without
    improvement, never below 1e-6."""
    # TODO
    raise NotImplementedError("reduce_on_plateau")

"""Another correct q6: the schedule as an explicit piecewise function with keras.ops.where
(the ramp meets the decay line at warmup * decay / (warmup + decay)), float64 arithmetic,
keras.utils registration under another package, a config built from a dict comprehension."""

import math

import keras

_ARGS = ("initial_lr", "warmup_steps", "decay_steps")


@keras.utils.register_keras_serializable(package="alt")
class WarmupDecay(keras.optimizers.schedules.LearningRateSchedule):
    def __init__(self, initial_lr, warmup_steps, decay_steps):
        super().__init__()
        self.initial_lr = float(initial_lr)
        self.warmup_steps = int(warmup_steps)
        self.decay_steps = int(decay_steps)

    def __call__(self, step):
        t = keras.ops.convert_to_tensor(step, dtype="float64")
        peak = self.warmup_steps * self.decay_steps / (self.warmup_steps + self.decay_steps)
        ramp = self.initial_lr * t / self.warmup_steps
        fall = self.initial_lr * (1.0 - t / self.decay_steps)
        rate = keras.ops.where(t <= peak, ramp, keras.ops.relu(fall))
        return keras.ops.cast(rate, "float32")

    def get_config(self):
        return {name: getattr(self, name) for name in _ARGS}


def step_decay(epoch, lr):
    factor = 1.0 if epoch <= 9 else math.exp(-0.1)
    return lr * factor


def reduce_on_plateau():
    return keras.callbacks.ReduceLROnPlateau(factor=0.5, min_lr=1e-6, patience=3,
                                             monitor="val_loss", mode="min")

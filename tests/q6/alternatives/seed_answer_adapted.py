"""The seed's own answer (coding question 6), changed only where Keras 3 or the catalogue
forces it: the step is cast to float (the seed multiplies a float by an int step tensor,
which TensorFlow refuses), the rate is clipped at 0 (the seed's decay term goes negative
after decay_steps), get_config is added (Keras 3 refuses to save a schedule without one), the
class is registered (or load_model and deserialize cannot find it), and the three pieces
carry the catalogue's names. `import keras` replaces `from tensorflow import keras`, whose
TF 2.21 shim has no `keras.saving`; the seed also used `tf` without importing it."""

import keras
import numpy as np
import tensorflow as tf


# Method 4: Warmup schedule
@keras.saving.register_keras_serializable()
class WarmupDecay(keras.optimizers.schedules.LearningRateSchedule):
    def __init__(self, initial_lr, warmup_steps, decay_steps):
        self.initial_lr = initial_lr
        self.warmup_steps = warmup_steps
        self.decay_steps = decay_steps

    def __call__(self, step):
        step = tf.cast(step, tf.float32)
        warmup = self.initial_lr * step / self.warmup_steps
        decay = self.initial_lr * (1 - step / self.decay_steps)
        return tf.maximum(0.0, tf.minimum(warmup, decay))

    def get_config(self):
        return {"initial_lr": self.initial_lr, "warmup_steps": self.warmup_steps,
                "decay_steps": self.decay_steps}


# Method 2: LearningRateScheduler callback
def step_decay(epoch, lr):
    if epoch < 10:
        return lr
    else:
        return lr * np.exp(-0.1)


# Method 1: ReduceLROnPlateau callback
def reduce_on_plateau():
    return keras.callbacks.ReduceLROnPlateau(
        monitor='val_loss',
        factor=0.5,        # Reduce LR by half
        patience=3,        # Wait 3 epochs
        min_lr=1e-6,
        verbose=1
    )

"""Another correct q19: logs normalised with `or {}` and a float default, the batch hook
under its Keras 3 name with NumPy floats, and every ModelCheckpoint/TensorBoard setting
spelled out (mode, save_weights_only, no graph), plus an EarlyStopping."""

import keras
import numpy as np


class StopAtAccuracy(keras.callbacks.Callback):
    def __init__(self, threshold, monitor="accuracy"):
        super().__init__()
        self.threshold = float(threshold)
        self.monitor = monitor

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.monitor in logs and float(logs[self.monitor]) >= self.threshold:
            self.model.stop_training = True


class LossHistory(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.losses = []

    def on_train_batch_end(self, batch, logs=None):
        self.losses.append(np.float32(logs["loss"]))


def make_callbacks(checkpoint_path, log_dir):
    return [
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=2),
        keras.callbacks.TensorBoard(log_dir=log_dir, histogram_freq=0, write_graph=False),
        keras.callbacks.ModelCheckpoint(filepath=checkpoint_path, monitor="val_loss",
                                        mode="min", save_best_only=True,
                                        save_weights_only=False, verbose=0),
    ]

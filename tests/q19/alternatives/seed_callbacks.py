"""The seed's answer adapted: its CustomCallback with the threshold and key as arguments,
`>=` and a default for a missing key (the contract: 'reaches' includes equality, missing keys
tolerated); the classic Keras LossHistory (reset in on_train_begin, Keras-2 on_batch_end
alias); and the seed's list of four callbacks with a `.keras` checkpoint instead of the legacy
'best_model.h5'."""

from tensorflow import keras


class StopAtAccuracy(keras.callbacks.Callback):
    def __init__(self, threshold, monitor="accuracy"):
        super().__init__()
        self.threshold = threshold
        self.monitor = monitor

    def on_epoch_end(self, epoch, logs=None):
        if logs.get(self.monitor, 0.0) >= self.threshold:
            print(f"\n{self.threshold:.0%} {self.monitor} reached!")
            self.model.stop_training = True


class LossHistory(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.losses = []

    def on_train_begin(self, logs=None):
        self.losses = []

    def on_batch_end(self, batch, logs=None):
        self.losses.append(logs.get("loss"))


def make_callbacks(checkpoint_path, log_dir):
    callbacks = [
        # Save best model
        keras.callbacks.ModelCheckpoint(
            filepath=checkpoint_path,
            save_best_only=True,
            monitor="val_loss",
        ),
        # Early stopping
        keras.callbacks.EarlyStopping(
            monitor="val_loss",
            patience=5,
            restore_best_weights=True,
        ),
        # Reduce LR when plateau
        keras.callbacks.ReduceLROnPlateau(
            monitor="val_loss",
            factor=0.5,
            patience=3,
        ),
        # TensorBoard
        keras.callbacks.TensorBoard(log_dir=log_dir),
    ]
    return callbacks

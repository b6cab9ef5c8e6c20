"""Another correct q11: a registered hand-written L2 regularizer (penalizing the output
kernel too), tanh hidden units, a plain Dense + Activation split, and early stopping written
as its own Callback."""

import keras
import numpy as np
from keras import layers, ops


@keras.saving.register_keras_serializable(package="alt")
class SquaredKernel(keras.regularizers.Regularizer):
    def __init__(self, factor):
        self.factor = float(factor)

    def __call__(self, kernel):
        return self.factor * ops.sum(ops.square(kernel))

    def get_config(self):
        return {"factor": self.factor}


def build_regularized_mlp(input_dim, num_classes, l2=0.01, dropout=0.5):
    model = keras.Sequential([keras.Input(shape=(input_dim,))])
    for width in (96, 48):
        model.add(layers.Dense(width, kernel_regularizer=SquaredKernel(l2)))
        model.add(layers.Activation("tanh"))
        model.add(layers.Dropout(dropout))
    model.add(layers.Dense(num_classes, kernel_regularizer=SquaredKernel(l2)))
    model.add(layers.Activation("softmax"))
    model.compile(optimizer=keras.optimizers.Adam(), metrics=["accuracy"],
                  loss=keras.losses.SparseCategoricalCrossentropy())
    return model


class BestValLoss(keras.callbacks.Callback):
    def __init__(self, patience):
        super().__init__()
        self.patience = patience

    def on_train_begin(self, logs=None):
        self.best, self.best_weights, self.waited = np.inf, None, 0

    def on_epoch_end(self, epoch, logs=None):
        current = logs["val_loss"]
        if current < self.best:
            self.best, self.waited = current, 0
            self.best_weights = self.model.get_weights()
            return
        self.waited += 1
        if self.waited >= self.patience:
            self.model.stop_training = True
            self.model.set_weights(self.best_weights)


def early_stopping(patience=5):
    return BestValLoss(patience)

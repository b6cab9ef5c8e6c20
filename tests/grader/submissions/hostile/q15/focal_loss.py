"""A q15 that never returns."""

import keras


def binary_focal_loss(y_true, y_pred, gamma=2.0, alpha=0.25):
    while True:
        pass


class FocalLoss(keras.losses.Loss):
    def call(self, y_true, y_pred):
        return binary_focal_loss(y_true, y_pred)

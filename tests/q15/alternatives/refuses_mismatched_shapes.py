"""Another correct q15: the cross-entropy from keras.ops.binary_crossentropy, which raises a
ValueError for (B,) labels against (B, 1) predictions instead of aligning them (the contract
allows either), p_t from exp(-bce), and an explicit registration name."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="alternative", name="binary_focal_loss")
def binary_focal_loss(y_true, y_pred, gamma=2.0, alpha=0.25):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    eps = keras.config.epsilon()
    p = ops.clip(y_pred, eps, 1.0 - eps)
    bce = ops.binary_crossentropy(y_true, p)  # elementwise; shapes must match exactly
    p_t = ops.exp(-bce)
    alpha_t = y_true * alpha + (1.0 - y_true) * (1.0 - alpha)
    return ops.mean(alpha_t * ops.power(1.0 - p_t, gamma) * bce, axis=-1)


@keras.saving.register_keras_serializable(package="alternative", name="FocalLoss")
class FocalLoss(keras.losses.Loss):
    def __init__(self, gamma=2.0, alpha=0.25, from_logits=False, **kwargs):
        super().__init__(**kwargs)
        self.gamma = gamma
        self.alpha = alpha
        self.from_logits = from_logits

    def call(self, y_true, y_pred):
        y_pred = ops.sigmoid(y_pred) if self.from_logits else y_pred
        return binary_focal_loss(y_true, y_pred, self.gamma, self.alpha)

    def get_config(self):
        config = super().get_config()
        config.update(gamma=self.gamma, alpha=self.alpha, from_logits=self.from_logits)
        return config

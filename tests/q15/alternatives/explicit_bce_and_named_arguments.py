"""Another correct q15: cross-entropy written out with tf ops, explicit reduction/name
arguments instead of **kwargs, and tf.nn.sigmoid for logits."""

import keras
import tensorflow as tf


@keras.utils.register_keras_serializable()
def binary_focal_loss(y_true, y_pred, gamma=2.0, alpha=0.25):
    y_pred = tf.convert_to_tensor(y_pred)
    y_true = tf.reshape(tf.cast(y_true, y_pred.dtype), tf.shape(y_pred))
    eps = keras.config.epsilon()
    p = tf.clip_by_value(y_pred, eps, 1.0 - eps)
    bce = -(y_true * tf.math.log(p) + (1 - y_true) * tf.math.log(1 - p))
    p_t = tf.where(y_true > 0.5, p, 1 - p)
    alpha_t = tf.where(y_true > 0.5, alpha, 1 - alpha)
    return tf.reduce_mean(alpha_t * (1 - p_t) ** gamma * bce, axis=-1)


@keras.utils.register_keras_serializable()
class FocalLoss(keras.losses.Loss):
    def __init__(self, gamma=2.0, alpha=0.25, from_logits=False,
                 reduction="sum_over_batch_size", name="focal_loss"):
        super().__init__(reduction=reduction, name=name)
        self.gamma, self.alpha, self.from_logits = gamma, alpha, from_logits

    def call(self, y_true, y_pred):
        if self.from_logits:
            y_pred = tf.nn.sigmoid(y_pred)
        return binary_focal_loss(y_true, y_pred, self.gamma, self.alpha)

    def get_config(self):
        return {**super().get_config(), "gamma": self.gamma, "alpha": self.alpha,
                "from_logits": self.from_logits}

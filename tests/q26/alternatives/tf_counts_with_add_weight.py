"""Another correct q26 in raw TensorFlow: integer-free float counts kept with add_weight,
tf.math.count_nonzero for the counts, tf.where for the zero case; registered with
keras.utils and the F1 written as 2PR / (P + R)."""

import keras
import tensorflow as tf


@keras.utils.register_keras_serializable(package="alt_q26")
class F1Score(keras.metrics.Metric):
    def __init__(self, threshold=0.5, name="f1_score", **kwargs):
        super().__init__(name=name, **kwargs)
        self.threshold = threshold
        self.counts = self.add_weight(shape=(3,), initializer="zeros", name="tp_fp_fn")

    def update_state(self, y_true, y_pred, sample_weight=None):
        actual = tf.reshape(tf.cast(y_true, tf.float32), [-1]) > 0.5
        predicted = tf.reshape(tf.cast(y_pred, tf.float32), [-1]) > self.threshold
        tp = tf.math.count_nonzero(actual & predicted)
        fp = tf.math.count_nonzero(~actual & predicted)
        fn = tf.math.count_nonzero(actual & ~predicted)
        self.counts.assign_add(tf.cast(tf.stack([tp, fp, fn]), tf.float32))

    def result(self):
        tp, fp, fn = tf.unstack(self.counts)
        precision = tf.math.divide_no_nan(tp, tp + fp)
        recall = tf.math.divide_no_nan(tp, tp + fn)
        f1 = tf.math.divide_no_nan(2.0 * precision * recall, precision + recall)
        return tf.where(tp > 0, f1, 0.0)

    def reset_state(self):
        self.counts.assign(tf.zeros_like(self.counts))

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}

"""Another correct q24 in raw TensorFlow: the sparse loss gathers the true class's probability
(no one-hot), the categorical one renormalises the rows as Keras does, and the table is an
if-chain of tuples with "bce"-style aliases."""

import keras
import tensorflow as tf


def _clipped(probs):
    eps = keras.config.epsilon()
    return tf.clip_by_value(probs, eps, 1.0 - eps)


def categorical_crossentropy(y_onehot, probs):
    probs = tf.convert_to_tensor(probs, tf.float32)
    probs = probs / tf.reduce_sum(probs, axis=-1, keepdims=True)
    y = tf.cast(y_onehot, probs.dtype)
    return -tf.reduce_sum(y * tf.math.log(_clipped(probs)), axis=-1)


def sparse_categorical_crossentropy(labels, probs):
    probs = tf.convert_to_tensor(probs, tf.float32)
    labels = tf.reshape(tf.cast(labels, tf.int64), [-1])
    picked = tf.gather(probs, labels, axis=1, batch_dims=1)
    return -tf.math.log(_clipped(picked))


def output_head(task):
    if task == "binary":
        return "sigmoid", "bce"
    if task == "multiclass_onehot":
        return "softmax", keras.losses.categorical_crossentropy
    if task == "multiclass_int":
        return "softmax", "sparse_categorical_crossentropy"
    if task == "regression":
        return "linear", keras.losses.MeanSquaredError()
    raise ValueError(f"unknown task {task!r}")

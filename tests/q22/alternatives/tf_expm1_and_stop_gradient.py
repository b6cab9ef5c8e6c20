"""Another correct q22, in tf: relu as a mask, the seed's max(alpha * x, x) for leaky_relu,
tanh from expm1 with safe branches, sigmoid from tanh, softmax with a max shift
kept out of the gradient (tf.stop_gradient)."""

import tensorflow as tf


def relu(x):
    x = tf.convert_to_tensor(x)
    return x * tf.cast(x > 0, x.dtype)


def leaky_relu(x, alpha=0.01):
    x = tf.convert_to_tensor(x)
    return tf.maximum(alpha * x, x)  # right for 0 <= alpha <= 1


def tanh(x):
    x = tf.convert_to_tensor(x)
    positive = x >= 0
    x_pos = tf.where(positive, x, tf.zeros_like(x))
    x_neg = tf.where(positive, tf.zeros_like(x), x)
    m_pos = tf.math.expm1(-2.0 * x_pos)  # in (-1, 0]
    m_neg = tf.math.expm1(2.0 * x_neg)  # in (-1, 0]
    return tf.where(positive, -m_pos / (2.0 + m_pos), m_neg / (2.0 + m_neg))


def sigmoid(x):
    return 0.5 * (1.0 + tanh(0.5 * tf.convert_to_tensor(x)))


def softmax(x, axis=-1):
    x = tf.convert_to_tensor(x)
    # Not exp(x - reduce_logsumexp(x)): at +-1000 float32 keeps only ~6e-5 of the log-sum,
    # 2e-5 off Keras after exp, beyond the kata's tolerance.
    e = tf.exp(x - tf.stop_gradient(tf.reduce_max(x, axis=axis, keepdims=True)))
    return e / tf.reduce_sum(e, axis=axis, keepdims=True)

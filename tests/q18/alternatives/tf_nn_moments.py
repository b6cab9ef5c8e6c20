"""Another correct q18 in plain TensorFlow: tf.nn.moments with keepdims, the normalization
written out with tf.math.rsqrt, statistics squeezed back to (C,) and returned as NumPy-free
tensors; training given by keyword or position."""

import tensorflow as tf


def batchnorm_forward(x, gamma, beta, moving_mean, moving_var, training, momentum=0.99,
                      epsilon=1e-3):
    x = tf.cast(x, tf.float32)
    moving_mean = tf.cast(moving_mean, tf.float32)
    moving_var = tf.cast(moving_var, tf.float32)
    if not training:
        inv = tf.math.rsqrt(moving_var + epsilon) * gamma
        return x * inv + (beta - moving_mean * inv), moving_mean, moving_var
    batch_mean, batch_var = tf.nn.moments(x, axes=list(range(x.shape.rank - 1)), keepdims=True)
    inv = tf.math.rsqrt(batch_var + epsilon) * gamma
    y = (x - batch_mean) * inv + beta
    batch_mean = tf.reshape(batch_mean, [-1])
    batch_var = tf.reshape(batch_var, [-1])
    new_mean = momentum * moving_mean + (1.0 - momentum) * batch_mean
    new_var = momentum * moving_var + (1.0 - momentum) * batch_var
    return y, new_mean, new_var

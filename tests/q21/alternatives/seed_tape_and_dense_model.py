"""Another correct q21, the seed's own answers adapted. Theory Q2 differentiates through a
tf.Variable (`x = tf.Variable(3.0)`), which a tape watches by itself; integers are cast
first (tf.Variable(3) is int32 and has no gradient). Theory Q7's train_step trains a Dense
model under a tf.function with a tape; plain gradient descent (SGD without momentum) replaces
its 'adam', as the contract asks, and the model's random initial weights stay."""

import keras
import tensorflow as tf


def _variable(x):
    x = tf.convert_to_tensor(x)
    return tf.Variable(x if x.dtype.is_floating else tf.cast(x, tf.float32))


def derivative(f, x):
    x = _variable(x)
    with tf.GradientTape() as tape:
        y = f(x)
    return tape.gradient(y, x)


def second_derivative(f, x):
    x = _variable(x)
    with tf.GradientTape() as tape2:
        with tf.GradientTape() as tape1:
            y = f(x)
        dy = tape1.gradient(y, x)
    return tape2.gradient(dy, x)


def linear_regression(x, y, lr, steps):
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    optimizer = keras.optimizers.SGD(learning_rate=lr)
    x = tf.reshape(tf.constant(x, tf.float32), (-1, 1))
    y = tf.reshape(tf.constant(y, tf.float32), (-1, 1))

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            predictions = model(x, training=True)
            loss = tf.reduce_mean(keras.losses.mean_squared_error(y, predictions))
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables))
        return loss

    for _ in range(steps):
        train_step(x, y)
    kernel, bias = model.get_weights()
    return kernel[0, 0], bias[0]

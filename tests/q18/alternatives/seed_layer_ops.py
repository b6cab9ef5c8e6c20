"""The seed's answer adapted: the seed uses `layers.BatchNormalization()`, which in Keras 3
computes `ops.moments` over every axis but the last, updates the moving statistics with
`moving * momentum + batch * (1 - momentum)`, and normalizes with `ops.batch_normalization`.
A function cannot hold the layer's variables, so this runs the same ops on the arguments."""

import keras


def batchnorm_forward(x, gamma, beta, moving_mean, moving_var, training, momentum=0.99,
                      epsilon=1e-3):
    x = keras.ops.convert_to_tensor(x)
    moving_mean = keras.ops.convert_to_tensor(moving_mean, dtype=x.dtype)
    moving_var = keras.ops.convert_to_tensor(moving_var, dtype=x.dtype)
    if training:
        reduction_axes = list(range(len(x.shape) - 1))
        mean, variance = keras.ops.moments(x, axes=reduction_axes)
        new_mean = moving_mean * momentum + mean * (1.0 - momentum)
        new_var = moving_var * momentum + variance * (1.0 - momentum)
    else:
        mean, variance = moving_mean, moving_var
        new_mean, new_var = moving_mean, moving_var
    outputs = keras.ops.batch_normalization(
        x=x, mean=mean, variance=variance, axis=-1, offset=beta, scale=gamma, epsilon=epsilon
    )
    return outputs, new_mean, new_var

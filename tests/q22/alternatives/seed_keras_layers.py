"""Another correct q22, the seed's own answer adapted: it uses Keras' activation layers
(`Dense(activation='relu')`, `LeakyReLU(alpha=0.1)`, sigmoid and softmax outputs). Keras 3
renames LeakyReLU's `alpha` to `negative_slope`; the layers are called on the input."""

import keras
from keras import layers


def relu(x):
    return layers.ReLU()(x)


def leaky_relu(x, alpha=0.01):
    return layers.LeakyReLU(negative_slope=alpha)(x)


def sigmoid(x):
    return layers.Activation("sigmoid")(x)


def tanh(x):
    return layers.Activation("tanh")(x)


def softmax(x, axis=-1):
    return layers.Softmax(axis=axis)(keras.ops.convert_to_tensor(x))

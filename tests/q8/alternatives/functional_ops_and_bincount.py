"""Another correct q8: a Functional MLP with per-layer integer seeds, members called directly
(no predict), keras.ops for the means, np.bincount for the votes, and an ensemble model that
averages with keras.ops inside the functional graph."""

import keras
import numpy as np


def create_model(seed):
    inputs = keras.Input(shape=(10,))
    x = inputs
    for i, units in enumerate((64, 32)):
        init = keras.initializers.HeUniform(seed=1000 * seed + i)
        x = keras.layers.Dense(units, activation="relu", kernel_initializer=init)(x)
        if i == 0:
            x = keras.layers.Dropout(0.3, seed=seed)(x)
    init = keras.initializers.GlorotNormal(seed=1000 * seed + 2)
    outputs = keras.layers.Dense(3, activation="softmax", kernel_initializer=init)(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(), metrics=["sparse_categorical_accuracy"],
                  loss=keras.losses.SparseCategoricalCrossentropy())
    return model


def _probabilities(models, x):
    return keras.ops.stack([model(x, training=False) for model in models])


def ensemble_predict(models, x):
    mean = keras.ops.convert_to_numpy(keras.ops.mean(_probabilities(models, x), axis=0))
    return mean.argmax(axis=1).astype("int32")


def voting_predict(models, x):
    probabilities = keras.ops.convert_to_numpy(_probabilities(models, x))
    votes = probabilities.argmax(axis=-1)
    classes = probabilities.shape[-1]
    return np.array([np.bincount(column, minlength=classes).argmax() for column in votes.T])


def build_ensemble_model(models, input_shape):
    inputs = keras.Input(shape=input_shape)
    stacked = keras.ops.stack([model(inputs) for model in models], axis=0)
    return keras.Model(inputs, keras.ops.mean(stacked, axis=0))

"""Another correct q24, the seed's own answer: delegate to Keras' loss functions, and the
seed's table of pairs (Keras objects for activations, aliases such as "mse" for losses)."""

import keras

HEADS = {
    "binary": (keras.activations.sigmoid, "binary_crossentropy"),
    "multiclass_onehot": (keras.activations.softmax, keras.losses.CategoricalCrossentropy()),
    "multiclass_int": ("softmax", keras.losses.SparseCategoricalCrossentropy()),
    "regression": (None, "mse"),
}


def categorical_crossentropy(y_onehot, probs):
    return keras.losses.categorical_crossentropy(y_onehot, probs)


def sparse_categorical_crossentropy(labels, probs):
    return keras.losses.sparse_categorical_crossentropy(labels, probs)


def output_head(task):
    return HEADS[task]

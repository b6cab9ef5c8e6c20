"""q29 alternative: the seed's `set_global_policy('mixed_float16')`, moved inside the builder
and undone afterwards, with a Sequential model whose last Dense runs in float32."""

import keras
from keras import layers


def build_mixed_precision_model(input_dim, num_classes):
    old_policy = keras.mixed_precision.global_policy()
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        model = keras.Sequential([
            keras.Input(shape=(input_dim,)),
            layers.Dense(32, activation="relu"),
            layers.BatchNormalization(),
            layers.Dense(32, activation="relu"),
            layers.Dense(num_classes, activation="softmax", dtype="float32"),
        ])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    finally:
        keras.mixed_precision.set_global_policy(old_policy)
    return model

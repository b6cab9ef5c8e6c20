"""The seed's answer adapted: its four layers with their own settings (RandomContrast keeps
its default value_range of (0, 255)), the seed passed to each layer because the contract's
build_augmenter(seed) asks for reproducible draws, and its tf.data route ("pipeline
augmentation") as a map with training=True. ImageDataGenerator is legacy in Keras 3."""

import tensorflow as tf
from tensorflow import keras
from tensorflow.keras import layers


def build_augmenter(seed=None):
    data_augmentation = keras.Sequential([
        layers.RandomFlip("horizontal", seed=seed),
        layers.RandomRotation(0.1, seed=seed),
        layers.RandomZoom(0.1, seed=seed),
        layers.RandomContrast(0.1, seed=seed),
    ])
    return data_augmentation


def augment_dataset(ds, augmenter):
    return ds.map(lambda x, y: (augmenter(x, training=True), y),
                  num_parallel_calls=tf.data.AUTOTUNE)

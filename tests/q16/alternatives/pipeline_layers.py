"""Another correct q16: keras.layers.Pipeline (not a Model) of other random layers, each
seeded from one NumPy generator, with a deterministic parallel map and prefetch."""

import keras
import numpy as np
import tensorflow as tf


def build_augmenter(seed=None):
    rng = np.random.default_rng(seed)

    def layer_seed():
        return None if seed is None else int(rng.integers(2**31 - 1))

    return keras.layers.Pipeline([
        keras.layers.RandomTranslation(0.1, 0.1, seed=layer_seed()),
        keras.layers.RandomBrightness(0.1, value_range=(0.0, 1.0), seed=layer_seed()),
        keras.layers.RandomFlip("horizontal_and_vertical", seed=layer_seed()),
    ])


def augment_dataset(ds, augmenter):
    mapped = ds.map(lambda images, labels: (augmenter(images, training=True), labels),
                    num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    return mapped.prefetch(tf.data.AUTOTUNE)

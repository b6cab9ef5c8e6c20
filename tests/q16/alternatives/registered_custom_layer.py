"""Another correct q16: one registered Layer subclass drawing its own random numbers with a
SeedGenerator (flip half of the images left-right, add Gaussian noise), the identity unless
training is true; a named map function with a deterministic, sequential map."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="alt16")
class FlipAndNoise(keras.layers.Layer):
    def __init__(self, stddev=0.05, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.stddev = stddev
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, images, training=None):
        if not training:
            return images
        batch = ops.shape(images)[0]
        flip = keras.random.uniform((batch, 1, 1, 1), seed=self.seed_generator) < 0.5
        images = ops.where(flip, ops.flip(images, axis=2), images)
        noise = keras.random.normal(ops.shape(images), stddev=self.stddev,
                                    seed=self.seed_generator)
        return images + noise

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


def build_augmenter(seed=None):
    return FlipAndNoise(seed=seed)


def augment_dataset(ds, augmenter):
    def augment(images, labels):
        return augmenter(images, training=True), labels

    return ds.map(augment)

"""Another correct q25 without StringLookup: a registered custom layer that compares the
input with its vocabulary using tf ops (the vocabulary lives in its config), and tf.one_hot
for the labels."""

import keras
import numpy as np
import tensorflow as tf


@keras.saving.register_keras_serializable(package="alt_q25")
class CategoryEncoder(keras.layers.Layer):
    def __init__(self, categories, mode="one_hot", **kwargs):
        super().__init__(**kwargs)
        self.categories = list(categories)
        self.mode = mode

    def call(self, inputs):
        inputs = tf.convert_to_tensor(inputs)
        if self.mode == "one_hot" and inputs.shape.rank > 1 and inputs.shape[-1] == 1:
            inputs = tf.squeeze(inputs, -1)
        matches = tf.equal(tf.expand_dims(inputs, -1), tf.constant(self.categories))
        positions = tf.range(1, len(self.categories) + 1, dtype=tf.int64)
        index = tf.reduce_sum(tf.cast(matches, tf.int64) * positions, axis=-1)
        if self.mode == "int":
            return index
        return tf.one_hot(index, len(self.categories) + 1)

    def compute_output_shape(self, input_shape):
        if self.mode == "int":
            return input_shape
        if len(input_shape) > 1 and input_shape[-1] == 1:
            input_shape = input_shape[:-1]
        return (*input_shape, len(self.categories) + 1)

    def get_config(self):
        return {**super().get_config(), "categories": self.categories, "mode": self.mode}


def build_category_encoder(vocabulary, output_mode="one_hot"):
    return CategoryEncoder(vocabulary, mode=output_mode)


def to_one_hot(labels, num_classes):
    labels = tf.convert_to_tensor(np.asarray(labels, dtype="int64"))
    if labels.shape.rank > 1 and labels.shape[-1] == 1:
        labels = tf.squeeze(labels, -1)
    return tf.one_hot(labels, num_classes).numpy()

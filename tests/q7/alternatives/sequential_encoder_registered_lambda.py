"""Another correct q7: a Sequential encoder, a Lambda around a *registered* named function
(which safe mode accepts, unlike a Python lambda), and the loss written with tf ops."""

import keras
import tensorflow as tf
from keras import layers


@keras.saving.register_keras_serializable()
def euclidean_distance(a, b):
    return tf.sqrt(tf.reduce_sum(tf.square(a - b), axis=-1, keepdims=True) + 1e-7)


@keras.saving.register_keras_serializable()
def pair_distance(pair):
    return euclidean_distance(pair[0], pair[1])


def build_encoder(input_shape, embedding_dim=32):
    return keras.Sequential([
        keras.Input(input_shape),
        layers.Conv2D(16, 3, activation="relu", padding="same"),
        layers.Flatten(),
        layers.Dense(64, activation="relu"),
        layers.Dense(embedding_dim),
    ])


def build_siamese(input_shape):
    encoder = build_encoder(input_shape)
    left, right = keras.Input(input_shape), keras.Input(input_shape)
    distance = layers.Lambda(pair_distance, output_shape=(1,))([encoder(left), encoder(right)])
    return keras.Model([left, right], distance)


def contrastive_loss(y_true, distance, margin=1.0):
    y = tf.reshape(tf.cast(y_true, distance.dtype), tf.shape(distance))
    return tf.reduce_mean(y * tf.square(distance)
                          + (1 - y) * tf.square(tf.maximum(margin - distance, 0.0)))

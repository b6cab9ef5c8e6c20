"""Reference solution for q16: data augmentation with Keras preprocessing layers."""

from __future__ import annotations

import keras
import tensorflow as tf


def build_augmenter(seed: int | None = None) -> keras.Sequential:
    """Random flips, rotations, zooms and contrast changes, active only in training.

    Args:
        seed: an int makes the random draws reproducible: two augmenters built with the same
            seed give the same images over the same sequence of calls. None draws fresh seeds.

    Returns:
        A `keras.Sequential` of random preprocessing layers. Called with `training=False`
        (or inside `predict`/`evaluate`) it returns its input unchanged.
    """

    def layer_seed(offset: int) -> int | None:
        # One seed per layer, so the layers do not draw the same random numbers.
        return None if seed is None else seed + offset

    return keras.Sequential(
        [
            keras.layers.RandomFlip("horizontal", seed=layer_seed(0)),
            keras.layers.RandomRotation(0.1, fill_mode="reflect", seed=layer_seed(1)),
            keras.layers.RandomZoom(0.1, fill_mode="reflect", seed=layer_seed(2)),
            keras.layers.RandomContrast(0.1, value_range=(0, 1), seed=layer_seed(3)),
        ],
        name="augmenter",
    )


def augment_dataset(ds: tf.data.Dataset, augmenter: keras.layers.Layer) -> tf.data.Dataset:
    """Augment the images of a batched `(images, labels)` dataset, anew in every epoch.

    Args:
        ds: a batched `tf.data.Dataset` of `(images, labels)` tuples.
        augmenter: a Keras layer such as the one `build_augmenter` returns.

    Returns:
        A dataset with the same structure, batches and order: the labels untouched, the
        images replaced by the augmenter's training-mode output. Nothing is cached after the
        map, so every epoch draws new transformations.
    """
    return ds.map(
        lambda images, labels: (augmenter(images, training=True), labels),
        num_parallel_calls=tf.data.AUTOTUNE,
    ).prefetch(tf.data.AUTOTUNE)

"""q16: data augmentation. Build an augmenter from Keras' random preprocessing layers and
use it in a tf.data pipeline.

Augmentation shows the model slightly changed copies of its training images (flipped,
rotated, zoomed...), so it learns what does not matter. Keras 3 does it with layers:

* `keras.layers.RandomFlip`, `RandomRotation`, `RandomZoom`, `RandomContrast`... transform
  images when called with `training=True` and return them unchanged otherwise, so the same
  layers can sit at the start of a model (`fit` trains on augmented images, `predict` sees
  the originals) or inside a `tf.data` pipeline;
* each takes a `seed`, so the draws can be reproduced.

What the hidden tests check (see the README beside this file):
    shape          training-mode output keeps the shape and float32, and changes images.
    behaviour      `training=False` and `predict` return the images unchanged; the same seed
                   gives the same images, other seeds other images; augment_dataset calls the
                   augmenter in training mode on the images only, keeps labels, order and
                   batches, and draws anew every epoch.
    serialization  a model holding the augmenter reloads from .keras in safe mode.
"""

from __future__ import annotations

import keras
import tensorflow as tf


def build_augmenter(seed: int | None = None) -> keras.layers.Layer:
    """A Keras layer that randomly transforms images in training and is the identity otherwise.

    Args:
        seed: an int makes the draws reproducible: two augmenters built with the same seed
            give the same images over the same sequence of calls; other seeds give others.
            None lets Keras pick.

    Returns:
        A `keras.Sequential` (or `keras.layers.Pipeline`, or a registered custom layer) taking
        float32 images `(B, H, W, C)` in [0, 1] and returning float32 images of the same shape.
    """
    # TODO: a keras.Sequential of random layers, each given a seed derived from `seed`.
    raise NotImplementedError("build_augmenter")


def augment_dataset(ds: tf.data.Dataset, augmenter: keras.layers.Layer) -> tf.data.Dataset:
    """Augment the images of a batched dataset of `(images, labels)` tuples.

    Args:
        ds: a batched `tf.data.Dataset` of `(images, labels)`.
        augmenter: a Keras layer such as `build_augmenter()` returns.

    Returns:
        A dataset with the same structure, batches and order: labels untouched, images
        replaced by the augmenter's training-mode output, drawn anew in every epoch.
    """
    # TODO: ds.map(...) calling the augmenter with training=True on the images only.
    raise NotImplementedError("augment_dataset")

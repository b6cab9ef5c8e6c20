"""Reference solution for q27: a `tf.data` input pipeline that keeps the accelerator busy.

Shuffle the examples (the whole array, a new order each epoch), batch them, augment whole
batches in parallel, and prefetch the next batches while the model trains on this one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf


def make_dataset(
    x: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    shuffle: bool = True,
    seed: int | None = None,
    augment: Callable[[Any], Any] | None = None,
    drop_remainder: bool = False,
) -> tf.data.Dataset:
    """A finite dataset of `(x_batch, y_batch)` tuples; one pass over it is one epoch.

    Args:
        x: features, first axis the examples.
        y: labels, as many as `x` has examples.
        batch_size: examples per batch.
        shuffle: shuffle the whole array, with a new order in every epoch.
        seed: with the same seed, two datasets give the same sequence of epochs.
        augment: a function applied to the features of every batch, anew in every epoch.
        drop_remainder: drop the last batch when it has fewer than `batch_size` examples.

    Returns:
        A `tf.data.Dataset` ending in `prefetch`.
    """
    dataset = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        # A buffer as large as the data gives a uniform shuffle, not a local one.
        dataset = dataset.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)
    if augment is not None:
        dataset = dataset.map(
            lambda features, labels: (augment(features), labels),
            num_parallel_calls=tf.data.AUTOTUNE,
        )
    return dataset.prefetch(tf.data.AUTOTUNE)

"""q27: an input pipeline with `tf.data`, for when training waits on its data.

When each epoch is slow although the model is small, the accelerator is often idle,
waiting for the next batch. A `tf.data.Dataset` pipeline fixes that: it shuffles and
batches in TensorFlow, runs augmentation in parallel, and `prefetch` prepares the next
batches while the model trains on the current one. See the README beside this file.

What the hidden tests check:
    shape      full batches of batch_size plus one final partial batch (none with
               drop_remainder=True); features and labels keep their input dtypes.
    behaviour  one pass over the dataset is one epoch with every example exactly once,
               next to its own label; shuffle=True mixes the whole array with a new order
               every epoch (the same sequence for the same seed); shuffle=False keeps the
               input order; augment changes the features only, anew every epoch; the
               pipeline ends with prefetch after batching.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf  # noqa: F401


def make_dataset(
    x: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    shuffle: bool = True,
    seed: int | None = None,
    augment: Callable[[Any], Any] | None = None,
    drop_remainder: bool = False,
) -> tf.data.Dataset:
    """A finite `tf.data.Dataset` of `(x_batch, y_batch)` tuples.

    Args:
        x: features (NumPy array), first axis the examples.
        y: labels (NumPy array), as many as `x` has examples.
        batch_size: examples per batch.
        shuffle: if True, shuffle the whole array (a buffer of at least len(x)) with a new
            order in every epoch; if False, keep the input order.
        seed: with the same seed, two datasets give the same sequence of epochs.
        augment: None, or a function `features -> features` applied to the features of
            every example (per example or per batch), anew in every epoch; labels untouched.
        drop_remainder: drop the last batch if it has fewer than batch_size examples.

    Returns:
        A dataset whose one pass is one epoch (no repeat()), ending in `prefetch`.

    Tested: batch sizes and dtypes, every example once per epoch with its label, shuffling,
    seeding, augmentation, and prefetch at the end.
    """
    # TODO: from_tensor_slices((x, y)) -> shuffle -> batch -> map(augment) -> prefetch
    raise NotImplementedError("make_dataset")

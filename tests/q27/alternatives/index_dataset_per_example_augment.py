"""q27 alternative: shuffle example indices with `Dataset.range`, gather the rows, augment
each example in parallel before batching, and set pipeline options after prefetch."""

from __future__ import annotations

import tensorflow as tf

AUTOTUNE = tf.data.AUTOTUNE


def make_dataset(x, y, batch_size, shuffle=True, seed=None, augment=None,
                 drop_remainder=False):
    features = tf.constant(x)
    labels = tf.constant(y)
    count = int(features.shape[0])
    indices = tf.data.Dataset.range(count)
    if shuffle:
        indices = indices.shuffle(count, seed=seed, reshuffle_each_iteration=True)

    def lookup(i):
        example = tf.gather(features, i)
        if augment is not None:
            example = augment(example)
        return example, tf.gather(labels, i)

    dataset = indices.map(lookup, num_parallel_calls=AUTOTUNE, deterministic=True)
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder,
                            num_parallel_calls=AUTOTUNE)
    options = tf.data.Options()
    options.experimental_optimization.map_parallelization = True
    return dataset.prefetch(AUTOTUNE).with_options(options)

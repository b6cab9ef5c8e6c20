"""q27 alternative: the seed's own pipeline (coding Q4's
`from_tensor_slices((X, y)).shuffle(1000).batch(batch_size)`), adapted where the contract
forces it: the shuffle takes the seed, the buffer is never smaller than the data, the flags
are honoured, augmentation runs per batch, and the pipeline ends with prefetch."""

import tensorflow as tf


def make_dataset(x, y, batch_size, shuffle=True, seed=None, augment=None,
                 drop_remainder=False):
    dataset = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        dataset = dataset.shuffle(max(1000, len(x)), seed=seed)
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)
    if augment:
        dataset = dataset.map(lambda xb, yb: (augment(xb), yb))
    return dataset.prefetch(tf.data.AUTOTUNE)

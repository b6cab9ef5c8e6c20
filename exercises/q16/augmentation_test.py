"""Visible tests for q16. Run them with `pytest exercises/q16`; the hidden tests go further."""

import numpy as np
import tensorflow as tf

from grader.testing import assert_close, fail


def _images(n=16):
    return np.random.default_rng(0).uniform(size=(n, 8, 8, 1)).astype("float32")


def test_inference_mode_returns_the_images_unchanged(learner):
    x = _images()
    out = np.asarray(learner.build_augmenter(seed=1)(x, training=False))
    assert_close(out, x, "augmenter(x, training=False) == x",
                 "random layers are the identity when training=False; no Rescaling", atol=1e-6)


def test_training_mode_changes_images_but_not_their_shape(learner):
    x = _images()
    out = np.asarray(learner.build_augmenter(seed=1)(x, training=True))
    if out.shape != x.shape or out.dtype != np.float32:
        raise fail(f"float32 images of shape {x.shape}", f"{out.dtype} of shape {out.shape}",
                   "layers that keep the image size and dtype")
    if np.abs(out - x).max() < 1e-3:
        raise fail("some of 16 images changed in training mode", "all unchanged",
                   "RandomFlip, RandomRotation, ... act when training=True")


def test_augment_dataset_keeps_the_labels_and_batches(learner):
    x = _images(10)
    labels = np.arange(10)
    ds = tf.data.Dataset.from_tensor_slices((x, labels)).batch(4)
    out = learner.augment_dataset(ds, learner.build_augmenter(seed=2))
    batches = [(np.asarray(images), np.asarray(y)) for images, y in out]
    sizes = [len(y) for _, y in batches]
    if sizes != [4, 4, 2]:
        raise fail("batches of 4, 4 and 2, as the input", f"{sizes}",
                   "map over the batched dataset; no re-batching")
    got = np.concatenate([y for _, y in batches])
    if not np.array_equal(got, labels):
        raise fail(f"labels {labels.tolist()}", f"{got.tolist()}",
                   "map only the images: lambda x, y: (augmenter(x, training=True), y)")

"""Hidden tests for q27, input pipelines. Verdicts here; the worker only runs probes.py.

Labels are example ids (0 .. n-1) and features are rows the test drew, so every check on
order, coverage and alignment is computed here from the batches that came back.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from grader.testing import assert_close, fail

WHERE = "make_dataset"


def _data(n: int, feature_shape=(3,), seed: int = 0, label_dtype="int64"):
    x = np.random.default_rng(seed).uniform(size=(n, *feature_shape)).astype("float32")
    return x, np.arange(n).astype(label_dtype)


def _epochs(submission, x, y, *, epochs=1, look_at=WHERE, **options):
    batches = math.ceil(len(x) / options["batch_size"])
    return submission.call("epochs", x=x, y=y, options=options, epochs=epochs,
                           max_batches=batches + 2, look_at=look_at)


def _labels(epoch) -> np.ndarray:
    return np.concatenate([np.reshape(b[1], -1) for b in epoch]) if epoch else np.zeros(0)


def _check_epoch(epoch, x, batch_size, drop_remainder, which: str) -> np.ndarray:
    n = len(x)
    full, rest = divmod(n, batch_size)
    sizes = [batch_size] * full + ([] if drop_remainder or rest == 0 else [rest])
    got_sizes = [len(b[1]) for b in epoch]
    if got_sizes != sizes:
        raise fail(f"{which}: {len(sizes)} batches of sizes {sizes} for {n} examples "
                   f"(batch_size={batch_size}, drop_remainder={drop_remainder})",
                   f"{len(got_sizes)} batches of sizes {got_sizes[:12]}",
                   "dataset.batch(batch_size, drop_remainder=drop_remainder); no repeat(): "
                   "one pass over the dataset is one epoch")
    labels = _labels(epoch)
    if not np.array_equal(labels, np.round(labels)) or labels.min() < 0 or labels.max() >= n:
        raise fail(f"{which}: the labels unchanged (here they are the example ids 0..{n - 1})",
                   f"labels {labels[:12]}...", "leave y as it is: augment the features only")
    labels = labels.astype(np.int64)
    if len(np.unique(labels)) != len(labels):
        raise fail(f"{which}: every example at most once",
                   f"labels (example ids) {labels[:20]}...",
                   "shuffle (x, y) pairs together, once per epoch")
    if not drop_remainder and len(labels) != n:
        raise fail(f"{which}: all {n} examples", f"{len(labels)}", WHERE)
    features = np.concatenate([b[0] for b in epoch])
    assert_close(features, x[labels], f"{which}: each example's features next to its own label",
                 "build the dataset from the (x, y) pair, e.g. from_tensor_slices((x, y)), "
                 "so shuffling keeps them together", rtol=0, atol=0)
    return labels


@pytest.mark.shape
@pytest.mark.points(3)
@pytest.mark.parametrize("drop_remainder", [False, True])
def test_batches_have_batch_size_rows_a_partial_last_batch_and_the_input_dtypes(
    submission, drop_remainder
):
    x, y = _data(23, feature_shape=(4, 4, 1), seed=1, label_dtype="int32")
    got = _epochs(submission, x, y, batch_size=5, shuffle=True, seed=3,
                  drop_remainder=drop_remainder)
    _check_epoch(got[0], x, 5, drop_remainder, "one epoch")
    for features, labels in got[0]:
        if features.shape[1:] != (4, 4, 1) or labels.ndim != 1:
            raise fail("batches (b, 4, 4, 1) of images and (b,) of labels",
                       f"{features.shape} and {labels.shape}", WHERE)
        if features.dtype != np.float32 or labels.dtype != np.int32:
            raise fail("the input dtypes, float32 images and int32 labels",
                       f"{features.dtype} and {labels.dtype}", "do not cast x or y")


@pytest.mark.behaviour
@pytest.mark.points(4)
@pytest.mark.parametrize("drop_remainder", [False, True])
def test_every_example_appears_once_per_epoch_with_its_own_label(submission, drop_remainder):
    x, y = _data(103, seed=2)
    got = _epochs(submission, x, y, epochs=3, batch_size=10, shuffle=True, seed=7,
                  drop_remainder=drop_remainder)
    for number, epoch in enumerate(got, start=1):
        _check_epoch(epoch, x, 10, drop_remainder, f"epoch {number}")


@pytest.mark.behaviour
@pytest.mark.points(2)
def test_shuffle_false_keeps_the_input_order(submission):
    x, y = _data(37, seed=3)
    got = _epochs(submission, x, y, epochs=2, batch_size=8, shuffle=False)
    for number, epoch in enumerate(got, start=1):
        labels = _check_epoch(epoch, x, 8, False, f"epoch {number}")
        if not np.array_equal(labels, np.arange(37)):
            raise fail("with shuffle=False, the examples in their input order",
                       f"ids {labels[:16]}...", "shuffle only when shuffle=True")


@pytest.mark.behaviour
@pytest.mark.points(3)
def test_shuffle_mixes_the_whole_array_not_a_small_buffer_or_whole_batches(submission):
    n, batch = 400, 16
    x, y = _data(n, seed=4)
    got = _epochs(submission, x, y, epochs=2, batch_size=batch, shuffle=True, seed=11)
    for number, epoch in enumerate(got, start=1):
        labels = _check_epoch(epoch, x, batch, False, f"epoch {number}")
        first, last = labels[:batch], labels[-batch:]
        if first.max() < n // 2 or last.min() >= n // 2:
            raise fail(
                f"epoch {number}: examples from anywhere in the array in the first and last "
                "batches (a uniform shuffle)",
                f"first batch ids {np.sort(first)}, last batch ids {np.sort(last)}",
                "shuffle(buffer_size=len(x)): a small buffer only mixes nearby examples",
            )
        runs = int(np.sum(np.diff(labels) == 1))
        if runs > n // 20:
            raise fail(f"epoch {number}: examples mixed across batches (a random order has "
                       f"about 1 pair of consecutive ids side by side, at most {n // 20} pass)",
                       f"{runs} consecutive pairs: ids {labels[:batch]}...",
                       "shuffle the examples before batch(), not the batches after it")


@pytest.mark.behaviour
@pytest.mark.points(2)
def test_each_epoch_draws_a_new_order(submission):
    x, y = _data(60, seed=5)
    got = _epochs(submission, x, y, epochs=3, batch_size=12, shuffle=True, seed=5)
    orders = [_check_epoch(epoch, x, 12, False, f"epoch {i}") for i, epoch in
              enumerate(got, start=1)]
    for i in range(3):
        for j in range(i + 1, 3):
            if np.array_equal(orders[i], orders[j]):
                raise fail(f"a new order in every epoch (epochs {i + 1} and {j + 1} differ)",
                           f"the same order: {orders[i][:12]}...",
                           "shuffle(..., reshuffle_each_iteration=True), the default; and "
                           "shuffle inside the pipeline, not once with NumPy")


@pytest.mark.behaviour
@pytest.mark.claim
@pytest.mark.points(2)
def test_same_seed_gives_the_same_sequence_of_epochs(submission):
    x, y = _data(50, seed=6)
    got = submission.call("two_datasets", x=x, y=y,
                          options={"batch_size": 8, "shuffle": True, "seed": 42}, epochs=2,
                          max_batches=9, look_at=WHERE)
    first, second = got
    for epoch in range(2):
        if not np.array_equal(first[epoch], second[epoch]):
            raise fail(f"two datasets made with seed=42 to give the same order in epoch "
                       f"{epoch + 1}",
                       f"{first[epoch][:10]}... and {second[epoch][:10]}...",
                       "pass seed to dataset.shuffle(..., seed=seed)")
    if np.array_equal(first[0], np.arange(50)):
        raise fail("a shuffled order with shuffle=True", "the input order", WHERE)


@pytest.mark.behaviour
@pytest.mark.points(2)
@pytest.mark.parametrize("feature_shape", [(3,), (4, 4, 1)], ids=["vectors", "images"])
def test_augment_is_applied_to_every_example_and_to_the_features_only(
    submission, feature_shape
):
    x, y = _data(30, feature_shape=feature_shape, seed=7)
    got = _epochs(submission, x, y, epochs=2, batch_size=7, shuffle=True, seed=2,
                  augment="plus_one", look_at="how make_dataset calls augment")
    for number, epoch in enumerate(got, start=1):
        _check_epoch(epoch, x + 1, 7, False, f"epoch {number} with augment = x + 1")


@pytest.mark.behaviour
@pytest.mark.points(1)
def test_random_augment_is_drawn_anew_every_epoch(submission):
    x, y = _data(24, seed=8)
    got = _epochs(submission, x, y, epochs=2, batch_size=6, shuffle=True, seed=4,
                  augment="noise", look_at="how make_dataset calls augment")
    features = []
    for number, epoch in enumerate(got, start=1):
        labels = _labels(epoch).astype(np.int64)
        if not np.array_equal(np.sort(labels), np.arange(24)):
            raise fail(f"epoch {number}: every example once", f"ids {labels}", WHERE)
        rows = np.concatenate([b[0] for b in epoch])[np.argsort(labels)]
        noise = rows - x
        if noise.min() < -1e-6 or noise.max() > 1 + 1e-6:
            raise fail(f"epoch {number}: features x + noise with noise in [0, 1)",
                       f"noise from {noise.min():.3g} to {noise.max():.3g}",
                       "apply augment to the features (once), not to the labels")
        features.append(rows)
    if np.allclose(features[0], features[1]):
        raise fail("new random augmentations in the second epoch",
                   "the same augmented features as in the first",
                   "map(augment) inside the pipeline, with no cache() after it, and not "
                   "once on the NumPy array")


@pytest.mark.behaviour
@pytest.mark.claim
@pytest.mark.points(1)
def test_pipeline_ends_with_prefetch_after_batching(submission):
    x, y = _data(20, seed=9)
    chain = submission.call("structure", x=x, y=y,
                            options={"batch_size": 4, "shuffle": True, "seed": 1,
                                     "augment": "plus_one"}, look_at=WHERE)
    steps = [name for name in chain if "Options" not in name]
    if not steps or "Prefetch" not in steps[0]:
        raise fail("the last transformation to be prefetch (with_options may follow)",
                   f"the pipeline, last step first: {chain}",
                   "end with .prefetch(tf.data.AUTOTUNE), after batch()")
    if not any("Batch" in name for name in steps[1:]):
        raise fail("batch() before the final prefetch", f"{chain}",
                   "dataset.batch(...) then .prefetch(tf.data.AUTOTUNE)")

"""Visible tests for q27. Run them with `pytest exercises/q27`; the hidden tests go further."""

import numpy as np

from grader.testing import fail


def _epoch(dataset):
    batches = [(np.asarray(xb), np.asarray(yb)) for xb, yb in dataset]
    return batches, np.concatenate([yb for _, yb in batches])


def test_ten_examples_in_batches_of_four_give_sizes_4_4_2(learner):
    x = np.arange(20, dtype="float32").reshape(10, 2)
    y = np.arange(10)
    batches, _ = _epoch(learner.make_dataset(x, y, 4, shuffle=False))
    sizes = [len(yb) for _, yb in batches]
    if sizes != [4, 4, 2]:
        raise fail("batch sizes [4, 4, 2]", f"{sizes}",
                   "dataset.batch(batch_size, drop_remainder=drop_remainder)")


def test_one_epoch_holds_every_example_once_with_its_label(learner):
    x = np.arange(30, dtype="float32").reshape(15, 2)
    y = np.arange(15)
    batches, labels = _epoch(learner.make_dataset(x, y, 4, seed=0))
    if sorted(labels.tolist()) != list(range(15)):
        raise fail("each of the 15 labels once", f"{labels.tolist()}",
                   "no repeat(); shuffle (x, y) pairs, not x and y apart")
    for xb, yb in batches:
        if not np.array_equal(xb, x[yb]):
            raise fail("every row next to its own label", f"rows {xb[:2]} for labels {yb[:2]}",
                       "from_tensor_slices((x, y)) keeps the pairs together")


def test_shuffled_epochs_differ(learner):
    x = np.zeros((40, 1), "float32")
    dataset = learner.make_dataset(x, np.arange(40), 8, seed=1)
    first, second = _epoch(dataset)[1], _epoch(dataset)[1]
    if np.array_equal(first, second):
        raise fail("a new order in the second epoch", "the same order",
                   "dataset.shuffle(len(x), seed=seed) reshuffles each iteration by default")

"""Visible tests for q14. Run them with `pytest exercises/q14`; the hidden tests go further."""

import numpy as np

from grader.testing import assert_close, fail


def test_class_weights_of_a_three_to_one_split(learner):
    y = np.array([0, 0, 0, 1, 0, 0, 0, 1])
    got = learner.class_weights(y)
    if sorted(got) != [0, 1]:
        raise fail("keys 0 and 1", f"{sorted(got)}", "one key per label in np.unique(y)")
    # 8 samples, 2 classes: 8 / (2 * 6) and 8 / (2 * 2)
    assert_close([got[0], got[1]], [8 / 12, 8 / 4], "n_samples / (n_classes * count)",
                 "count each label with np.unique(y, return_counts=True)")


def test_sample_weights_follow_the_labels(learner):
    y = np.array([1, 0, 1, 2])
    got = learner.sample_weights(y, {0: 0.5, 1: 2.0, 2: 3.0})
    assert_close(got, [2.0, 0.5, 2.0, 3.0], "w[i] = class_weight[y[i]]", "look up each label")


def test_oversample_balances_the_classes(learner):
    y = np.array([0] * 8 + [1] * 2)
    x = np.arange(10, dtype="float32").reshape(10, 1)
    x_res, y_res = learner.oversample(x, y, seed=0)
    counts = np.bincount(y_res)
    if list(counts) != [8, 8]:
        raise fail("8 rows of each class", f"counts {list(counts)}",
                   "draw extra minority rows with replacement")
    if not np.array_equal(y_res, y[x_res[:, 0].astype(int)]):
        raise fail("each row to keep its own label", "rows and labels out of step",
                   "index x and y with the same positions")

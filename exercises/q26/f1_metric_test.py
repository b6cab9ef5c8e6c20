"""Visible tests for q26. Run them with `pytest exercises/q26`; the hidden tests go further."""

import numpy as np

from grader.testing import assert_close, fail

Y = np.array([1, 0, 1, 1, 0, 0], "float32")
P = np.array([0.9, 0.8, 0.3, 0.7, 0.1, 0.2], "float32")  # tp=2, fp=1, fn=1: F1 = 4/6


def test_one_batch_gives_two_tp_over_two_tp_plus_fp_plus_fn(learner):
    metric = learner.F1Score()
    metric.update_state(Y, P)
    assert_close(metric.result(), 4 / 6, "F1 = 2*2 / (2*2 + 1 + 1) for tp=2, fp=1, fn=1",
                 "count tp, fp, fn in update_state; result() = 2tp / (2tp + fp + fn)")


def test_counts_accumulate_over_batches(learner):
    metric = learner.F1Score()
    metric.update_state(Y[:3], P[:3])  # tp=1, fp=1, fn=1
    metric.update_state(Y[3:], P[3:])  # tp=1
    assert_close(metric.result(), 4 / 6, "the F1 of both batches together, 4/6",
                 "add each batch's counts to variables (assign_add); do not average F1s")


def test_reset_state_starts_over(learner):
    metric = learner.F1Score()
    metric.update_state(Y, P)
    metric.reset_state()
    metric.update_state(np.array([1.0, 1.0]), np.array([0.9, 0.2]))  # tp=1, fn=1
    assert_close(metric.result(), 2 / 3, "only the batch after reset_state(): 2/3",
                 "reset_state() assigns 0 to every count")


def test_no_positives_gives_zero_not_nan(learner):
    metric = learner.F1Score()
    metric.update_state(np.zeros(4, "float32"), np.full(4, 0.2, "float32"))
    value = float(metric.result())
    if value != 0.0:
        raise fail("0.0 when there is nothing positive (0 / 0)", f"{value}",
                   "ops.divide_no_nan in result()")

"""Visible tests for q15. Run them with `pytest exercises/q15`; the hidden tests go further."""

import numpy as np

from grader.testing import assert_shape, fail


def test_returns_one_value_per_sample(learner):
    y = np.array([[1.0], [0.0], [1.0]], "float32")
    p = np.array([[0.9], [0.2], [0.4]], "float32")
    assert_shape(learner.binary_focal_loss(y, p), (3,), "one loss per sample",
                 "average over the last axis only")


def test_easy_examples_cost_less_than_hard_ones(learner):
    y = np.array([[1.0], [1.0]], "float32")
    p = np.array([[0.95], [0.3]], "float32")  # an easy and a hard positive
    easy, hard = np.asarray(learner.binary_focal_loss(y, p))
    if not easy < hard / 50:
        raise fail("the easy example's loss to be far below the hard one's",
                   f"easy {easy:.4g}, hard {hard:.4g}", "the focal factor (1 - p_t)**gamma")


def test_loss_class_reduces_to_a_scalar_by_default(learner):
    y = np.array([[1.0], [0.0]], "float32")
    p = np.array([[0.7], [0.4]], "float32")
    value = np.asarray(learner.FocalLoss()(y, p))
    if value.shape != ():
        raise fail("a scalar from FocalLoss()(y, p)", f"shape {value.shape}",
                   "call() returns per-sample values; keras.losses.Loss reduces them")

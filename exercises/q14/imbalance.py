"""q14: imbalanced data. Weight the classes, weight the samples, or oversample.

When one class is rare, a model can score well by nearly always predicting the common one.
Three standard fixes, all tested here:

* class weights: `model.fit(..., class_weight={label: weight})` multiplies each example's
  loss by its class's weight. The "balanced" weights, `n_samples / (n_classes * count)`,
  give every class the same total weight (scikit-learn's compute_class_weight("balanced"));
* sample weights: the same, one number per example: `model.fit(..., sample_weight=w)`;
* random oversampling: repeat rows of the rare classes (drawn with replacement) until every
  class is as large as the largest one.

Use NumPy only. What the hidden tests check (see the README beside this file):
    behaviour    class_weights equals scikit-learn's balanced weights (labels need not be
                 0..k-1; (N,) or (N, 1); integer-valued floats); sample_weights maps labels to
                 weights; oversampled rows are input rows with their own labels, classes
                 balanced, majority rows once each; the same seed gives the same output (claim).
    shape        sample_weights returns shape (N,).
    convergence  class weights raise the recall of a 5% class by at least 0.30.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np


def class_weights(y: Any) -> dict[int, float]:
    """Balanced class weights, one entry per label present.

    Args:
        y: integer class ids, shape (N,) or (N, 1); labels need not start at 0 or be
            contiguous (e.g. 2, 5, 9).

    Returns:
        {label: n_samples / (n_classes * count_of_label)} for every label in np.unique(y).
    """
    # TODO: np.unique(..., return_counts=True) gives the labels and their counts.
    raise NotImplementedError("class_weights")


def sample_weights(y: Any, class_weight: Mapping[Any, float]) -> np.ndarray:
    """One weight per sample.

    Args:
        y: class ids, shape (N,) or (N, 1).
        class_weight: {label: weight}; keys may be Python or NumPy integers.

    Returns:
        A float array of shape (N,) with w[i] = class_weight[y[i]].
    """
    # TODO
    raise NotImplementedError("sample_weights")


def oversample(x: np.ndarray, y: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Random oversampling up to the majority class's count.

    Args:
        x: rows, shape (N, ...).
        y: class ids, shape (N,).
        seed: the only source of randomness (same seed, same output).

    Returns:
        (x_res, y_res) with x's dtype and row shape and y's dtype: every class ends with the
        majority count; every output pair is an input pair (row and label together); every
        majority row appears exactly once; minority rows are drawn with replacement. The
        order is up to you.
    """
    # TODO: rng = np.random.default_rng(seed); draw extra row positions per minority class;
    # index x and y with the same positions.
    raise NotImplementedError("oversample")

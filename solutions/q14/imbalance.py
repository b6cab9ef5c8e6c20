"""Reference solution for q14: class weights, sample weights and random oversampling."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np


def class_weights(y: Any) -> dict[int, float]:
    """Balanced class weights, `n_samples / (n_classes * count)`, one per label present.

    The same formula as scikit-learn's `compute_class_weight("balanced", ...)`: every class
    then carries the same total weight. The result goes to `model.fit(class_weight=...)`.
    """
    labels = np.asarray(y).reshape(-1)
    classes, counts = np.unique(labels, return_counts=True)
    weights = len(labels) / (len(classes) * counts)
    return {int(c): float(w) for c, w in zip(classes, weights)}


def sample_weights(y: Any, class_weight: Mapping[Any, float]) -> np.ndarray:
    """One weight per sample, `class_weight[y[i]]`, shape `(N,)`, for `fit(sample_weight=...)`."""
    labels = np.asarray(y).reshape(-1)
    lookup = {int(label): float(weight) for label, weight in class_weight.items()}
    return np.array([lookup[int(label)] for label in labels], dtype="float32")


def oversample(x: np.ndarray, y: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Random oversampling: draw extra rows of every minority class, with replacement, until
    each class has as many rows as the largest one. Rows keep their labels."""
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(y, return_counts=True)
    target = counts.max()
    rows = []
    for label, count in zip(classes, counts):
        members = np.flatnonzero(y == label)
        extra = rng.choice(members, size=target - count, replace=True)
        rows.append(np.concatenate([members, extra]))
    order = rng.permutation(np.concatenate(rows))
    return x[order], y[order]

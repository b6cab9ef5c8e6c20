"""Another correct q14: np.unique's inverse indices for vectorised lookups, NumPy keys in the
dict, and oversampling by drawing positions inside each class with integers()."""

import numpy as np


def class_weights(y):
    labels, counts = np.unique(np.ravel(y), return_counts=True)
    weights = counts.sum() / (labels.size * counts.astype(np.float64))
    return dict(zip(labels, weights))


def sample_weights(y, class_weight):
    labels = np.ravel(y)
    keys = np.array(sorted(class_weight))
    table = np.array([class_weight[k] for k in keys], dtype=np.float64)
    return table[np.searchsorted(keys, labels)]


def oversample(x, y, seed):
    rng = np.random.default_rng(seed)
    labels, inverse, counts = np.unique(y, return_inverse=True, return_counts=True)
    target = counts.max()
    picks = []
    for k in range(labels.size):
        members = np.flatnonzero(inverse == k)
        if counts[k] == target:
            picks.append(members)
        else:
            picks.append(members[rng.integers(0, counts[k], size=target)])
    order = np.concatenate(picks)
    return x[order], y[order]

"""The seed's own answer (general Q4), adapted only where the contract forces it: the
Counter formula `total / (n_classes * counter[c])` over every label present (the seed
hard-codes two classes, 0 and 1), sample weights from the class weights (the seed hard-codes
5.0 for class 1), and oversampling (the seed only names it) with sklearn.utils.resample."""

from collections import Counter

import numpy as np
from sklearn.utils import resample


def class_weights(y):
    y_train = np.asarray(y).ravel()
    counter = Counter(y_train.tolist())
    total = len(y_train)
    return {label: total / (len(counter) * counter[label]) for label in counter}


def sample_weights(y, class_weight):
    y_train = np.asarray(y).ravel()
    weights = np.ones(len(y_train))
    for label, weight in class_weight.items():
        weights[y_train == label] = weight
    return weights


def oversample(x, y, seed):
    counter = Counter(y.tolist())
    majority = max(counter.values())
    xs, ys = [], []
    for i, label in enumerate(sorted(counter)):
        x_c, y_c = x[y == label], y[y == label]
        if len(y_c) < majority:
            x_c, y_c = resample(x_c, y_c, replace=True, n_samples=majority,
                                random_state=seed + i)
        xs.append(x_c)
        ys.append(y_c)
    return np.concatenate(xs), np.concatenate(ys)

"""Hidden tests for q14, imbalanced data. Expected weights come from scikit-learn, computed
here; oversampled rows are traced back to the rows this test sent (each row carries its id);
the recall test's labels never leave this process."""

from __future__ import annotations

import numpy as np
import pytest

from grader.testing import assert_close, curve, curve_details, curve_of, fail


def _labels(counts: dict[int, int], seed: int, dtype: str = "int64") -> np.ndarray:
    y = np.concatenate([np.full(n, label) for label, n in counts.items()])
    return np.random.default_rng(seed).permutation(y).astype(dtype)


# name: (labels, how they are passed)
LABELS = {
    "binary_95_5": (_labels({0: 95, 1: 5}, 1), "(N,) int64"),
    "labels_2_5_9": (_labels({2: 50, 5: 30, 9: 5}, 2, "int32"), "(N,) int32, labels 2, 5, 9"),
    "column_n_1": (_labels({0: 40, 1: 12, 2: 8}, 3).reshape(-1, 1), "(N, 1)"),
    "integer_floats": (_labels({0: 30, 1: 6, 3: 4}, 4, "float32"), "(N,) float32"),
}


def sklearn_balanced(y: np.ndarray) -> dict[float, float]:
    from sklearn.utils.class_weight import compute_class_weight

    flat = np.asarray(y).reshape(-1)
    classes = np.unique(flat)
    weights = compute_class_weight("balanced", classes=classes, y=flat)
    return {float(c): float(w) for c, w in zip(classes, weights, strict=True)}


@pytest.mark.behaviour
@pytest.mark.points(5)
@pytest.mark.parametrize("case", list(LABELS))
def test_class_weights_equal_sklearn_balanced(submission, case):
    y, described = LABELS[case]
    got = submission.call("weights", y=y, look_at="class_weights(y) must return a dict")
    expected = sklearn_balanced(y)
    keys = sorted(got["keys"])
    if keys != sorted(expected):
        raise fail(f"one key per label present, the labels themselves: {sorted(expected)} "
                   f"(labels {described})", f"keys {keys}",
                   "np.unique(y) gives the labels; keys are the labels, not their positions")
    got_map = dict(zip(got["keys"], got["values"], strict=True))
    assert_close([got_map[k] for k in sorted(expected)], [expected[k] for k in sorted(expected)],
                 f"n_samples / (n_classes * count) per label, as scikit-learn's "
                 f"compute_class_weight('balanced') (labels {described})",
                 "count each label (np.unique(..., return_counts=True)); divide the number of "
                 "samples by the number of classes times the count", rtol=1e-9, atol=0)


def _class_weight_fixture():
    y = _labels({3: 20, 4: 6, 7: 4}, 5)
    keys, values = [3, 4, 7], [0.5, 1.7, 2.5]
    return y, keys, values


@pytest.mark.behaviour
@pytest.mark.points(3)
@pytest.mark.parametrize("numpy_keys", [False, True], ids=["int_keys", "numpy_keys"])
def test_sample_weights_map_each_label_to_its_class_weight(submission, numpy_keys):
    y, keys, values = _class_weight_fixture()
    got = submission.call("per_sample", y=y, keys=keys, values=values, numpy_keys=numpy_keys,
                          look_at="sample_weights(y, class_weight): one weight per sample")
    lookup = dict(zip(keys, values, strict=True))
    expected = np.array([lookup[int(label)] for label in y])
    assert_close(np.reshape(got, -1) if np.size(got) == len(y) else got, expected,
                 "w[i] == class_weight[y[i]] for every sample",
                 "look each label up in the dict (its keys may be NumPy integers)",
                 rtol=1e-6, atol=0)


@pytest.mark.shape
@pytest.mark.points(2)
@pytest.mark.parametrize("column", [False, True], ids=["labels_n", "labels_n_1"])
def test_sample_weights_are_a_flat_float_array(submission, column):
    y, keys, values = _class_weight_fixture()
    labels = y.reshape(-1, 1) if column else y
    got = submission.call("per_sample", y=labels, keys=keys, values=values, numpy_keys=False)
    if np.shape(got) != (len(y),):
        raise fail(f"a float array of shape ({len(y)},) for labels of shape {labels.shape}",
                   f"shape {np.shape(got)}",
                   "flatten the labels first (np.asarray(y).reshape(-1)); Keras expects one "
                   "weight per sample")


# -- oversampling: rows traced back by the id they carry -------------------------------------
def tagged_rows(y: np.ndarray, trailing: tuple[int, ...], dtype: str) -> np.ndarray:
    """x[i] holds i at index 0 (its id) and other values derived from i and y[i]."""
    n = len(y)
    width = int(np.prod(trailing))
    base = np.arange(n, dtype=np.float64)[:, None] + np.linspace(0, 0.75, width)[None, :]
    base[:, 0] = np.arange(n)
    if width > 1:
        base[:, -1] += 100 * y.astype(np.float64)
    return base.reshape(n, *trailing).astype(dtype)


OVERSAMPLE_CASES = {
    "binary_34_6": (_labels({0: 34, 1: 6}, 6), (3,), "float32"),
    "three_classes_images": (_labels({3: 20, 7: 7, 8: 3}, 7, "int32"), (2, 2), "float64"),
}


def _check_oversampled(x, y, got) -> None:
    x_res, y_res = got["x"], got["y"]
    look = "index rows with one array of positions, x[idx] and y[idx] together"
    if x_res.dtype != x.dtype or x_res.shape[1:] != x.shape[1:] or y_res.dtype != y.dtype:
        raise fail(f"x_res of dtype {x.dtype} with rows of shape {x.shape[1:]}, and y_res of "
                   f"dtype {y.dtype}",
                   f"x_res {x_res.dtype} {x_res.shape}, y_res {y_res.dtype} {y_res.shape}",
                   "index the input arrays (x[idx], y[idx]) instead of building new ones")
    classes, counts = np.unique(y, return_counts=True)
    target = int(counts.max())
    if y_res.shape != (len(x_res),) or len(x_res) != target * len(classes):
        raise fail(f"{target * len(classes)} rows ({len(classes)} classes x the majority "
                   f"count {target}), labels of shape (N,)",
                   f"x_res {x_res.shape}, y_res {y_res.shape}",
                   "oversample every class up to the largest class's count")
    flat = x_res.reshape(len(x_res), -1)
    ids = flat[:, 0]
    if not np.all((ids == np.round(ids)) & (ids >= 0) & (ids < len(x))):
        raise fail("every output row to be an input row", "rows that are not", look)
    ids = ids.astype(int)
    if not np.array_equal(x_res, x[ids]):
        raise fail("every output row to equal an input row exactly", "altered rows",
                   "copy rows; do not interpolate or add noise")
    if not np.array_equal(y_res, y[ids]):
        wrong = int(np.sum(y_res != y[ids]))
        raise fail("every output label to be its row's own label",
                   f"{wrong} rows with another row's label", look)
    got_counts = {int(c): int(np.sum(y_res == c)) for c in classes}
    if any(n != target for n in got_counts.values()):
        raise fail(f"{target} rows of every class", f"counts {got_counts}",
                   "draw count_max - count extra rows of each class")
    majority = classes[counts == target]
    for label in majority:
        members = np.flatnonzero(y == label)
        seen = np.bincount(ids[np.isin(ids, members)], minlength=len(x))[members]
        if not np.all(seen == 1):
            raise fail(f"every row of the majority class {int(label)} exactly once",
                       f"{int(np.sum(seen == 0))} missing and {int(np.sum(seen > 1))} "
                       "repeated", "keep the majority class as it is; draw only minority rows")


@pytest.mark.behaviour
@pytest.mark.points(5)
@pytest.mark.parametrize("case", list(OVERSAMPLE_CASES))
def test_oversample_balances_counts_and_keeps_rows_with_their_labels(submission, case):
    y, trailing, dtype = OVERSAMPLE_CASES[case]
    x = tagged_rows(y, trailing, dtype)
    got = submission.call("resample", x=x, y=y, draw_seed=3,
                          look_at="oversample(x, y, seed) returns (x_res, y_res)")
    _check_oversampled(x, y, got)


@pytest.mark.behaviour
@pytest.mark.claim
@pytest.mark.points(2)
def test_oversample_depends_on_its_seed_only(submission):
    y, trailing, dtype = OVERSAMPLE_CASES["binary_34_6"]
    x = tagged_rows(y, trailing, dtype)
    got = submission.call("resample_repeatedly", x=x, y=y, draw_seed=11)
    first, same, other = got["first"], got["same_seed"], got["other_seed"]
    if not (np.array_equal(first["x"], same["x"]) and np.array_equal(first["y"], same["y"])):
        raise fail("identical output for the same seed, whatever NumPy's global random state",
                   "different draws", "use rng = np.random.default_rng(seed) and draw with "
                   "rng, not np.random.* (the global generator)")
    if np.array_equal(first["x"], other["x"]):
        raise fail("different draws for seeds 11 and 12", "identical output",
                   "pass seed to np.random.default_rng(seed); do not fix it inside")


# -- convergence: class weights raise the minority recall ----------------------------------
def skewed_data(seed: int, n: int = 2000, positive_rate: float = 0.05):
    """Two overlapping 2-D Gaussian classes, 5% positives (label 1)."""
    rng = np.random.default_rng(seed)
    y = (rng.uniform(size=n) < positive_rate).astype("int64")
    x = rng.normal(size=(n, 2)) + np.outer(y, [1.5, 1.5])
    return x.astype("float32"), y


def recall(y_true: np.ndarray, prob: np.ndarray) -> float:
    positives = y_true.reshape(-1) == 1
    return float(np.mean(prob[positives] >= 0.5))


def recall_gain(submission, seed: int) -> tuple[float, list[float] | None]:
    """Minority recall with class weights minus without; with that gain after each epoch
    (the last one is the verdict's), for the feedback."""
    x, y = skewed_data(2 * seed)
    x_eval, y_eval = skewed_data(2 * seed + 1)  # labels stay here: the worker never sees them
    got = submission.call("skewed_training", x=x, y=y, x_eval=x_eval, epochs=8,
                          train_seed=seed, timeout=120)
    final = recall(y_eval, got["weighted"]) - recall(y_eval, got["plain"])

    def gain(epoch: dict) -> float:
        weighted, plain = (np.asarray(epoch[k], np.float64).reshape(len(y_eval))
                           for k in ("weighted", "plain"))
        return recall(y_eval, weighted) - recall(y_eval, plain)

    return final, curve_of(got["per_epoch"], gain, final=final)


# Sweep of the reference (bench/sweep.py q14, seeds 0-19): recall gain min 0.421, mean 0.555,
# max 0.694 -> threshold 0.30 (the catalogue's), a margin of 0.12 below the minimum.
MIN_RECALL_GAIN = 0.30


@pytest.mark.convergence
@pytest.mark.points(3)
def test_class_weights_raise_minority_recall(submission):
    gain, per_epoch = recall_gain(submission, 0)
    if gain < MIN_RECALL_GAIN:
        raise fail(f"training with class_weight=class_weights(y) to find at least "
                   f"{MIN_RECALL_GAIN:.0%} more of the rare class than without",
                   f"a recall gain of {gain:+.2f}"
                   + (f" (per epoch: {curve(per_epoch)})" if per_epoch else ""),
                   "the rare class must get the larger weight: n_samples / (n_classes * count)",
                   details=curve_details(per_epoch, MIN_RECALL_GAIN, below=False, final=gain))

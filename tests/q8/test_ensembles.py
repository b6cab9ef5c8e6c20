"""Hidden tests for q8, model ensembling. The members' weights and the oracles are chosen
here; the worker builds the members, runs the learner's functions and returns raw outputs."""

from __future__ import annotations

import numpy as np
import pytest

from grader.testing import assert_close, fail

MLP_SHAPES = [(10, 64), (64,), (64, 32), (32,), (32, 3), (3,)]  # the seed's 10-64-32-3 MLP


def softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def mlp_oracle(weights: list[np.ndarray], x: np.ndarray) -> np.ndarray:
    """The seed's MLP in inference mode (Dropout off), in float64."""
    w1, b1, w2, b2, w3, b3 = (np.asarray(w, np.float64) for w in weights)
    h = np.maximum(x @ w1 + b1, 0)
    h = np.maximum(h @ w2 + b2, 0)
    return softmax(h @ w3 + b3)


def mlp_weights(seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.normal(scale=0.5, size=shape).astype("float32") for shape in MLP_SHAPES]


def lowest_argmax(scores: np.ndarray) -> np.ndarray:
    """np.argmax returns the first maximum: the lowest class id on ties."""
    return np.argmax(scores, axis=-1)


def member_probabilities(members: list[dict], x: np.ndarray) -> np.ndarray:
    """(members, batch, classes): what each member outputs, in float64."""
    out = []
    for m in members:
        z = x.astype(np.float64) @ np.asarray(m["w"], np.float64) + m["b"]
        out.append(softmax(z) if m["activation"] == "softmax" else z)
    return np.stack(out)


def mean_oracle(members: list[dict], x: np.ndarray) -> np.ndarray:
    return lowest_argmax(member_probabilities(members, x).mean(axis=0))


def vote_oracle(members: list[dict], x: np.ndarray) -> np.ndarray:
    probabilities = member_probabilities(members, x)
    votes = np.argmax(probabilities, axis=-1)
    counts = np.stack([(votes == c).sum(axis=0) for c in range(probabilities.shape[-1])], -1)
    return lowest_argmax(counts)


def random_members(seed: int, n: int, d: int = 10, classes: int = 3):
    """n softmax members on x ~ N(0, 1), with clear winners everywhere (top-two gaps > 1e-3,
    for each member and for the mean), so float32 and float64 agree on every argmax."""
    rng = np.random.default_rng(seed)
    members = [{"w": rng.normal(size=(d, classes)).astype("float32"),
                "b": rng.normal(size=classes).astype("float32"), "activation": "softmax"}
               for _ in range(n)]
    x = rng.normal(size=(40, d)).astype("float32")
    probabilities = member_probabilities(members, x)
    top2 = np.sort(np.concatenate([probabilities, probabilities.mean(0, keepdims=True)]), -1)
    keep = np.all(top2[..., -1] - top2[..., -2] > 1e-3, axis=0)
    return members, x[keep]


def table_members(tables: list[list[list[int]]]):
    """Members that output exact probability rows: member m gives tables[m][k] / 8 for the
    one-hot input k (a linear Dense layer whose kernel rows are those probabilities). Sums
    and means over 2 or 4 such members are exact in float32, so ties are exact ties."""
    members = [{"w": np.asarray(t, "float32") / 8, "b": np.zeros(3, "float32"),
                "activation": None} for t in tables]
    prototypes = len(tables[0])
    order = [k % prototypes for k in range(3 * prototypes)][::-1]
    return members, np.eye(prototypes, dtype="float32")[order]


# Two members. Rows (x one-hot k): member probabilities in eighths.
#   k0: [5,2,1] vs [1,4,3]  mean [6,6,4]/16 -> tie 0/1 -> 0;  votes 0 vs 1 -> tie -> 0
#   k1: [1,5,2] vs [1,1,6]  mean [2,6,8]/16 -> 2;              votes 1 vs 2 -> tie -> 1
#   k2: [2,1,5] vs [2,5,1]  mean [4,6,6]/16 -> tie 1/2 -> 1;  votes 2 vs 1 -> tie -> 1
#   k3: [6,1,1] vs [1,1,6]  mean [7,2,7]/16 -> tie 0/2 -> 0;  votes 0 vs 2 -> tie -> 0
PAIR = [[[5, 2, 1], [1, 5, 2], [2, 1, 5], [6, 1, 1]],
        [[1, 4, 3], [1, 1, 6], [2, 5, 1], [1, 1, 6]]]
# Four members.
#   k0: votes 2,2,1,1 -> tie -> 1; mean [4,14,14]/32 -> tie 1/2 -> 1
#   k1: votes 1,0,2,2 -> 2;        mean [10,11,11]/32 -> tie 1/2 -> 1 (one confident member)
#   k2: votes 0,1,1,2 -> 1;        mean [10,11,11]/32 -> tie 1/2 -> 1
QUAD = [[[1, 3, 4], [1, 6, 1], [5, 1, 2]],
        [[1, 2, 5], [6, 1, 1], [1, 4, 3]],
        [[1, 4, 3], [2, 1, 5], [3, 4, 1]],
        [[1, 5, 2], [1, 3, 4], [1, 2, 5]]]
# Three members, voting only (a mean over 3 is not exact): votes 2,1,0 -> three-way tie -> 0;
# votes 1,2,1 -> 1; votes 2,0,1 -> tie -> 0; votes 2,2,0 -> 2.
TRIO = [[[1, 2, 5], [1, 6, 1], [1, 2, 5], [1, 2, 5]],
        [[1, 5, 2], [1, 1, 6], [5, 2, 1], [2, 1, 5]],
        [[5, 2, 1], [1, 6, 1], [1, 5, 2], [6, 1, 1]]]


def _check_ids(got, expected, what: str, look_at: str) -> None:
    got = np.asarray(got)
    if got.shape != expected.shape:
        raise fail(f"{what}: class ids of shape {expected.shape}", f"shape {got.shape}",
                   look_at)
    if not np.array_equal(got, expected):
        wrong = np.flatnonzero(got != expected)
        raise fail(f"{what}: {expected.tolist()}",
                   f"{got.tolist()} (wrong at rows {wrong.tolist()})", look_at)


@pytest.mark.behaviour
@pytest.mark.points(3)
def test_create_model_is_the_seeds_softmax_mlp(submission, device):
    weights = mlp_weights(1)
    x = np.random.default_rng(2).normal(size=(6, 10)).astype("float32")
    got = submission.call("mlp_forward", device=device, model_seed=0, weights=weights, x=x,
                          look_at="create_model: Dense(64, relu), Dropout(0.3), Dense(32, "
                                  "relu), Dense(3, softmax) on 10 inputs")
    assert_close(got, mlp_oracle(weights, x),
                 "softmax(relu(relu(x W1 + b1) W2 + b2) W3 + b3) with the weights the test set "
                 "(Dropout off in inference)",
                 "create_model: 10 inputs, Dense(64, relu), Dropout(0.3), Dense(32, relu), "
                 "Dense(3, softmax)", rtol=1e-4, atol=1e-6)


@pytest.mark.behaviour
@pytest.mark.points(1)
def test_create_model_is_compiled_with_sparse_crossentropy_and_accuracy(submission, device):
    weights = mlp_weights(3)
    rng = np.random.default_rng(4)
    x = rng.normal(size=(20, 10)).astype("float32")
    y = rng.integers(0, 3, size=20)
    got = submission.call("mlp_evaluate", device=device, model_seed=0, weights=weights, x=x, y=y,
                          look_at="create_model must compile: model.compile(optimizer='adam', "
                                  "loss='sparse_categorical_crossentropy', metrics=['accuracy'])")
    p = mlp_oracle(weights, x)
    loss = float(np.mean(-np.log(p[np.arange(len(y)), y])))
    accuracy = float(np.mean(p.argmax(-1) == y))
    assert_close(got.get("loss"), loss, "evaluate()'s loss: sparse categorical cross-entropy "
                 "of integer labels", "loss='sparse_categorical_crossentropy' in compile",
                 rtol=1e-4)
    names = [name for name in got if "acc" in name]
    if not names:
        raise fail("an accuracy metric in evaluate()'s results", f"{sorted(got)}",
                   "metrics=['accuracy'] in compile")
    assert_close(got[names[0]], accuracy, f"evaluate()'s {names[0]}",
                 "metrics=['accuracy'] in compile", rtol=1e-6)


@pytest.mark.behaviour
@pytest.mark.claim
@pytest.mark.points(3)
def test_same_seed_gives_same_weights_whatever_the_global_state(submission):
    runs = [[5, 0], [5, 1], [5, 2], [6, 0]]  # (seed, global random state)
    got = submission.call("initial_weights", runs=runs,
                          look_at="create_model(seed): seeded initializers, e.g. "
                                  "keras.initializers.GlorotUniform(seed=...)")
    look = ("np.random.seed does not seed Keras' initializers: give each layer a seeded "
            "initializer (kernel_initializer=keras.initializers.GlorotUniform(seed=...)) or "
            "call keras.utils.set_random_seed(seed) inside create_model")
    for k in (1, 2):
        if np.shape(got[k]) != np.shape(got[0]) or not np.array_equal(got[k], got[0]):
            raise fail("identical initial weights from create_model(5) under different global "
                       "random states", f"weights that differ (global state {runs[0][1]} vs "
                       f"{runs[k][1]})", look)
    if np.shape(got[3]) == np.shape(got[0]) and np.array_equal(got[3], got[0]):
        raise fail("different weights from create_model(5) and create_model(6)",
                   "identical weights", "derive every initializer's seed from `seed`")


@pytest.mark.shape
@pytest.mark.points(2)
def test_predictions_are_integer_class_ids_of_shape_b(submission, device):
    members, x = random_members(7, n=3)
    x = x[:7]
    look = "return np.argmax(..., axis=-1): one class id per row, not probabilities"
    for how, name in (("mean", "ensemble_predict"), ("vote", "voting_predict")):
        got = np.asarray(submission.call("predictions", device=device, members=members, x=x,
                                         how=how, look_at=name))
        if got.shape != (7,):
            raise fail(f"{name} to return 7 class ids, shape (7,)", f"shape {got.shape}", look)
        if not np.all(np.isfinite(got)) or np.any(got != np.round(got)) or np.any(got < 0) \
                or np.any(got > 2):
            raise fail(f"{name} to return class ids in {{0, 1, 2}}", f"{got.tolist()}", look)


@pytest.mark.behaviour
@pytest.mark.points(2)
def test_ensemble_predict_is_argmax_of_mean_probabilities(submission, device):
    members, x = random_members(11, n=5)
    got = submission.call("predictions", device=device, members=members, x=x, how="mean",
                          look_at="ensemble_predict")
    _check_ids(got, mean_oracle(members, x), "argmax of the members' mean probabilities",
               "ensemble_predict: average the members' predict(x) over the member axis, then "
               "argmax over classes")


@pytest.mark.behaviour
@pytest.mark.points(2)
def test_ensemble_predict_breaks_ties_toward_the_lowest_class(submission, device):
    for tables in (PAIR, QUAD):
        members, x = table_members(tables)
        got = submission.call("predictions", device=device, members=members, x=x, how="mean",
                              look_at="ensemble_predict")
        _check_ids(got, mean_oracle(members, x),
                   f"argmax of the mean of {len(tables)} members' probabilities, exact ties "
                   "going to the lowest class id",
                   "np.argmax picks the first maximum; sorting (argsort) or reversed scans "
                   "pick another one, and a geometric mean is not a mean")


@pytest.mark.behaviour
@pytest.mark.points(2)
def test_voting_predict_is_the_majority_of_member_argmaxes(submission, device):
    members, x = random_members(13, n=5)
    got = submission.call("predictions", device=device, members=members, x=x, how="vote",
                          look_at="voting_predict")
    _check_ids(got, vote_oracle(members, x), "the class most members' argmax picks",
               "voting_predict: each member votes for its argmax class; count the votes per "
               "class and take the class with most votes")


@pytest.mark.behaviour
@pytest.mark.points(2)
def test_voting_predict_breaks_ties_toward_the_lowest_class(submission, device):
    for tables in (PAIR, QUAD, TRIO):
        members, x = table_members(tables)
        got = submission.call("predictions", device=device, members=members, x=x, how="vote",
                              look_at="voting_predict")
        _check_ids(got, vote_oracle(members, x),
                   f"the majority vote of {len(tables)} members, tied votes going to the lowest "
                   "class id",
                   "count votes per class (np.bincount / one-hot sums) and take np.argmax; "
                   "Counter.most_common returns the first class seen, not the lowest")


@pytest.mark.behaviour
@pytest.mark.points(3)
def test_ensemble_model_averages_members_and_keeps_their_weights(submission, device):
    members, x = random_members(17, n=3)
    got = submission.call("ensemble_model", device=device, members=members, x=x,
                          look_at="build_ensemble_model: keras.Input(input_shape), call every "
                                  "member on it, keras.layers.Average()")
    expected = member_probabilities(members, x).mean(axis=0)
    assert_close(got["outputs"], expected,
                 "the ensemble model's output: the mean of the members' probabilities",
                 "call each given member (not a copy) on one keras.Input and combine the "
                 "outputs with keras.layers.Average()", rtol=1e-5, atol=1e-6)
    for k, (sent, after) in enumerate(zip(members, got["member_weights"], strict=True)):
        for name, value, now in zip(("kernel", "bias"), (sent["w"], sent["b"]), after,
                                    strict=True):
            assert_close(now, value, f"member {k}'s {name} unchanged by build_ensemble_model",
                         "use the members as they are: no re-initialising, no training",
                         rtol=0, atol=0)

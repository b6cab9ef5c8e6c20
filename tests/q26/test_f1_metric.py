"""Hidden tests for q26, a streaming F1 metric. The expected values are scikit-learn's
f1_score, computed here on the batches the test sent; the worker only runs probes.py."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import f1_score

from grader.testing import assert_close, fail

LOOK_COUNTS = ("keep three counts in variables (self.add_variable): tp, fp and fn, add each "
               "batch's counts in update_state, and compute 2 tp / (2 tp + fp + fn) in result()")


def sklearn_f1(batches: list[dict], threshold: float = 0.5) -> float:
    y = np.concatenate([np.ravel(b["y"]) for b in batches])
    p = np.concatenate([np.ravel(b["p"]) for b in batches])
    return float(f1_score(y.astype(int), (p > threshold).astype(int), zero_division=0))


def make_batch(rng: np.random.Generator, n: int, positive_rate: float, skill: float,
               y_shape: str = "B", p_shape: str = "B1", threshold: float = 0.5) -> dict:
    """Labels and probabilities (never within 0.01 of the threshold); `skill` is the
    chance that a prediction lands on the right side."""
    y = (rng.uniform(size=n) < positive_rate).astype("float32")
    right = rng.uniform(size=n) < skill
    positive = np.where(right, y == 1, y == 0)
    p = np.where(positive, rng.uniform(threshold + 0.01, 1.0, size=n),
                 rng.uniform(0.0, threshold - 0.01, size=n)).astype("float32")
    return {"y": y if y_shape == "B" else y.reshape(-1, 1),
            "p": p if p_shape == "B" else p.reshape(-1, 1)}


def _scalar(got, what: str, look_at: str) -> float:
    if tuple(got["shape"]) != () or np.size(got["value"]) != 1:
        raise fail(f"{what} to be a scalar, shape ()",
                   f"shape {tuple(got['shape'])}: {got['value']}", look_at)
    return float(np.reshape(got["value"], ()))


@pytest.mark.behaviour
@pytest.mark.points(4)
def test_result_equals_sklearn_f1_over_several_batches(submission, device):
    rng = np.random.default_rng(26)
    # Batches of unequal size and quality: the mean of per-batch F1 scores is not the F1 of
    # everything seen, so averaging batch scores shows.
    batches = [make_batch(rng, 40, 0.3, 0.9), make_batch(rng, 7, 0.5, 0.3),
               make_batch(rng, 25, 0.1, 0.8), make_batch(rng, 3, 1.0, 0.34)]
    got = submission.call("stream", device=device, batches=batches,
                          look_at="F1Score.update_state / result")
    value = _scalar(got, "F1Score().result()", "result() returns one number")
    assert_close(value, sklearn_f1(batches),
                 "sklearn.metrics.f1_score on all 75 examples of the 4 batches",
                 LOOK_COUNTS + "; averaging per-batch F1 scores is not the F1 of the whole",
                 rtol=1e-5, atol=1e-5)


@pytest.mark.shape
@pytest.mark.points(3)
@pytest.mark.parametrize("y_shape,p_shape", [("B", "B1"), ("B1", "B"), ("B1", "B1"), ("B", "B")])
def test_labels_and_predictions_of_shape_b_or_b1_never_broadcast(submission, y_shape, p_shape):
    rng = np.random.default_rng(7)
    batches = [make_batch(rng, 12, 0.4, 0.7, y_shape, p_shape)]
    batches[0]["y"] = batches[0]["y"].astype("int32")  # integer labels are accepted too
    got = submission.call("stream", batches=batches, look_at="F1Score.update_state")
    shapes = f"labels {np.shape(batches[0]['y'])} and predictions {np.shape(batches[0]['p'])}"
    look = ("flatten (or reshape) y_true and y_pred to the same shape before combining them: "
            "(B,) against (B, 1) broadcasts to (B, B)")
    value = _scalar(got, f"result() after {shapes}", look)
    assert_close(value, sklearn_f1(batches), f"the F1 score of 12 examples given as {shapes}",
                 look, rtol=1e-5, atol=1e-5)


@pytest.mark.behaviour
@pytest.mark.points(3)
def test_reset_state_forgets_earlier_batches(submission, device):
    rng = np.random.default_rng(3)
    before = [make_batch(rng, 30, 0.5, 0.2), make_batch(rng, 10, 0.8, 0.5)]
    after = [make_batch(rng, 20, 0.4, 0.85), make_batch(rng, 9, 0.3, 0.6)]
    got = submission.call("stream", device=device, batches=before + after, reset_after=1,
                          look_at="F1Score.reset_state")
    value = _scalar(got, "result()", "result() returns one number")
    assert_close(value, sklearn_f1(after),
                 "after reset_state(), the F1 of the batches seen since (and only those)",
                 "reset_state() (Keras 3; not reset_states) must set every count back to 0",
                 rtol=1e-5, atol=1e-5)


@pytest.mark.behaviour
@pytest.mark.points(3)
def test_zero_division_gives_zero_not_nan(submission, device):
    cases = {
        "no positives at all (tp + fp + fn = 0)": {"y": [0.0, 0.0, 0.0], "p": [0.1, 0.2, 0.3]},
        "only false positives (tp = 0)": {"y": [0.0, 0.0, 0.0], "p": [0.9, 0.2, 0.7]},
        "only false negatives (tp = 0)": {"y": [1.0, 1.0, 0.0], "p": [0.1, 0.2, 0.3]},
    }
    for what, batch in cases.items():
        batch = {k: np.array(v, "float32") for k, v in batch.items()}
        got = submission.call("stream", device=device, batches=[batch],
                              look_at="F1Score.result")
        value = _scalar(got, "result()", "result() returns one number")
        if not np.isfinite(value):
            raise fail(f"0.0 with {what}", f"{value}",
                       "divide with ops.divide_no_nan (0 / 0 gives 0), as "
                       "f1_score(zero_division=0) does")
        assert_close(value, 0.0, f"F1 = 0 with {what}",
                     "with no true positive, F1 is 0", atol=1e-6)


@pytest.mark.behaviour
@pytest.mark.points(2)
@pytest.mark.parametrize("threshold", [0.3, 0.8])
def test_threshold_is_honoured(submission, threshold):
    rng = np.random.default_rng(int(threshold * 10))
    batches = [make_batch(rng, 30, 0.5, 0.75, threshold=threshold) for _ in range(2)]
    # Predictions between 0.5 and the threshold decide differently at 0.5: make sure some do.
    low, high = sorted((0.5, threshold))
    batches[0]["p"][:6] = np.linspace(low + 0.02, high - 0.02, 6).reshape(
        batches[0]["p"][:6].shape)
    got = submission.call("stream", batches=batches, threshold=threshold,
                          look_at="F1Score(threshold=...)")
    value = _scalar(got, "result()", "result() returns one number")
    assert_close(value, sklearn_f1(batches, threshold),
                 f"the F1 score with threshold={threshold} (positive when y_pred > threshold)",
                 "store the threshold in __init__ and compare y_pred with it, not with 0.5",
                 rtol=1e-5, atol=1e-5)


def _fit_case(seed: int):
    """A logistic model's data and weights, without predictions within 0.01 of 0.5."""
    rng = np.random.default_rng(seed)
    kernel = rng.normal(size=(3, 1)).astype("float32")
    bias = np.array([-0.3], "float32")

    def data(n: int):
        x = rng.normal(size=(3 * n, 3)).astype("float32")
        p = 1 / (1 + np.exp(-(x.astype(np.float64) @ kernel + bias)))
        x = x[np.abs(p[:, 0] - 0.5) > 0.01][:n]
        p = 1 / (1 + np.exp(-(x.astype(np.float64) @ kernel + bias)))
        y = (rng.uniform(size=(n, 1)) < 0.25 + 0.5 * p).astype("float32")  # noisy labels
        return x, y, p

    return kernel, bias, data(48), data(24)


@pytest.mark.behaviour
@pytest.mark.points(5)
def test_works_in_compile_and_fit_history(submission):
    kernel, bias, (x, y, p), (x_val, y_val, p_val) = _fit_case(11)
    got = submission.call("fit_history", x=x, y=y, x_val=x_val, y_val=y_val, kernel=kernel,
                          bias=bias, epochs=2, batch_size=16, name="my_f1", timeout=120,
                          look_at="F1Score must run inside model.fit's compiled (graph-mode) "
                                  "step: tensor ops only, no Python if on tensors, no "
                                  "float() or .numpy()")
    train = sklearn_f1([{"y": y, "p": p}])
    val = sklearn_f1([{"y": y_val, "p": p_val}])
    history = got["history"]
    for key in ("my_f1", "val_my_f1"):
        if key not in history:
            raise fail(f"fit's history to report F1Score(name='my_f1') under {key!r}",
                       f"keys {sorted(history)}",
                       "pass name on to super().__init__(name=name, **kwargs)")
    # The model's learning rate is 0, so each epoch sees the same predictions.
    assert_close(history["my_f1"], [train, train],
                 "the F1 of each epoch's 48 training predictions, in history['my_f1']",
                 LOOK_COUNTS + "; Keras calls reset_state() at the start of every epoch",
                 rtol=1e-5, atol=1e-5)
    assert_close(history["val_my_f1"], [val, val],
                 "the F1 of the 24 validation predictions, in history['val_my_f1']",
                 "reset_state() must clear every count: validation starts from a reset "
                 "metric", rtol=1e-5, atol=1e-5)
    assert_close(got["evaluate"].get("my_f1", np.nan), val,
                 "model.evaluate(...)['my_f1'] on the validation data",
                 "reset_state() and the counts in update_state", rtol=1e-5, atol=1e-5)

"""Hidden tests for q15, focal loss. Verdicts and oracles here; the worker runs probes.py."""

from __future__ import annotations

import re

import numpy as np
import pytest

from grader.keras_archive import read_keras_archive
from grader.testing import (
    assert_close,
    assert_config,
    assert_finite,
    assert_gradient_close,
    curve,
    curve_details,
    curve_of,
    fail,
    numeric_gradient,
)

EPS = 1e-7  # keras.config.epsilon()


def focal_oracle(y, p, gamma=2.0, alpha=0.25):
    """The standard form (Lin et al.): alpha for positives, 1 - alpha for negatives."""
    y = np.asarray(y, np.float64).reshape(np.shape(p))
    p = np.clip(np.asarray(p, np.float64), EPS, 1 - EPS)
    p_t = y * p + (1 - y) * (1 - p)
    alpha_t = y * alpha + (1 - y) * (1 - alpha)
    return (-alpha_t * (1 - p_t) ** gamma * np.log(p_t)).mean(axis=-1)


def _batch(seed: int, shape=(8, 3), low=1e-3, high=1 - 1e-3):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=shape).astype("float32")
    p = rng.uniform(low, high, size=shape).astype("float32")
    return y, p


@pytest.mark.behaviour
@pytest.mark.points(3)
@pytest.mark.parametrize("gamma,alpha", [(2.0, 0.25), (1.0, 0.75), (3.0, 0.5)])
def test_per_sample_values_equal_closed_form(submission, device, gamma, alpha):
    y, p = _batch(15)
    got = submission.call("per_sample", device=device, y=y, p=p, gamma=gamma, alpha=alpha)
    assert_close(got, focal_oracle(y, p, gamma, alpha),
                 f"per-sample focal loss (gamma={gamma}, alpha={alpha}), mean over the last axis",
                 "alpha_t = y*alpha + (1-y)*(1-alpha): alpha for positives, 1-alpha for "
                 "negatives; then -alpha_t * (1-p_t)**gamma * log(p_t), averaged over axis -1",
                 rtol=1e-4, atol=1e-6)


# A loss may also refuse mismatched shapes, as keras.ops.binary_crossentropy does ("Arguments
# `target` and `output` must have the same rank (ndim). Received: target.shape=(6,), ..."):
# the catalogue accepts "align or raise a clear error"; only silent (B, B) broadcasting fails.
CLEAR_SHAPE_ERROR = re.compile(r"shape|incompatible", re.IGNORECASE)


@pytest.mark.shape
@pytest.mark.points(2)
def test_labels_b_and_predictions_b1_give_b_values_not_b_by_b(submission):
    _, p = _batch(4, shape=(6, 1))
    y = np.array([[1], [0], [0], [1], [0], [1]], "float32")  # both classes, or (B, B) hides
    result = submission.call("per_sample_or_error", y=y.reshape(-1), p=p, gamma=2.0, alpha=0.25)
    if "error" in result:
        if CLEAR_SHAPE_ERROR.search(result["message"]):
            return  # a clear refusal is as good as aligning the shapes
        raise fail("labels (6,) against predictions (6, 1) to give 6 per-sample values, or an "
                   "error whose message names the mismatched shapes",
                   f"{result['error']}: {result['message'][:300]!r}",
                   "reshape y_true to y_pred's shape, or raise ValueError naming both shapes")
    got = result["value"]
    if np.shape(got) != (6,):
        raise fail("6 per-sample values, shape (6,), for labels (6,) and predictions (6, 1)",
                   f"shape {np.shape(got)}",
                   "reshape y_true to y_pred's shape before combining them; (6,) against "
                   "(6, 1) broadcasts to (6, 6)")
    assert_close(got, focal_oracle(y, p), "the per-sample values",
                 "reshape y_true to y_pred's shape", rtol=1e-4, atol=1e-6)


@pytest.mark.behaviour
@pytest.mark.points(2)
def test_agrees_with_keras_binary_focal_crossentropy(submission, device):
    import keras

    rng = np.random.default_rng(2)
    y = rng.integers(0, 2, size=(16, 1)).astype("float32")
    p = rng.uniform(1e-6, 1 - 1e-6, size=(16, 1)).astype("float32")
    logits = rng.uniform(-12, 12, size=(16, 1)).astype("float32")
    config = {"gamma": 2.0, "alpha": 0.3, "reduction": None}
    advice = {False: "alpha weights positives and 1-alpha negatives",
              True: "from_logits=True needs a sigmoid before the loss"}
    for name, preds, from_logits in (("probabilities", p, False), ("logits", logits, True)):
        expected = keras.losses.BinaryFocalCrossentropy(
            apply_class_balancing=True, alpha=0.3, gamma=2.0, from_logits=from_logits,
            reduction=None,
        )(y, preds)
        got = submission.call("loss_object", device=device, y=y, p=preds,
                              config={**config, "from_logits": from_logits})
        assert_close(got["value"], np.asarray(expected),
                     f"FocalLoss(reduction=None) on {name}, as Keras' "
                     "BinaryFocalCrossentropy(apply_class_balancing=True) computes it",
                     advice[from_logits], rtol=2e-3, atol=1e-5)


@pytest.mark.behaviour
@pytest.mark.points(2)
def test_gamma_zero_is_alpha_weighted_cross_entropy(submission):
    y, p = _batch(9)
    got = submission.call("per_sample", y=y, p=p, gamma=0.0, alpha=0.7)
    yy, pp = y.astype(np.float64), p.astype(np.float64)
    weighted_bce = -(0.7 * yy * np.log(pp) + 0.3 * (1 - yy) * np.log(1 - pp)).mean(axis=-1)
    assert_close(got, weighted_bce, "alpha-weighted binary cross-entropy when gamma=0",
                 "with gamma=0 the focal factor is 1 and only alpha_t remains: alpha for "
                 "positives, 1 - alpha for negatives",
                 rtol=1e-4, atol=1e-6)


@pytest.mark.behaviour
@pytest.mark.points(2)
def test_finite_at_exact_zero_and_one_and_extreme_logits(submission, device):
    y = np.array([[1.0], [0.0], [1.0], [0.0], [1.0], [0.0]], "float32")
    p = np.array([[0.0], [1.0], [1.0], [0.0], [1e-12], [1 - 1e-9]], "float32")
    logits = np.array([[-1000.0], [1000.0], [1000.0], [-1000.0], [-50.0], [50.0]], "float32")
    got = submission.call("extremes", device=device, y=y, p=p, logits=logits)
    look = "clip predictions to [eps, 1 - eps] (eps = keras.config.epsilon()) before log"
    for key in ("from_probs", "from_logits", "grad_probs", "grad_logits"):
        assert_finite(got[key], f"{key.replace('_', ' ')} at p in {{0, 1}} and logits of +-1000",
                      look)
    # float32 rounds 1 - eps, so allow a few percent around the float64 clipped value.
    assert_close(got["from_probs"][:4], focal_oracle(y[:4], p[:4]),
                 "the clipped loss at p exactly 0 and 1", look, rtol=5e-2, atol=1e-6)


@pytest.mark.gradient
@pytest.mark.points(3)
def test_gradient_matches_finite_differences(submission, device):
    rng = np.random.default_rng(21)
    y = rng.integers(0, 2, size=(4, 2)).astype("float32")
    # The learner's code sees float32, as in training; the finite differences are float64.
    p = rng.uniform(0.05, 0.95, size=(4, 2)).astype("float32")
    got = submission.call("gradient", device=device, y=y, p=p, gamma=2.0, alpha=0.25)
    expected = numeric_gradient(lambda q: float(focal_oracle(y, q).sum()), p.astype("float64"))
    assert_gradient_close(got, expected, "d sum(loss) / d y_pred (float64 finite differences)",
                          "use differentiable keras.ops (clip, log, power); no NumPy inside "
                          "the loss, no stop_gradient")


@pytest.mark.behaviour
@pytest.mark.points(2)
@pytest.mark.parametrize("reduction", ["sum", "sum_over_batch_size", None])
def test_loss_class_honours_sample_weight_and_reduction(submission, reduction):
    y, p = _batch(11, shape=(5, 1))
    weights = np.array([1.0, 0.0, 2.0, 0.5, 3.0], "float32")
    got = submission.call("loss_object", y=y, p=p, sample_weight=weights,
                          config={"gamma": 2.0, "alpha": 0.25, "reduction": reduction,
                                  "name": "my_focal"})
    weighted = focal_oracle(y, p) * weights
    expected = {"sum": weighted.sum(), "sum_over_batch_size": weighted.mean(),
                None: weighted}[reduction]
    value = got["value"]
    if reduction is not None and np.size(value) == 1:
        value = np.reshape(value, ())  # Keras may return shape (1,) for (B, 1) inputs
    assert_close(value, expected, f"FocalLoss(reduction={reduction!r}) with sample_weight",
                 "pass **kwargs (reduction, name) to super().__init__ and let Loss.__call__ "
                 "apply sample_weight and the reduction; call() returns per-sample values",
                 rtol=1e-4, atol=1e-6)
    if got["name"] != "my_focal":
        raise fail("loss.name == 'my_focal'", repr(got["name"]), "pass name on to super()")


@pytest.mark.serialization
@pytest.mark.points(2)
def test_config_round_trip_keeps_gamma_alpha_and_from_logits(submission):
    y, p = _batch(13, shape=(4, 1), low=-3, high=3)
    config = {"gamma": 3.0, "alpha": 0.4, "from_logits": True}
    got = submission.call("config_round_trip", config=config, y=y, p=p)
    if "json_error" in got:
        raise fail("get_config() to return plain JSON", got["json_error"], "get_config()")
    assert_config(got["config"], config, "FocalLoss(gamma=3, alpha=0.4, from_logits=True)"
                  ".get_config()", "get_config(): super().get_config() plus the three settings")
    expected = focal_oracle(y, 1.0 / (1.0 + np.exp(-p.astype(np.float64))), 3.0, 0.4).mean()
    assert_close(got["rebuilt"], expected,
                 "the loss of FocalLoss.from_config(config): gamma=3, alpha=0.4, from logits",
                 "__init__ must accept every key get_config returns", rtol=1e-4)


@pytest.mark.serialization
@pytest.mark.points(1)
def test_keras_file_round_trip_keeps_the_loss(submission):
    rng = np.random.default_rng(8)
    x = rng.normal(size=(32, 3)).astype("float32")
    y = (rng.uniform(size=(32, 1)) < 0.3).astype("float32")
    w, b = rng.normal(size=(3, 1)).astype("float32"), np.array([0.2], "float32")
    got = submission.call("keras_round_trip", x=x, y=y, w=w, b=b,
                          look_at="@keras.saving.register_keras_serializable() on FocalLoss, "
                                  "and get_config returning gamma and alpha")
    look = ("register FocalLoss (@keras.saving.register_keras_serializable()) and return "
            "gamma and alpha from get_config")
    archive = read_keras_archive(got["archive"])
    loss = archive.config.get("compile_config", {}).get("loss") or {}
    settings = loss.get("config", {}) if isinstance(loss, dict) else {}
    saved = (loss.get("class_name") if isinstance(loss, dict) else loss,
             settings.get("gamma"), settings.get("alpha"))
    if saved != ("FocalLoss", 3.0, 0.4):
        raise fail("the saved model's loss to be FocalLoss(gamma=3.0, alpha=0.4)",
                   f"{saved[0]} with gamma={saved[1]}, alpha={saved[2]}", look)
    (kernel, bias), = archive.layer_vars()
    p = 1.0 / (1.0 + np.exp(-(x.astype(np.float64) @ kernel + bias)))
    assert_close(got["after"], focal_oracle(y, p, 3.0, 0.4).mean(),
                 "the reloaded model's loss, computed from the weights in the .keras file",
                 look, rtol=1e-4)


def skewed_data(seed: int, n: int = 2000, positive_rate: float = 0.05):
    """Two overlapping Gaussian classes, 5% positives: plain BCE misses most positives."""
    rng = np.random.default_rng(seed)
    y = (rng.uniform(size=n) < positive_rate).astype("float32")
    x = rng.normal(size=(n, 2)) + np.outer(y, [1.5, 1.5])
    return x.astype("float32"), y.reshape(-1, 1)


def recall(y_true: np.ndarray, prob: np.ndarray) -> float:
    positives = y_true.reshape(-1) == 1
    return float(np.mean(prob[positives] >= 0.5))


# Sweep of the reference (bench/sweep.py q15, seeds 0-19): recall gain min 0.364, mean 0.467.
MIN_RECALL_GAIN = 0.25


@pytest.mark.convergence
@pytest.mark.points(1)
def test_beats_bce_on_minority_recall(submission):
    x, y = skewed_data(0)
    x_eval, y_eval = skewed_data(1)  # labels stay here: the worker never sees them
    got = submission.call("skewed_training", x=x, y=y, x_eval=x_eval, alpha=0.9, epochs=8,
                          train_seed=0, timeout=120)
    gain = recall(y_eval, got["focal"]) - recall(y_eval, got["bce"])
    if gain < MIN_RECALL_GAIN:

        def gain_of(epoch: dict) -> float:  # after an earlier epoch, for the feedback's curve
            focal, bce = (np.asarray(epoch[k], np.float64).reshape(len(y_eval))
                          for k in ("focal", "bce"))
            return recall(y_eval, focal) - recall(y_eval, bce)

        per_epoch = curve_of(got["per_epoch"], gain_of, final=gain)
        raise fail(
            f"focal loss (alpha=0.9) to find at least {MIN_RECALL_GAIN:.0%} more of the rare "
            "class than plain BCE",
            f"minority recall {recall(y_eval, got['focal']):.2f} with focal loss vs "
            f"{recall(y_eval, got['bce']):.2f} with BCE"
            + (f" (recall gain per epoch: {curve(per_epoch)})" if per_epoch else ""),
            "alpha must weight the positive class (alpha_t = y*alpha + (1-y)*(1-alpha))",
            details=curve_details(per_epoch, MIN_RECALL_GAIN, below=False, final=gain),
        )

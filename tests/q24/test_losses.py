"""Hidden tests for q24, cross-entropies and output heads. Oracles and verdicts here: Keras'
own losses and NumPy, computed in the grading process; the worker only runs probes.py."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from grader.testing import assert_close, assert_finite, assert_gradient_close, fail

EPS = 1e-7  # keras.config.epsilon()
LOOK_CLIP = ("clip the probabilities to [eps, 1 - eps] with eps = keras.config.epsilon() "
             "before the log (ops.clip), then -sum(y * log(p)) over the last axis")


def _keras_cce(y_onehot: np.ndarray, probs: np.ndarray) -> np.ndarray:
    return np.asarray(keras.losses.categorical_crossentropy(y_onehot, probs), np.float64)


def _keras_scce(labels: np.ndarray, probs: np.ndarray) -> np.ndarray:
    return np.asarray(keras.losses.sparse_categorical_crossentropy(labels, probs), np.float64)


def _one_hot(labels: np.ndarray, num_classes: int) -> np.ndarray:
    return np.eye(num_classes, dtype="float32")[np.asarray(labels).reshape(-1)]


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def random_rows(seed: int, batch: int = 12, classes: int = 5):
    """Probability rows with entries down to 1e-6, and labels that often pick the smallest
    entry, so that `log(p + eps)` (a shift instead of a clip) shows."""
    rng = np.random.default_rng(seed)
    probs = np.maximum(rng.dirichlet(np.full(classes, 0.3), size=batch), 1e-6)
    probs = (probs / probs.sum(axis=-1, keepdims=True)).astype("float32")
    labels = np.where(np.arange(batch) % 2 == 0, probs.argmin(axis=-1),
                      rng.integers(0, classes, size=batch)).astype("int32")
    return probs, labels


@pytest.mark.behaviour
@pytest.mark.points(3)
def test_categorical_equals_keras_on_random_probabilities(submission, device):
    probs, labels = random_rows(24)
    y = _one_hot(labels, probs.shape[1])
    got = submission.call("categorical_values", device=device, y_onehot=y, probs=probs,
                          look_at="categorical_crossentropy(y_onehot, probs)")
    assert_close(got, _keras_cce(y, probs),
                 "categorical_crossentropy equal to keras.losses.categorical_crossentropy "
                 "(probabilities down to 1e-6)", LOOK_CLIP + "; log(p + eps) is a shift, "
                 "not a clip, and is off by 0.1 at p = 1e-6", rtol=1e-6, atol=1e-5)


@pytest.mark.behaviour
@pytest.mark.points(3)
@pytest.mark.parametrize("dtype,shape", [("int32", "B"), ("int64", "B1")])
def test_sparse_equals_keras_for_int32_and_int64_labels(submission, device, dtype, shape):
    probs, labels = random_rows(25)
    labels = labels.astype(dtype)
    if shape == "B1":
        labels = labels.reshape(-1, 1)
    got = submission.call("sparse_values", device=device, labels=labels, probs=probs,
                          look_at="sparse_categorical_crossentropy(labels, probs): cast the "
                                  "labels to an integer type before ops.one_hot")
    assert_close(got, _keras_scce(labels, probs),
                 f"sparse_categorical_crossentropy equal to Keras' for {dtype} labels of "
                 f"shape {labels.shape}", "pick -log(clip(p[label])) for each row: "
                 "one-hot the labels (ops.one_hot) or gather with take_along_axis",
                 rtol=1e-6, atol=1e-5)


@pytest.mark.shape
@pytest.mark.points(2)
def test_one_value_per_sample_for_b_and_b1_labels(submission):
    probs, labels = random_rows(26, batch=6, classes=4)
    for shape in ((6,), (6, 1)):
        got = submission.call("values", y_onehot=_one_hot(labels, 4),
                              labels=labels.astype("int64").reshape(shape), probs=probs)
        for name in ("categorical", "sparse"):
            if np.shape(got[name]) != (6,):
                raise fail(f"{name}_crossentropy to return 6 values, shape (6,), for 6 rows "
                           f"of probabilities (integer labels of shape {shape})",
                           f"shape {np.shape(got[name])}",
                           "sum over the last axis only (one value per sample, as Keras' loss "
                           "functions return); reshape (B, 1) labels to (B,) before one-hot, "
                           "so they never broadcast to (B, B)")


@pytest.mark.behaviour
@pytest.mark.points(2)
def test_sparse_and_categorical_agree_on_equivalent_labels(submission, device):
    rng = np.random.default_rng(27)
    probs = _softmax(rng.normal(size=(8, 6)) * 3).astype("float32")
    labels = rng.integers(0, 6, size=8).astype("int64")
    got = submission.call("values", device=device, y_onehot=_one_hot(labels, 6),
                          labels=labels, probs=probs)
    p_true = np.clip(probs[np.arange(8), labels].astype(np.float64), EPS, 1 - EPS)
    oracle = -np.log(p_true)
    for name in ("categorical", "sparse"):
        assert_close(got[name], oracle,
                     f"{name}_crossentropy = -log(p[true class]) for the same labels given as "
                     "one-hot rows and as class ids", "both functions compute the same "
                     "quantity: sparse is categorical after one-hot encoding the labels",
                     rtol=1e-5, atol=1e-5)


@pytest.mark.behaviour
@pytest.mark.points(3)
def test_finite_and_equal_keras_at_probabilities_zero_and_one(submission, device):
    probs = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.0, 0.0, 1.0],
                      [0.0, 1.0, 0.0]], "float32")
    labels = np.array([1, 1, 2, 2, 0], "int32")  # certain and right, certain and wrong
    y = _one_hot(labels, 3)
    got = submission.call("extremes", device=device, y_onehot=y, labels=labels, probs=probs,
                          look_at=LOOK_CLIP)
    expected = {"categorical": _keras_cce(y, probs), "sparse": _keras_scce(labels, probs)}
    for name in ("categorical", "sparse"):
        assert_finite(got[name], f"{name}_crossentropy at probabilities of exactly 0 and 1",
                      LOOK_CLIP + ": log(0) is -inf and 0 * log(0) is NaN")
        assert_finite(got[f"{name}_grad"],
                      f"d {name}_crossentropy / d probs at probabilities of exactly 0 and 1",
                      LOOK_CLIP + ": the gradient of log(p) at p = 0 is infinite")
        assert_close(got[name], expected[name],
                     f"{name}_crossentropy equal to Keras' at probabilities of exactly 0 and 1 "
                     "(-log(eps) = 16.1 for a certain, wrong prediction)", LOOK_CLIP,
                     rtol=1e-5, atol=1e-4)


@pytest.mark.gradient
@pytest.mark.points(3)
def test_gradient_through_softmax_is_softmax_minus_labels(submission, device):
    rng = np.random.default_rng(28)
    logits = (rng.normal(size=(5, 4)) * 2).astype("float32")
    labels = rng.integers(0, 4, size=5).astype("int32")
    y = _one_hot(labels, 4)
    got = submission.call("softmax_gradients", device=device, logits=logits, y_onehot=y,
                          labels=labels,
                          look_at="the losses must be tensor code (keras.ops or tf) that also "
                                  "runs inside tf.function: no NumPy, no .numpy()")
    expected = _softmax(logits.astype(np.float64)) - y
    for key, value in got.items():
        name, mode = key.rsplit("_", 1)
        where = "eagerly" if mode == "eager" else "inside tf.function"
        assert_gradient_close(value, expected,
                              f"d sum({name}_crossentropy(y, softmax(z))) / dz = softmax(z) - y "
                              f"({where})", "use differentiable keras.ops (clip, log, sum, "
                              "one_hot); no NumPy inside the loss, no stop_gradient",
                              max_rel_error=1e-3)


def _activation_oracle(task: str, z: np.ndarray) -> np.ndarray:
    if task == "binary":
        return 1 / (1 + np.exp(-z))
    return z if task == "regression" else _softmax(z)


def _loss_oracle(task: str, y: np.ndarray, p: np.ndarray) -> float:
    """The mean loss of the Keras pair on predictions p (probabilities, or values)."""
    p = p.astype(np.float64)
    if task == "regression":
        return float(np.mean((y - p) ** 2))
    q = np.clip(p, EPS, 1 - EPS)
    if task == "binary":
        return float(np.mean(-(y * np.log(q) + (1 - y) * np.log(1 - q))))
    ids = y.reshape(-1).astype(int) if task == "multiclass_int" else y.argmax(axis=-1)
    return float(np.mean(-np.log(q[np.arange(len(q)), ids])))


HEADS = {
    "binary": ("sigmoid", "binary cross-entropy", 1),
    "multiclass_onehot": ("softmax", "categorical cross-entropy", 4),
    "multiclass_int": ("softmax", "sparse categorical cross-entropy", 4),
    "regression": ("linear (no activation)", "mean squared error", 1),
}


@pytest.mark.behaviour
@pytest.mark.points(4)
@pytest.mark.parametrize("task", list(HEADS))
def test_output_head_pairs_behave_like_the_keras_pairs(submission, task):
    activation, loss, units = HEADS[task]
    rng = np.random.default_rng(29)
    x = rng.normal(size=(10, 3)).astype("float32")
    kernel = rng.normal(size=(3, units)).astype("float32")
    bias = rng.normal(size=(units,)).astype("float32")
    y = {"binary": rng.integers(0, 2, size=(10, 1)).astype("float32"),
         "multiclass_onehot": _one_hot(rng.integers(0, 4, size=10), 4),
         "multiclass_int": rng.integers(0, 4, size=(10, 1)).astype("int64"),
         "regression": rng.normal(size=(10, 1)).astype("float32")}[task]
    # Predictions the test chose: probabilities (rows summing to 1 for softmax heads).
    probs = _activation_oracle(task, rng.normal(size=(10, units)) * 2).astype("float32")
    got = submission.call("head", task=task, x=x, kernel=kernel, bias=bias, y=y, probs=probs,
                          look_at=f"output_head({task!r}) must return (activation, loss) that "
                                  "Dense(activation=...), compile(loss=...) and "
                                  "keras.losses.get accept, e.g. names such as 'sigmoid' and "
                                  "'binary_crossentropy'")
    outputs = _activation_oracle(task, x.astype(np.float64) @ kernel + bias)
    assert_close(got["outputs"], outputs,
                 f"a Dense layer with output_head({task!r})'s activation to output {activation}",
                 f"the activation for {task!r} is {activation}", rtol=1e-5, atol=1e-5)
    look = (f"the loss for {task!r} is {loss}, computed on the activation's output "
            "(probabilities: from_logits=False)")
    assert_close(got["loss"], _loss_oracle(task, y, outputs),
                 f"a model compiled with output_head({task!r})'s loss to report {loss}", look,
                 rtol=1e-4, atol=1e-5)
    assert_close(got["loss_on_predictions"], _loss_oracle(task, y, probs),
                 f"output_head({task!r})'s loss on given predictions to be {loss}", look,
                 rtol=1e-4, atol=1e-5)

"""Hidden tests for q1, the CNN image classifier. Verdicts here; the worker runs probes.py."""

from __future__ import annotations

import numpy as np
import pytest

from grader.testing import (
    assert_close,
    assert_finite,
    assert_shape,
    curve,
    curve_details,
    fail,
)

CASES = [  # (input_shape, num_classes): digits, MNIST-sized grey and colour images
    ((8, 8, 1), 10),
    ((28, 28, 1), 10),
    ((28, 28, 3), 7),
]


def _cases(seed: int) -> list[dict]:
    rng = np.random.default_rng(seed)
    return [{"input_shape": list(shape), "num_classes": classes,
             "x": rng.uniform(size=(3, *shape)).astype("float32")} for shape, classes in CASES]


def _label(case: dict) -> str:
    return f"input_shape={tuple(case['input_shape'])}, num_classes={case['num_classes']}"


@pytest.mark.shape
@pytest.mark.points(4)
def test_output_is_batch_by_num_classes_for_8x8_and_28x28_grey_and_colour(submission, device):
    cases = _cases(1)
    got = submission.call("outputs", device=device, cases=cases,
                          look_at="padding='same' keeps an 8x8 image from shrinking to nothing; "
                                  "build the model from input_shape (channels included)")
    for case, out in zip(cases, got, strict=True):
        assert_shape(out, (3, case["num_classes"]), f"3 rows of class scores for {_label(case)}",
                     "keras.Input(shape=input_shape), Conv2D(..., padding='same'), and a last "
                     "Dense(num_classes)")


@pytest.mark.shape
@pytest.mark.points(3)
def test_outputs_are_softmax_rows_that_sum_to_one(submission, device):
    cases = _cases(2)
    got = submission.call("outputs", device=device, cases=cases)
    look = "the last layer needs activation='softmax': the loss expects probabilities"
    for case, out in zip(cases, got, strict=True):
        out = assert_finite(out, f"the outputs for {_label(case)}", look)
        if out.ndim != 2 or np.any(out < 0):
            raise fail(f"non-negative probabilities for {_label(case)}", f"{out.ravel()[:6]}",
                       look)
        assert_close(out.sum(axis=-1), np.ones(len(out)),
                     f"each row to sum to 1 for {_label(case)}", look, atol=1e-5)


@pytest.mark.behaviour
@pytest.mark.points(3)
def test_compiled_loss_is_sparse_crossentropy_on_probabilities(submission, device):
    rng = np.random.default_rng(3)
    y = rng.integers(0, 10, size=12)
    p = rng.uniform(0.05, 1.0, size=(12, 10))
    p = (p / p.sum(axis=-1, keepdims=True)).astype("float32")
    got = submission.call("compiled_loss", device=device, y=y.astype("int64"), p=p,
                          look_at="model.compile(optimizer='adam', "
                                  "loss='sparse_categorical_crossentropy', metrics=['accuracy'])")
    expected = float(np.mean(-np.log(p[np.arange(len(y)), y].astype(np.float64))))
    assert_close(got, expected,
                 "the compiled loss on integer labels and probability rows: mean(-log p[y])",
                 "compile with loss='sparse_categorical_crossentropy' (integer labels; the "
                 "model outputs probabilities, so no from_logits=True)", rtol=1e-4)


@pytest.mark.behaviour
@pytest.mark.claim
@pytest.mark.points(2)
def test_compiled_with_adam_and_an_accuracy_metric(submission):
    rng = np.random.default_rng(4)
    x = rng.uniform(size=(8, 8, 8, 1)).astype("float32")
    got = submission.call("compile_settings", x=x, y=rng.integers(0, 10, size=8),
                          look_at="build_cnn must return a compiled model")
    if not got["is_adam"]:
        raise fail("an Adam optimizer", f"{got['optimizer']}", "model.compile(optimizer='adam')")
    if not any("acc" in name for name in got["metric_names"]):
        raise fail("an accuracy metric among those evaluate() reports",
                   f"{got['metric_names']}", "model.compile(..., metrics=['accuracy'])")


@pytest.mark.behaviour
@pytest.mark.claim
@pytest.mark.points(2)
def test_conv_batchnorm_maxpool_and_dropout_layers_are_present(submission):
    got = submission.call("layer_kinds", input_shape=[8, 8, 1])
    missing = [name for name, present in got.items() if not present]
    if missing:
        raise fail("Conv2D, BatchNormalization, MaxPooling2D and Dropout layers",
                   f"none of {missing}",
                   "the seed's blocks: Conv2D -> BatchNormalization -> MaxPooling2D, and "
                   "Dropout before the classifier")


def digit_split(images: np.ndarray, labels: np.ndarray, seed: int):
    """1,437 training digits and the other 360, whose labels never leave this process."""
    order = np.random.default_rng(seed).permutation(len(images))
    train, held = order[:1437], order[1437:]
    return (images[train], labels[train]), (images[held], labels[held])


EPOCHS = 8


def run_convergence(submission, seed: int, digits=None) -> list[float]:
    """Held-out accuracy after each epoch, computed here from the model's predictions."""
    if digits is None:
        from sklearn.datasets import load_digits

        data = load_digits()
        digits = ((data.images / 16.0).astype("float32")[..., None], data.target)
    (x, y), (x_held, y_held) = digit_split(*digits, seed)
    got = submission.call("train_and_predict", seed=seed, x_train=x, y_train=y, x_test=x_held,
                          epochs=EPOCHS, batch_size=16, timeout=150,
                          look_at="build_cnn must return a compiled model that fit() can train "
                                  "on integer labels")
    accuracies = []
    for p in got:
        p = assert_shape(np.asarray(p), (len(y_held), 10), "held-out class probabilities",
                         "the model's output: one row of 10 probabilities per image")
        accuracies.append(float(np.mean(np.argmax(p, axis=-1) == y_held)))
    return accuracies


# Sweep of 20 seeds (bench/sweep.py q1, seeds 0-19): held-out accuracy after 8 epochs
# min 0.967, mean 0.980, max 0.992 -> threshold 0.90 (the catalogue's bar). The seed's own
# architecture (alternatives/seed_answer.py) scored min 0.964 after 8 epochs on the same
# splits in a hand-run check; after 5 epochs it still dips to 0.75 (BatchNorm statistics).
MIN_ACCURACY = 0.90


@pytest.mark.convergence
@pytest.mark.points(6)
def test_reaches_90_percent_on_held_out_digits_in_8_epochs(submission, digits):
    accuracies = run_convergence(submission, 0, digits=digits)
    if not np.isfinite(accuracies[-1]) or accuracies[-1] < MIN_ACCURACY:
        raise fail(f"held-out accuracy of at least {MIN_ACCURACY} after {EPOCHS} epochs "
                   "(batch 16, your compile)", f"{accuracies[-1]:.3f} (curve: {curve(accuracies)})",
                   "softmax output with sparse categorical cross-entropy and Adam; padding='same' "
                   "so small images keep their features; Dropout only before the classifier",
                   details=curve_details(accuracies, MIN_ACCURACY, below=False,
                                         final=accuracies[-1]))

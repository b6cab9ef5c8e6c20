"""Hidden tests for q12, saving and loading. The worker saves and reloads with the learner's
functions and sends the files' bytes; verdicts come from files read here (json + h5py, no
deserialization) and from predictions and optimizer steps computed here with NumPy."""

from __future__ import annotations

import io

import numpy as np
import pytest

from grader.keras_archive import read_keras_archive
from grader.testing import assert_close, fail

MODEL_ADVICE = ("check the suffix yourself before calling Keras: "
                "`if not path.endswith('.keras'): raise ValueError(...)` with a message that "
                "names '.keras' (Keras 3 still writes and reads legacy HDF5 for '.h5')")
WEIGHTS_ADVICE = ("check the suffix yourself: `if not path.endswith('.weights.h5'): raise "
                  "ValueError(...)` with a message that names '.weights.h5'")


def _check_refusal(got, function: str, filename: str, suffix: str, advice: str) -> None:
    call = f"{function}(..., {filename!r})"
    if not got["raised"]:
        raise fail(f"{call} to raise ValueError (only '{suffix}' paths are accepted)",
                   f"no error; new files: {got['written']}", advice)
    if not got["value_error"]:
        raise fail(f"{call} to raise ValueError", f"{got['type']}: {got['message']}",
                   "raise ValueError (not assert, not a warning)")
    if suffix.lstrip(".") not in got["message"]:
        raise fail(f"the error message of {call} to name the expected suffix '{suffix}'",
                   repr(got["message"]), advice)
    if got["written"]:
        raise fail(f"{call} to refuse before writing anything", f"it wrote {got['written']}",
                   "check the path first, then save")


# (function, file name, whether a real file written by Keras is there first)
MODEL_CASES = [
    ("save_model", "model.h5", False),
    ("save_model", "model", False),
    ("save_model", "model.weights.h5", False),
    ("load_model", "legacy.h5", True),
    ("load_model", "model.weights.h5", True),
    ("checkpoint", "best_model.h5", False),
    ("checkpoint", "best_model", False),
]
WEIGHT_CASES = [
    ("save_weights", "weights.h5", False),
    ("save_weights", "weights.keras", False),
    ("load_weights", "legacy.h5", True),
    ("load_weights", "model.keras", True),
]


@pytest.mark.behaviour
@pytest.mark.claim
@pytest.mark.points(2)
@pytest.mark.parametrize("function,filename,legacy", MODEL_CASES,
                         ids=[f"{f}-{n}" for f, n, _ in MODEL_CASES])
def test_model_functions_refuse_paths_without_the_keras_suffix(
    submission, function, filename, legacy
):
    got = submission.call("refusal", function=function, filename=filename, legacy=legacy)
    _check_refusal(got, function, filename, ".keras", MODEL_ADVICE)


@pytest.mark.behaviour
@pytest.mark.claim
@pytest.mark.points(2)
@pytest.mark.parametrize("function,filename,legacy", WEIGHT_CASES,
                         ids=[f"{f}-{n}" for f, n, _ in WEIGHT_CASES])
def test_weight_functions_refuse_paths_without_the_weights_h5_suffix(
    submission, function, filename, legacy
):
    got = submission.call("refusal", function=function, filename=filename, legacy=legacy)
    _check_refusal(got, function, filename, ".weights.h5", WEIGHTS_ADVICE)


@pytest.mark.behaviour
@pytest.mark.claim
@pytest.mark.points(1)
def test_load_model_refuses_a_python_lambda_in_safe_mode(submission):
    got = submission.call("unsafe_lambda")
    if not got["raised"]:
        raise fail("load_model to refuse a .keras file holding a Python lambda (safe mode)",
                   "it loaded the model and would run the file's code",
                   "keras.saving.load_model(path) keeps safe_mode=True by default; never "
                   "pass safe_mode=False for files you did not write")
    message = got["message"].lower()
    if "lambda" not in message and "safe" not in message:
        raise fail("Keras' safe-mode refusal of the lambda", repr(got["message"]),
                   "load with keras.saving.load_model(path); raise nothing else for a "
                   "'.keras' path")


# -- predictions after reload, from the file's own weights -------------------------------
def _classifier_weights(seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(4, 6)).astype("float32"), rng.normal(size=(6,)).astype("float32"),
            rng.normal(size=(6, 3)).astype("float32"), rng.normal(size=(3,)).astype("float32")]


def classifier_forward(weights: list[np.ndarray], x: np.ndarray) -> np.ndarray:
    w1, b1, w2, b2 = (np.asarray(w, np.float64) for w in weights)
    z = np.tanh(x.astype(np.float64) @ w1 + b1) @ w2 + b2
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _same_arrays(got: list[np.ndarray], sent: list[np.ndarray]) -> bool:
    return len(got) == len(sent) and all(
        a.shape == b.shape and np.array_equal(a, b) for a, b in zip(got, sent, strict=True))


@pytest.mark.serialization
@pytest.mark.points(4)
def test_saved_file_holds_the_model_and_reload_predicts_identically(submission, device):
    weights = _classifier_weights(1)
    x = np.random.default_rng(2).normal(size=(5, 4)).astype("float32")
    got = submission.call("model_round_trip", device=device, weights=weights, x=x,
                          look_at="save_model: model.save(path); load_model: "
                                  "keras.saving.load_model(path)")
    archive = read_keras_archive(got["file"])
    saved = [w for layer in archive.layer_vars() for w in layer]
    if archive.class_names() != ["Dense", "Dense"] or not _same_arrays(saved, weights):
        raise fail("the .keras file to hold the model that was saved, with its weights",
                   f"layers {archive.class_names()} and {len(saved)} arrays that differ",
                   "save_model must save the model it is given (model.save(path))")
    if "compile_config" not in archive.config or not archive.config["compile_config"]:
        raise fail("the file to keep the compile state (optimizer, loss)",
                   "no compile_config in config.json", "model.save(path) keeps it")
    expected = classifier_forward(saved, x)
    for key, what in (("predict", "loaded.predict(x)"), ("call", "loaded(x)")):
        assert_close(got[key], expected,
                     f"{what}: the predictions of the saved weights (NumPy)",
                     "load_model must return the saved model, weights included",
                     rtol=1e-5, atol=1e-6)


# -- optimizer state: one more step after reload equals the step without the reload --------
def _regression_problem(seed: int, steps: int = 4):
    rng = np.random.default_rng(seed)
    weights = [rng.normal(size=(4, 2)).astype("float32"), rng.normal(size=(2,)).astype("float32")]
    true_w = rng.normal(size=(4, 2))
    batches = []
    for _ in range(steps):
        x = rng.normal(size=(8, 4)).astype("float32")
        batches.append([x, (x @ true_w + 0.1 * rng.normal(size=(8, 2))).astype("float32")])
    return weights, batches


def _mse_gradients(w, b, x, y):
    diff = x @ w + b - y
    grad_out = 2.0 * diff / diff.size
    return [x.T @ grad_out, grad_out.sum(axis=0)]


def replay_training(weights, batches, optimizer: str, lr: float) -> list[list[np.ndarray]]:
    """Keras' Adam (beta 0.9/0.999, epsilon 1e-7) or SGD(momentum=0.9) on the MSE of a Dense
    layer, in float64; returns the weights after every step."""
    params = [np.asarray(p, np.float64) for p in weights]
    slots = [[np.zeros_like(p), np.zeros_like(p)] for p in params]
    history = []
    for step, (x, y) in enumerate(batches, start=1):
        grads = _mse_gradients(*params, np.asarray(x, np.float64), np.asarray(y, np.float64))
        for p, g, (m, v) in zip(params, grads, slots, strict=True):
            if optimizer == "adam":
                alpha = lr * np.sqrt(1 - 0.999**step) / (1 - 0.9**step)
                m += (g - m) * 0.1
                v += (g * g - v) * 0.001
                p -= alpha * m / (np.sqrt(v) + 1e-7)
            else:
                m[...] = 0.9 * m - lr * g
                p += m
        history.append([p.copy() for p in params])
    return history


@pytest.mark.serialization
@pytest.mark.points(4)
@pytest.mark.parametrize("optimizer", ["adam", "sgd_momentum"])
def test_optimizer_state_survives_so_the_next_step_matches(submission, device, optimizer):
    weights, batches = _regression_problem(3)
    lr = 0.01 if optimizer == "adam" else 0.05
    got = submission.call("next_step_after_reload", device=device, weights=weights,
                          optimizer=optimizer, lr=lr, batches=batches,
                          look_at="load_model must return the compiled model "
                                  "(keras.saving.load_model(path), compile left on)")
    expected = replay_training(weights, batches, optimizer, lr)
    archive = read_keras_archive(got["file"])
    saved = [w for layer in archive.layer_vars() for w in layer]
    if len(saved) != 2:
        raise fail("the saved file to hold the trained Dense layer", f"{len(saved)} arrays",
                   "save_model must save the model it is given")
    assert_close(saved[0], expected[-2][0], "the kernel in the file: after 3 training steps",
                 "save_model must save the trained model", rtol=1e-5, atol=1e-6)
    name = "Adam" if optimizer == "adam" else "SGD(momentum=0.9)"
    for got_w, want, what in zip(got["weights"], expected[-1], ("kernel", "bias"), strict=True):
        assert_close(got_w, want,
                     f"the {what} after one more {name} step on the reloaded model: the same "
                     "step as without the reload (moments and iteration count restored)",
                     "load_model must restore the optimizer state: load the file compiled "
                     "and do not compile it again (a new optimizer starts from zero)",
                     rtol=1e-5, atol=1e-6)


# -- weights only, into a fresh model from the builder -------------------------------------
def _h5_arrays(data: np.ndarray) -> dict[str, np.ndarray]:
    import h5py

    arrays: dict[str, np.ndarray] = {}
    try:
        with h5py.File(io.BytesIO(data.tobytes()), "r") as h5:
            h5.visititems(lambda name, obj: arrays.__setitem__(name, np.array(obj[()]))
                          if isinstance(obj, h5py.Dataset) and obj.dtype.kind in "biuf"
                          else None)
    except OSError as exc:
        raise fail("an HDF5 .weights.h5 file", f"unreadable bytes ({exc})",
                   "save_weights: model.save_weights(path)") from None
    return arrays


@pytest.mark.serialization
@pytest.mark.points(3)
def test_weights_load_into_a_fresh_model_from_the_builder(submission, device):
    weights = _classifier_weights(4)
    x = np.random.default_rng(5).normal(size=(5, 4)).astype("float32")
    got = submission.call("weights_round_trip", device=device, weights=weights, x=x,
                          look_at="load_weights: model = builder(); "
                                  "model.load_weights(path); return model")
    stored = _h5_arrays(got["file"])
    for i, w in enumerate(weights):
        if not any(a.shape == w.shape and np.array_equal(a, w) for a in stored.values()):
            raise fail("the .weights.h5 file to hold every weight of the model",
                       f"weight #{i} of shape {w.shape} missing (file has "
                       f"{sorted(stored)})", "save_weights: model.save_weights(path)")
    if got["builder_calls"] < 1:
        raise fail("load_weights to build its model by calling builder()", "no call",
                   "model = builder()")
    assert_close(got["outputs"], classifier_forward(weights, x),
                 "the outputs of the model load_weights returns: those of the saved weights",
                 "call builder(), then model.load_weights(path) on that model, and return it",
                 rtol=1e-5, atol=1e-6)


# -- checkpoint keeps the best epoch ---------------------------------------------------------
def replay_sgd(w0: np.ndarray, x: np.ndarray, y: np.ndarray, lr: float, epochs: int):
    """Kernels after 0, 1, ..., epochs full-batch SGD steps on the MSE, in float64."""
    w = w0.astype(np.float64)
    x64, y64 = x.astype(np.float64), y.astype(np.float64)
    kernels = [w]
    for _ in range(epochs):
        w = w - lr * 2.0 / len(x) * x64.T @ (x64 @ w - y64)
        kernels.append(w)
    return kernels


# val_loss per epoch: lowest at epoch 3, not the first or the last, and the training loss
# keeps falling, so "last epoch", "lowest training loss" and "highest val_loss" all differ.
VAL_LOSSES = [2.0, 1.0, 1.5, 0.7, 0.9, 0.8, 1.2]
BEST_EPOCH = 3


@pytest.mark.behaviour
@pytest.mark.points(4)
def test_checkpoint_keeps_only_the_epoch_with_the_lowest_val_loss(submission, device):
    rng = np.random.default_rng(6)
    x = rng.normal(size=(16, 3)).astype("float32")
    y = (x @ np.array([[0.5], [-1.0], [2.0]])).astype("float32")
    w0 = rng.normal(size=(3, 1)).astype("float32")
    lr = 0.05
    got = submission.call("checkpoint_run", device=device, w0=w0, x=x, y=y, lr=lr,
                          val_losses=VAL_LOSSES,
                          look_at="checkpoint: keras.callbacks.ModelCheckpoint(path, "
                                  "monitor='val_loss', save_best_only=True)")
    if got["files"] != ["best.keras"]:
        raise fail("exactly one file, the checkpoint path 'best.keras'", f"{got['files']}",
                   "save to the path you were given, not a name per epoch")
    archive = read_keras_archive(got["file"])
    saved = [w for layer in archive.layer_vars() for w in layer]
    kernels = replay_sgd(w0, x, y, lr, len(VAL_LOSSES))
    if len(saved) != 1:
        raise fail("the checkpoint to hold the model's one kernel", f"{len(saved)} arrays",
                   "ModelCheckpoint saves the whole model to a .keras path")
    epoch = next((e for e in range(len(VAL_LOSSES))
                  if np.allclose(saved[0], kernels[e + 1], rtol=1e-5, atol=1e-6)), None)
    if epoch != BEST_EPOCH:
        found = "weights of no epoch" if epoch is None else f"the weights of epoch {epoch}"
        raise fail(f"the weights of epoch {BEST_EPOCH}, the lowest val_loss of {VAL_LOSSES}",
                   found, "monitor='val_loss' and save_best_only=True")

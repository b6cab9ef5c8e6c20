"""Hidden tests for q19, callbacks. Scripted logs and short fits; the expected stopping
epoch, weights and losses are computed here with a NumPy replay of the same training (full
SGD on a logistic model, which Keras matches to ~1e-7); the worker runs probes.py."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from grader.keras_archive import ArchiveError, read_keras_archive
from grader.testing import assert_close, fail


# -- scripted logs -------------------------------------------------------------------------
def _flags(submission, threshold, epochs, monitor=None, batch_logs=(), look_at=None):
    return submission.call("scripted", threshold=threshold, monitor=monitor, epochs=epochs,
                           batch_logs=list(batch_logs), look_at=look_at)


def _stopped_epoch(flags) -> int | None:
    """The first epoch whose on_epoch_end set stop_training, or None."""
    for epoch, (_, after_epoch) in enumerate(flags):
        if after_epoch:
            return epoch
    return None


def _check_stop(flags, expected: int | None, what: str, look_at: str) -> None:
    early = [epoch for epoch, (after_batches, _) in enumerate(flags) if after_batches]
    if early:
        raise fail(f"{what}: stop_training set only in on_epoch_end",
                   f"stop_training already True after the batches of epoch {early[0]}",
                   "act in on_epoch_end, not in a batch hook (batch logs hold running values)")
    stopped = _stopped_epoch(flags)
    if stopped != expected:
        said = "never" if expected is None else f"at the end of epoch index {expected}"
        got = ("it never stopped" if stopped is None
               else f"it stopped at the end of epoch index {stopped}")
        raise fail(f"{what}: stop {said}", got, look_at)


CASES = {
    "reaches_0.75_exactly": (0.75, [0.5, 0.625, 0.75, 0.875], 2),
    "reaches_0.8125_exactly": (0.8125, [0.8, 0.8125, 0.9], 1),
    "jumps_past_0.7": (0.7, [0.25, 0.5, 0.9375, 1.0], 2),
    "never_reaches_0.95": (0.95, [0.5, 0.625, 0.75, 0.875], None),
}


@pytest.mark.behaviour
@pytest.mark.points(3)
@pytest.mark.parametrize("case", list(CASES))
def test_stops_at_the_end_of_the_first_epoch_reaching_the_threshold(submission, case):
    threshold, accuracies, expected = CASES[case]
    epochs = [{"loss": 1.0 - a / 2, "accuracy": a} for a in accuracies]
    batch_logs = [{"loss": 0.1, "accuracy": 1.0}, {"loss": 0.1, "accuracy": 0.99}]
    look = ("in on_epoch_end: if logs.get(monitor) >= threshold: self.model.stop_training = True "
            "('reaches' includes equality)")
    flags = _flags(submission, threshold, epochs, batch_logs=batch_logs, look_at=look)
    _check_stop(flags, expected, f"epoch accuracies {accuracies} and threshold {threshold}",
                look)


@pytest.mark.behaviour
@pytest.mark.points(2)
def test_monitor_is_honoured(submission):
    epochs = [{"loss": 0.3, "accuracy": 0.9, "val_loss": 0.6, "val_accuracy": 0.7},
              {"loss": 0.2, "accuracy": 0.95, "val_loss": 0.5, "val_accuracy": 0.8},
              {"loss": 0.1, "accuracy": 0.99, "val_loss": 0.4, "val_accuracy": 0.85}]
    look = "read logs[self.monitor], the key given to __init__, not a fixed 'accuracy'"
    flags = _flags(submission, 0.8, epochs, monitor="val_accuracy", look_at=look)
    _check_stop(flags, 1, "monitor='val_accuracy', threshold 0.8, val_accuracy 0.7, 0.8, 0.85 "
                "while accuracy is already 0.9", look)


@pytest.mark.behaviour
@pytest.mark.points(2)
@pytest.mark.parametrize("monitor", [None, "val_accuracy"])
def test_missing_keys_neither_raise_nor_stop(submission, monitor):
    epochs = [{}, {"loss": 0.3}, {"loss": 0.2, "accuracy" if monitor else "val_accuracy": 0.99}]
    look = ("logs.get(self.monitor) is None when the key is missing (e.g. val_accuracy without "
            "validation data): treat it as not reached; None >= threshold raises TypeError")
    flags = _flags(submission, 0.5, epochs, monitor=monitor, look_at=look)
    _check_stop(flags, None, f"logs without {monitor or 'accuracy'!r} (threshold 0.5)", look)


# -- short fits, replayed in NumPy -------------------------------------------------------
def data():
    """16 training points (accuracy moves in steps of 1/16, exact in float32) and 16
    validation points labelled by another rule, so val_loss falls and then rises."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 2)).astype("float32")
    y = (x[:, :1] + 0.5 * x[:, 1:] > 0).astype("float32")
    x_val = rng.normal(size=(16, 2)).astype("float32")
    y_val = (x_val[:, :1] - 0.8 * x_val[:, 1:] > 0).astype("float32")
    kernel = np.array([[-1.0], [0.5]], "float32")  # starts wrong: accuracy climbs from 0.19
    bias = np.array([0.2], "float32")
    return x, y, x_val, y_val, kernel, bias


def _bce(y, p) -> float:
    return float(np.mean(-(y * np.log(p) + (1 - y) * np.log(1 - p))))


def replay(x, y, kernel, bias, lr, epochs, batch_size, x_val=None, y_val=None):
    """Keras' fit of Dense(1, sigmoid) + binary cross-entropy + SGD(lr) with shuffle=False,
    in float64: per epoch the accuracy fit reports, the weights after it, the running mean
    loss after each batch, and val_loss / val_accuracy after the epoch."""
    w, b = kernel.astype(np.float64), bias.astype(np.float64)
    out = {"accuracy": [], "weights": [], "batch_losses": [], "val_loss": [], "margin": np.inf}
    for _ in range(epochs):
        losses, correct = [], 0
        for start in range(0, len(x), batch_size):
            xb, yb = x[start:start + batch_size].astype(np.float64), y[start:start + batch_size]
            z = xb @ w + b
            p = 1.0 / (1.0 + np.exp(-z))
            out["margin"] = min(out["margin"], float(np.abs(z).min()))
            losses.append(_bce(yb, p))
            out["batch_losses"].append(float(np.mean(losses)))
            correct += int(np.sum((p > 0.5) == (yb > 0.5)))
            grad = (p - yb) / len(xb)
            w, b = w - lr * xb.T @ grad, b - lr * grad.sum(axis=0)
        out["accuracy"].append(correct / len(x))
        out["weights"].append((w.copy(), b.copy()))
        if x_val is not None:
            out["val_loss"].append(_bce(y_val, 1.0 / (1.0 + np.exp(-(x_val @ w + b)))))
    # Design guard: no logit so close to 0 that float32 could flip an accuracy.
    assert out["margin"] > 1e-3, out["margin"]
    return out


FIT_CASES = {
    # accuracy per epoch: 0.1875, 0.375, 0.6875, 0.875, 0.9375, ... -> stops after epoch 3
    "accuracy_reaches_0.875": ("accuracy", 0.875, 3),
    # no validation data, so logs never hold val_accuracy: all 6 epochs run
    "val_accuracy_without_validation_data": ("val_accuracy", 0.5, 5),
}


@pytest.mark.behaviour
@pytest.mark.points(3)
@pytest.mark.parametrize("case", list(FIT_CASES))
def test_fit_stops_after_the_epoch_reaching_the_threshold(submission, case):
    monitor, threshold, last_epoch = FIT_CASES[case]
    x, y, _, _, kernel, bias = data()
    expected = replay(x, y, kernel, bias, lr=1.0, epochs=6, batch_size=16)
    got = submission.call("fit_with_stop", x=x, y=y, kernel=kernel, bias=bias, lr=1.0,
                          epochs=6, threshold=threshold, monitor=monitor, timeout=60)
    look = ("set self.model.stop_training = True in on_epoch_end when logs.get(monitor) >= "
            "threshold; a missing key must not stop (or break) training")
    what = (f"the weights after epoch index {last_epoch} of fit(epochs=6) with "
            f"StopAtAccuracy({threshold}, monitor={monitor!r}) (your fit ran "
            f"{got['epochs_run']} epochs)")
    w, b = expected["weights"][last_epoch]
    assert_close(got["kernel"], w, what, look, rtol=1e-4, atol=1e-5)
    assert_close(got["bias"], b, what, look, rtol=1e-4, atol=1e-5)


@pytest.mark.behaviour
@pytest.mark.points(3)
def test_loss_history_records_the_loss_of_every_training_batch(submission):
    x, y, x_val, y_val, kernel, bias = data()
    expected = replay(x, y, kernel, bias, lr=0.5, epochs=2, batch_size=4)["batch_losses"]
    got = submission.call("loss_history", x=x, y=y, x_val=x_val, y_val=y_val, kernel=kernel,
                          bias=bias, lr=0.5, epochs=2, batch_size=4, timeout=60)
    look = ("append float(logs['loss']) in on_train_batch_end: one value per training batch, "
            "none for validation batches, none per epoch")
    if len(got) != len(expected):
        raise fail(f"{len(expected)} losses: 2 epochs of 4 training batches (plus 4 "
                   "validation batches per epoch that must not count)",
                   f"{len(got)} values", look)
    assert_close(got, expected, "logs['loss'] after each training batch (Keras 3 reports "
                 "the running mean of the epoch so far)", look, rtol=1e-4, atol=1e-5)


CHECKPOINT_EPOCHS = 5


_FITS: dict[int, tuple[object, dict]] = {}  # one fit per submission for the next two tests


def _callbacks_fit(submission, look_at):
    x, y, x_val, y_val, kernel, bias = data()
    expected = replay(x, y, kernel, bias, lr=1.0, epochs=CHECKPOINT_EPOCHS, batch_size=16,
                      x_val=x_val, y_val=y_val)
    cached = _FITS.get(id(submission))
    if cached is None or cached[0] is not submission:
        got = submission.call("fit_with_callbacks", x=x, y=y, x_val=x_val, y_val=y_val,
                              kernel=kernel, bias=bias, lr=1.0, epochs=CHECKPOINT_EPOCHS,
                              timeout=90, look_at=look_at)
        cached = _FITS[id(submission)] = (submission, got)
    return expected, cached[1]


@pytest.mark.serialization
@pytest.mark.points(3)
def test_checkpoint_holds_the_epoch_with_the_lowest_val_loss(submission):
    look = ("keras.callbacks.ModelCheckpoint(checkpoint_path, monitor='val_loss', "
            "save_best_only=True): the whole model, as .keras")
    expected, got = _callbacks_fit(submission, look)
    val_losses = expected["val_loss"]
    best = int(np.argmin(val_losses))
    assert 0 < best < CHECKPOINT_EPOCHS - 1  # design: the best epoch is neither first nor last
    if got["checkpoint"] is None:
        raise fail("a model file at checkpoint_path after fit", f"folder {got['folder']}",
                   look)
    try:
        archive = read_keras_archive(got["checkpoint"])
    except ArchiveError as exc:
        raise fail("a .keras model file at checkpoint_path", str(exc), look) from None
    variables = [v for layer in archive.layer_vars() for v in layer]
    if len(variables) != 2:
        raise fail("the Dense layer's kernel and bias in the checkpoint",
                   f"{len(variables)} variables", look)
    w, b = expected["weights"][best]
    losses = ", ".join(f"{v:.4f}" for v in val_losses)
    assert_close(variables[0], w, f"the checkpoint's kernel = the weights after epoch index "
                 f"{best}, the lowest val_loss ({losses})", look, rtol=1e-4, atol=1e-5)
    assert_close(variables[1], b, f"the checkpoint's bias after epoch index {best}", look,
                 rtol=1e-4, atol=1e-5)
    _, _, x_val, y_val, _, _ = data()
    predictions = np.clip(np.asarray(got["reloaded_predictions"], np.float64), 1e-7, 1 - 1e-7)
    assert_close(_bce(y_val, predictions.reshape(y_val.shape)), val_losses[best],
                 "val_loss of the checkpoint reloaded with keras.models.load_model",
                 look, rtol=1e-4, atol=1e-5)


def tfrecords(data: bytes) -> list[bytes]:
    """The records of a TFRecord file (length, length CRC, payload, payload CRC)."""
    records, position = [], 0
    while position + 12 <= len(data):
        (length,) = struct.unpack("<Q", data[position:position + 8])
        start = position + 12
        if start + length + 4 > len(data):
            break
        records.append(data[start:start + length])
        position = start + length + 4
    return records


def summary_tags(data: bytes) -> set[str]:
    from tensorflow.core.util import event_pb2

    tags = set()
    for record in tfrecords(data):
        try:
            event = event_pb2.Event.FromString(record)
        except Exception:  # noqa: BLE001 - a malformed record is simply not a tag
            continue
        tags.update(value.tag for value in event.summary.value)
    return tags


@pytest.mark.behaviour
@pytest.mark.points(2)
def test_tensorboard_writes_train_and_validation_event_files(submission):
    look = "keras.callbacks.TensorBoard(log_dir=log_dir) in the list make_callbacks returns"
    _, got = _callbacks_fit(submission, look)
    events = {}
    for entry in got["logs"]:
        folder, _, name = entry["path"].rpartition("/")
        if name.startswith("events.out.tfevents") and "data" in entry:
            events.setdefault(folder, []).append(np.asarray(entry["data"], np.uint8).tobytes())
    listed = sorted(entry["path"] for entry in got["logs"])
    for folder in ("train", "validation"):
        if folder not in events:
            raise fail(f"an events.out.tfevents.* file in log_dir/{folder}",
                       f"files {listed}" if listed else "no files under log_dir", look)
    train_tags = set().union(*(summary_tags(data) for data in events["train"]))
    if "epoch_loss" not in train_tags:
        raise fail("an 'epoch_loss' summary in the train event file",
                   f"tags {sorted(train_tags)}", look)


@pytest.mark.behaviour
@pytest.mark.claim
@pytest.mark.points(2)
def test_make_callbacks_configures_checkpoint_and_tensorboard_as_asked(submission):
    got = submission.call("configured", checkpoint_name="ckpt/best.keras", log_name="tb/run1")
    look = ("return [ModelCheckpoint(checkpoint_path, monitor='val_loss', save_best_only=True),"
            " TensorBoard(log_dir=log_dir)] (other callbacks may join them)")
    if got["type"] != "list":
        raise fail("a list of callbacks", f"a {got['type']}", look)
    checkpoints = [c for c in got["callbacks"] if c["checkpoint"]]
    boards = [c for c in got["callbacks"] if c["tensorboard"]]
    if len(checkpoints) != 1 or len(boards) != 1:
        raise fail("exactly one ModelCheckpoint and one TensorBoard",
                   f"{[c['class'] for c in got['callbacks']]}", look)
    expected = {"filepath": "ckpt/best.keras", "monitor": "val_loss", "save_best_only": True,
                "save_weights_only": False}
    settings = {key: checkpoints[0][key] for key in expected}
    if settings != expected:
        raise fail(f"ModelCheckpoint with {expected}", f"{settings}", look)
    if boards[0]["log_dir"] != "tb/run1":
        raise fail("TensorBoard(log_dir=log_dir)", f"log_dir {boards[0]['log_dir']!r}", look)

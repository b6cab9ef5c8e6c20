"""Worker-side half of q19's hidden tests: feed the learner's callbacks scripted logs or run
short fits with them; return flags, weights and the files they wrote. No verdicts here."""

from __future__ import annotations

import os
import tempfile
from typing import Any

import keras
import numpy as np

from grader.errors import ProbeResultError

MAX_FILE_BYTES = 4 * 1024 * 1024


def _tiny_model() -> keras.Model:
    return keras.Sequential([keras.Input((2,)), keras.layers.Dense(1, activation="sigmoid")])


def scripted(
    sub: Any, *, threshold: float, monitor: str | None, epochs: list[dict[str, float]],
    batch_logs: list[dict[str, float]],
) -> list[list[bool]]:
    """Drive StopAtAccuracy by hand as fit would: per epoch, [stop flag after the batches,
    stop flag after on_epoch_end]. Stops feeding epochs once the flag is set."""
    if monitor is None:
        callback = sub.StopAtAccuracy(threshold)
    else:
        callback = sub.StopAtAccuracy(threshold, monitor=monitor)
    model = _tiny_model()
    model.stop_training = False
    callback.set_model(model)
    callback.on_train_begin({})
    flags = []
    for epoch, logs in enumerate(epochs):
        callback.on_epoch_begin(epoch, {})
        for batch, batch_log in enumerate(batch_logs):
            callback.on_train_batch_begin(batch, {})
            callback.on_train_batch_end(batch, dict(batch_log))
        after_batches = bool(model.stop_training)
        callback.on_epoch_end(epoch, dict(logs))
        flags.append([after_batches, bool(model.stop_training)])
        if model.stop_training:
            break
    return flags


def _compiled(kernel: np.ndarray, bias: np.ndarray, lr: float) -> keras.Model:
    model = _tiny_model()
    model.set_weights([kernel, bias])
    model.compile(optimizer=keras.optimizers.SGD(lr), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


def fit_with_stop(
    sub: Any, *, x: np.ndarray, y: np.ndarray, kernel: np.ndarray, bias: np.ndarray, lr: float,
    epochs: int, threshold: float, monitor: str,
) -> dict[str, Any]:
    """Full-batch SGD with StopAtAccuracy (no validation data); the final weights."""
    model = _compiled(kernel, bias, lr)
    history = model.fit(x, y, batch_size=len(x), epochs=epochs, shuffle=False, verbose=0,
                        callbacks=[sub.StopAtAccuracy(threshold, monitor=monitor)])
    weights = model.get_weights()
    return {"kernel": weights[0], "bias": weights[1],
            "epochs_run": len(history.history.get("loss", []))}


def loss_history(
    sub: Any, *, x: np.ndarray, y: np.ndarray, x_val: np.ndarray, y_val: np.ndarray,
    kernel: np.ndarray, bias: np.ndarray, lr: float, epochs: int, batch_size: int,
) -> list[float]:
    model = _compiled(kernel, bias, lr)
    callback = sub.LossHistory()
    model.fit(x, y, batch_size=batch_size, epochs=epochs, shuffle=False, verbose=0,
              validation_data=(x_val, y_val), callbacks=[callback])
    try:
        return [float(value) for value in callback.losses]
    except (TypeError, ValueError, AttributeError) as exc:
        raise ProbeResultError(f"q19: LossHistory().losses must hold numbers: {exc}") from None


def _files(folder: str) -> list[dict[str, Any]]:
    found = []
    for root, _, names in os.walk(folder):
        for name in sorted(names):
            path = os.path.join(root, name)
            entry: dict[str, Any] = {"path": os.path.relpath(path, folder).replace(os.sep, "/"),
                                     "size": os.path.getsize(path)}
            if entry["size"] <= MAX_FILE_BYTES:
                with open(path, "rb") as handle:
                    entry["data"] = np.frombuffer(handle.read(), dtype=np.uint8).copy()
            found.append(entry)
    return found


def fit_with_callbacks(
    sub: Any, *, x: np.ndarray, y: np.ndarray, x_val: np.ndarray, y_val: np.ndarray,
    kernel: np.ndarray, bias: np.ndarray, lr: float, epochs: int,
) -> dict[str, Any]:
    """Fit with make_callbacks(...) in a scratch folder; send back the checkpoint file, the
    predictions of the checkpoint reloaded with load_model, and every file under log_dir."""
    folder = tempfile.mkdtemp()
    checkpoint_path = os.path.join(folder, "best.keras")
    log_dir = os.path.join(folder, "logs")
    callbacks = sub.make_callbacks(checkpoint_path, log_dir)
    model = _compiled(kernel, bias, lr)
    model.fit(x, y, batch_size=len(x), epochs=epochs, shuffle=False, verbose=0,
              validation_data=(x_val, y_val), callbacks=callbacks)
    result: dict[str, Any] = {"checkpoint": None, "reloaded_predictions": None,
                              "logs": _files(log_dir), "folder": sorted(os.listdir(folder))}
    if os.path.isfile(checkpoint_path):
        with open(checkpoint_path, "rb") as handle:
            result["checkpoint"] = np.frombuffer(handle.read(), dtype=np.uint8).copy()
        reloaded = keras.models.load_model(checkpoint_path)  # safe mode
        result["reloaded_predictions"] = np.asarray(reloaded.predict(x_val, verbose=0))
    return result


def configured(sub: Any, *, checkpoint_name: str, log_name: str) -> dict[str, Any]:
    """What make_callbacks returns: each callback's class and the settings the contract names
    (paths relative to the scratch folder)."""
    folder = tempfile.mkdtemp()
    callbacks = sub.make_callbacks(os.path.join(folder, checkpoint_name),
                                   os.path.join(folder, log_name))

    def relative(path: Any) -> Any:
        return os.path.relpath(str(path), folder) if path is not None else None

    described = []
    for callback in callbacks if isinstance(callbacks, (list, tuple)) else []:
        entry: dict[str, Any] = {
            "class": type(callback).__name__,
            "checkpoint": isinstance(callback, keras.callbacks.ModelCheckpoint),
            "tensorboard": isinstance(callback, keras.callbacks.TensorBoard),
        }
        if entry["checkpoint"]:
            entry.update(filepath=relative(callback.filepath), monitor=str(callback.monitor),
                         save_best_only=bool(callback.save_best_only),
                         save_weights_only=bool(callback.save_weights_only))
        if entry["tensorboard"]:
            entry.update(log_dir=relative(callback.log_dir))
        described.append(entry)
    return {"type": type(callbacks).__name__, "callbacks": described}

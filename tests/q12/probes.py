"""Worker-side half of q12's hidden tests: call the learner's save/load functions on small
models with weights the test sends, in a private temporary folder, and return the files'
bytes and the reloaded models' outputs (the tests read the files themselves)."""

from __future__ import annotations

import os
import tempfile
from typing import Any

import keras
import numpy as np

from grader.errors import ProbeResultError


def _classifier(weights: list[np.ndarray] | None = None) -> keras.Model:
    """4 features -> Dense(6, tanh) -> Dense(3, softmax), compiled like the seed."""
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(6, activation="tanh"),
                              keras.layers.Dense(3, activation="softmax")])
    if weights is not None:
        model.set_weights(weights)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model


def _regressor(weights: list[np.ndarray], optimizer: str, lr: float) -> keras.Model:
    model = keras.Sequential([keras.Input((weights[0].shape[0],)),
                              keras.layers.Dense(weights[0].shape[1])])
    model.set_weights(weights)
    opt = (keras.optimizers.Adam(lr) if optimizer == "adam"
           else keras.optimizers.SGD(lr, momentum=0.9))
    model.compile(optimizer=opt, loss="mse")
    return model


def _read(path: str) -> np.ndarray:
    if not os.path.isfile(path):
        raise ProbeResultError(f"q12: nothing was saved at {os.path.basename(path)!r}")
    with open(path, "rb") as handle:
        return np.frombuffer(handle.read(), dtype=np.uint8).copy()


def _array(value: Any, what: str) -> np.ndarray:
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ProbeResultError(f"q12: {what} returned {type(value).__name__}") from None


def _listing(folder: str) -> list[str]:
    return sorted(os.path.relpath(os.path.join(root, name), folder)
                  for root, _, names in os.walk(folder) for name in names)


def refusal(sub: Any, *, function: str, filename: str, legacy: bool = False) -> dict[str, Any]:
    """Call one function on a path it must refuse. With legacy=True a real file written by
    Keras (legacy HDF5 or a .weights.h5) is there first, so a missing check would load it."""
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, filename)
    model = _classifier()
    if legacy:
        if filename.endswith(".weights.h5"):
            model.save_weights(path)
        else:
            model.save(path)  # Keras 3 still writes legacy HDF5 for '.h5'
    before = _listing(folder)
    error: BaseException | None = None
    try:
        if function == "save_model":
            sub.save_model(model, path)
        elif function == "load_model":
            sub.load_model(path)
        elif function == "save_weights":
            sub.save_weights(model, path)
        elif function == "load_weights":
            sub.load_weights(_classifier, path)
        elif function == "checkpoint":
            callback = sub.checkpoint(path)
            x = np.zeros((4, 4), "float32")
            y = np.zeros((4,), "int64")
            model.fit(x, y, epochs=1, verbose=0, validation_data=(x, y), callbacks=[callback])
        else:
            raise ValueError(f"unknown function {function!r}")
    except NotImplementedError:
        raise
    except Exception as exc:  # noqa: BLE001 - the exception is what the test looks at
        error = exc
    return {
        "raised": error is not None,
        "value_error": isinstance(error, ValueError),
        "type": type(error).__name__ if error is not None else "",
        "message": str(error)[:600] if error is not None else "",
        "written": [name for name in _listing(folder) if name not in before],
    }


def unsafe_lambda(sub: Any) -> dict[str, Any]:
    """A `.keras` file holding a Python lambda (written by Keras itself): safe mode refuses."""
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "lambda.keras")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Lambda(lambda t: t * 2.0)])
    model.save(path)
    try:
        loaded = sub.load_model(path)
    except NotImplementedError:
        raise
    except Exception as exc:  # noqa: BLE001 - the exception is what the test looks at
        return {"raised": True, "message": str(exc)[:600]}
    return {"raised": False, "outputs": _array(loaded(np.ones((1, 4), "float32")), "model")}


def model_round_trip(
    sub: Any, *, weights: list[np.ndarray], x: np.ndarray
) -> dict[str, Any]:
    path = os.path.join(tempfile.mkdtemp(), "model.keras")
    sub.save_model(_classifier(weights), path)
    data = _read(path)
    loaded = sub.load_model(path)
    return {"file": data, "predict": _array(loaded.predict(x, verbose=0), "predict"),
            "call": _array(loaded(x), "the reloaded model")}


def next_step_after_reload(
    sub: Any, *, weights: list[np.ndarray], optimizer: str, lr: float,
    batches: list[list[np.ndarray]],
) -> dict[str, Any]:
    """Train on all batches but the last, save and reload, train the reloaded model on the
    last batch; return the file and the weights after that step."""
    model = _regressor(weights, optimizer, lr)
    for x, y in batches[:-1]:
        model.train_on_batch(x, y)
    path = os.path.join(tempfile.mkdtemp(), "trained.keras")
    sub.save_model(model, path)
    data = _read(path)
    loaded = sub.load_model(path)
    loaded.train_on_batch(*batches[-1])
    return {"file": data, "weights": [np.asarray(w) for w in loaded.get_weights()]}


def weights_round_trip(
    sub: Any, *, weights: list[np.ndarray], x: np.ndarray
) -> dict[str, Any]:
    path = os.path.join(tempfile.mkdtemp(), "classifier.weights.h5")
    sub.save_weights(_classifier(weights), path)
    data = _read(path)
    calls: list[int] = []

    def builder() -> keras.Model:
        calls.append(1)
        return _classifier()  # freshly initialised weights

    loaded = sub.load_weights(builder, path)
    return {"file": data, "outputs": _array(loaded(x), "the model load_weights returned"),
            "builder_calls": len(calls)}


class _ScriptedValLoss(keras.callbacks.Callback):
    """Overwrites `logs["val_loss"]` with the test's script; callbacks after it see it."""

    def __init__(self, values: list[float]) -> None:
        super().__init__()
        self.values = list(values)

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        if logs is not None:
            logs["val_loss"] = float(self.values[epoch])


def checkpoint_run(
    sub: Any, *, w0: np.ndarray, x: np.ndarray, y: np.ndarray, lr: float,
    val_losses: list[float],
) -> dict[str, Any]:
    """Full-batch SGD on a linear model (the test replays it) with a scripted val_loss."""
    folder = tempfile.mkdtemp()
    path = os.path.join(folder, "best.keras")
    model = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(1, use_bias=False)])
    model.set_weights([w0])
    model.compile(optimizer=keras.optimizers.SGD(lr), loss="mse")
    model.fit(x, y, batch_size=len(x), epochs=len(val_losses), shuffle=False, verbose=0,
              validation_data=(x, y),
              callbacks=[_ScriptedValLoss(val_losses), sub.checkpoint(path)])
    return {"files": _listing(folder), "file": _read(path)}

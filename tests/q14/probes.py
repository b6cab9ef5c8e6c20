"""Worker-side half of q14's hidden tests: call the learner's weighting and resampling
functions on labels and rows the test sends, and train two small models for the recall
test. No verdicts: the tests compare with scikit-learn and with the rows they sent."""

from __future__ import annotations

import random
from typing import Any

import keras
import numpy as np

from grader.errors import ProbeResultError
from grader.probing import every_epoch


def weights(sub: Any, *, y: np.ndarray) -> dict[str, Any]:
    result = sub.class_weights(y)
    if not isinstance(result, dict):
        raise ProbeResultError(f"q14: class_weights returned {type(result).__name__}, "
                               "not a dict")
    try:
        keys = [float(k) for k in result]
        values = [float(v) for v in result.values()]
    except (TypeError, ValueError):
        raise ProbeResultError("q14: class_weights must map numeric labels to numbers; got "
                               f"keys {list(result)[:5]}") from None
    return {"keys": keys, "values": values}


def per_sample(
    sub: Any, *, y: np.ndarray, keys: list[int], values: list[float], numpy_keys: bool
) -> np.ndarray:
    class_weight = {(np.int64(k) if numpy_keys else int(k)): v
                    for k, v in zip(keys, values, strict=True)}
    result = sub.sample_weights(y, class_weight)
    try:
        return np.asarray(result, dtype=np.float64)
    except (TypeError, ValueError):
        raise ProbeResultError(f"q14: sample_weights returned {type(result).__name__}") from None


def resample(
    sub: Any, *, x: np.ndarray, y: np.ndarray, draw_seed: int, global_seed: int = 0
) -> dict[str, Any]:
    """oversample(x, y, draw_seed), with NumPy's global generator set to global_seed."""
    np.random.seed(global_seed)
    random.seed(global_seed)
    result = sub.oversample(x, y, draw_seed)
    if not isinstance(result, tuple | list) or len(result) != 2:
        raise ProbeResultError("q14: oversample must return a pair (x_res, y_res)")
    x_res, y_res = result
    if not isinstance(x_res, np.ndarray) or not isinstance(y_res, np.ndarray):
        raise ProbeResultError(f"q14: oversample returned {type(x_res).__name__} and "
                               f"{type(y_res).__name__}; expected two NumPy arrays")
    return {"x": x_res, "y": y_res}


def resample_repeatedly(
    sub: Any, *, x: np.ndarray, y: np.ndarray, draw_seed: int
) -> dict[str, Any]:
    """The same seed under two different global random states, then another seed."""
    runs = {"first": (draw_seed, 1), "same_seed": (draw_seed, 2),
            "other_seed": (draw_seed + 1, 1)}
    return {name: resample(sub, x=x, y=y, draw_seed=s, global_seed=g)
            for name, (s, g) in runs.items()}


def skewed_training(
    sub: Any, *, x: np.ndarray, y: np.ndarray, x_eval: np.ndarray, epochs: int,
    train_seed: int,
) -> dict[str, Any]:
    """The same logistic model trained without and with class_weight=class_weights(y);
    predictions on unlabelled data, after training and after each earlier epoch (for the
    feedback's curve: "per_epoch", one {"plain": ..., "weighted": ...} per epoch)."""
    predictions: dict[str, Any] = {}
    per_epoch = {}
    for name in ("plain", "weighted"):
        keras.utils.set_random_seed(train_seed)
        model = keras.Sequential([keras.Input((x.shape[1],)),
                                  keras.layers.Dense(1, activation="sigmoid")])
        model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
        class_weight = sub.class_weights(y) if name == "weighted" else None
        epoch_ends = every_epoch(
            lambda model=model: np.asarray(model(x_eval, training=False), np.float32).reshape(-1),
            epochs)
        model.fit(x, y.astype("float32"), epochs=epochs, batch_size=64, verbose=0,
                  class_weight=class_weight, callbacks=[epoch_ends])
        predictions[name] = np.asarray(model.predict(x_eval, verbose=0)).reshape(-1)
        per_epoch[name] = epoch_ends.outputs
    plain, weighted = per_epoch["plain"], per_epoch["weighted"]
    predictions["per_epoch"] = None if plain is None or weighted is None else [
        {"plain": a, "weighted": b} for a, b in zip(plain, weighted, strict=True)]
    return predictions

"""Worker-side half of q26's hidden tests: feed the learner's F1Score batches the tests chose
and return what it reports. No verdicts: the tests compute scikit-learn's F1 themselves."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from grader.errors import ProbeResultError


def _number(value: Any, what: str) -> dict[str, Any]:
    """The value and its shape apart: the wire sends 0-d arrays as shape (1,)."""
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ProbeResultError(f"q26: {what} returned {type(value).__name__}, "
                               "not a number") from None
    return {"value": array, "shape": list(array.shape)}


def stream(
    sub: Any, *, batches: list[dict[str, Any]], threshold: float | None = None,
    reset_after: int | None = None,
) -> dict[str, Any]:
    """update_state on each batch in turn (reset_state() after batch `reset_after`), then
    result()."""
    metric = sub.F1Score() if threshold is None else sub.F1Score(threshold=threshold)
    for i, batch in enumerate(batches):
        metric.update_state(batch["y"], batch["p"])
        if reset_after is not None and i == reset_after:
            metric.reset_state()
    return _number(metric.result(), "F1Score.result()")


def fit_history(
    sub: Any, *, x: np.ndarray, y: np.ndarray, x_val: np.ndarray, y_val: np.ndarray,
    kernel: np.ndarray, bias: np.ndarray, epochs: int, batch_size: int, name: str,
) -> dict[str, Any]:
    """A logistic model with the test's weights and a zero learning rate (so its predictions
    never change), compiled with metrics=[F1Score(name=name)] and fit in graph mode."""
    model = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(1, "sigmoid")])
    model.layers[-1].set_weights([kernel, bias])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0),
                  loss="binary_crossentropy", metrics=[sub.F1Score(name=name)],
                  jit_compile=False)
    history = model.fit(x, y, validation_data=(x_val, y_val), epochs=epochs,
                        batch_size=batch_size, shuffle=False, verbose=0)
    evaluated = model.evaluate(x_val, y_val, batch_size=batch_size, verbose=0,
                               return_dict=True)
    return {
        "history": {str(k): [float(v) for v in values] for k, values in history.history.items()},
        "evaluate": {str(k): float(v) for k, v in evaluated.items()},
    }

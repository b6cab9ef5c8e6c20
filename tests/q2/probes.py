"""Worker-side half of q2's hidden tests: call `pad`, build, call and train the classifier.

Probes return raw results (arrays, predictions, weight shapes); the tests compute every
verdict in the grading process. Weights for the masking test are chosen by the test.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from grader.errors import ProbeResultError
from grader.probing import every_epoch


def _array(value: Any, what: str, dtype: Any = np.float64) -> np.ndarray:
    try:
        return np.asarray(value, dtype=dtype)
    except (TypeError, ValueError):
        raise ProbeResultError(f"q2: {what} returned {type(value).__name__}") from None


def _infer(model: Any, x: np.ndarray) -> np.ndarray:
    """The model called directly in inference mode (cheaper than tracing `predict`)."""
    return _array(model(x, training=False), "the model called with training=False")


def pad(sub: Any, *, cases: list[dict[str, Any]]) -> list[np.ndarray]:
    """`pad(case['sequences'], case['maxlen'])` for each case, dtype kept as returned."""
    results = []
    for case in cases:
        value = np.asarray(sub.pad(case["sequences"], case["maxlen"]))
        if value.dtype.kind not in "biuf":
            raise ProbeResultError(f"q2: pad returned an array of dtype {value.dtype}")
        results.append(value)
    return results


def _model(sub: Any, vocab_size: int, max_length: int, embedding_dim: int,
           bidirectional: bool) -> Any:
    model = sub.build_lstm_classifier(vocab_size, max_length, embedding_dim=embedding_dim,
                                      bidirectional=bidirectional)
    if not isinstance(model, keras.Model):
        raise ProbeResultError(
            f"q2: build_lstm_classifier returned {type(model).__name__}, not a keras.Model")
    model(np.zeros((1, max_length), "int32"))  # builds a model made without keras.Input
    return model


def outputs(sub: Any, *, vocab_size: int, embedding_dim: int, bidirectional: bool,
            tokens: np.ndarray) -> np.ndarray:
    model = _model(sub, vocab_size, tokens.shape[1], embedding_dim, bidirectional)
    return _infer(model, tokens)


def compiled_loss(sub: Any, *, y: np.ndarray, p: np.ndarray) -> float:
    """The compiled loss on labels and probabilities sent by the test."""
    model = _model(sub, 20, 6, 8, False)
    loss = getattr(model, "loss", None)
    if loss is None:
        raise ProbeResultError("q2: the model has no loss: build_lstm_classifier must return "
                               "a compiled model")
    if isinstance(loss, (list, tuple)) and len(loss) == 1:
        loss = loss[0]
    function = keras.losses.get(loss) if isinstance(loss, (str, dict)) else loss
    return float(np.mean(_array(function(y, p), "the compiled loss")))


def weight_shapes(sub: Any, *, vocab_size: int, embedding_dim: int, bidirectional: bool,
                  lengths: list[int]) -> list[list[list[int]]]:
    """The shapes of `get_weights()` for a model built for each length."""
    return [[list(np.shape(w)) for w in
             _model(sub, vocab_size, length, embedding_dim, bidirectional).get_weights()]
            for length in lengths]


def with_weights(sub: Any, *, vocab_size: int, embedding_dim: int, bidirectional: bool,
                 weights: list[np.ndarray], tokens: list[np.ndarray]) -> list[np.ndarray]:
    """For each token array: a model built for its length, with the test's weights."""
    results = []
    for batch in tokens:
        model = _model(sub, vocab_size, batch.shape[1], embedding_dim, bidirectional)
        model.set_weights([np.asarray(w, "float32") for w in weights])
        results.append(_infer(model, batch))
    return results


def _all_layers(model: Any) -> list[Any]:
    flatten = getattr(model, "_flatten_layers", None)
    if flatten is not None:
        return list(flatten(include_self=False, recursive=True))
    found, stack = [], list(getattr(model, "layers", []))
    while stack:
        layer = stack.pop()
        found.append(layer)
        stack.extend(getattr(layer, "layers", []))
    return found


def layer_kinds(sub: Any, *, bidirectional: bool) -> dict[str, bool]:
    """Whether the model holds a Bidirectional wrapper and an LSTM (a claim)."""
    layers = _all_layers(_model(sub, 20, 6, 8, bidirectional))
    found = {"Bidirectional": keras.layers.Bidirectional, "LSTM": keras.layers.LSTM}
    return {name: any(isinstance(layer, cls) for layer in layers) for name, cls in found.items()}


def train_and_predict(
    sub: Any, *, vocab_size: int, bidirectional: bool, x_train: np.ndarray,
    y_train: np.ndarray, x_test: np.ndarray, epochs: int, learning_rate: float,
) -> dict[str, Any]:
    """Recompile with Adam(learning_rate) and binary cross-entropy, train, and return
    predictions on the unlabelled held-out sequences, after training and after each earlier
    epoch (for the feedback's curve)."""
    model = _model(sub, vocab_size, x_train.shape[1], 32, bidirectional)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss="binary_crossentropy")
    epoch_ends = every_epoch(lambda: _infer(model, x_test).astype("float32"), epochs)
    model.fit(x_train, y_train, epochs=epochs, batch_size=32, verbose=0, callbacks=[epoch_ends])
    return {"predictions": _infer(model, x_test), "per_epoch": epoch_ends.outputs}

"""Worker-side half of q20's hidden tests: drive the learner's GloVe loader, matrix builder
and frozen Embedding on inputs the tests send; return plain data, no verdicts."""

from __future__ import annotations

import os
import tempfile
from typing import Any

import keras
import numpy as np

from grader.errors import ProbeResultError
from grader.probing import save_to_bytes


def glove(sub: Any, *, text: str) -> dict[str, Any]:
    """Write the test's GloVe text to a scratch file (UTF-8) and parse it with load_glove."""
    path = os.path.join(tempfile.mkdtemp(), "vectors.txt")
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    loaded = sub.load_glove(path)
    if not isinstance(loaded, dict):
        raise ProbeResultError(f"q20: load_glove returned a {type(loaded).__name__}, not a dict")
    words, vectors, kinds = [], [], []
    for word, vector in loaded.items():
        array = np.asarray(vector)
        words.append(str(word))
        kinds.append(f"{array.dtype.kind}:{array.dtype}:{list(array.shape)}")
        vectors.append(array.astype(np.float64) if array.dtype.kind in "fiu" else None)
    return {"words": words, "kinds": kinds, "vectors": vectors}


def matrix(
    sub: Any, *, word_index: dict[str, int], embeddings: dict[str, np.ndarray], dim: int
) -> dict[str, Any]:
    result = np.asarray(sub.build_embedding_matrix(dict(word_index), dict(embeddings), dim))
    if result.dtype.kind not in "fiu":
        raise ProbeResultError(f"q20: build_embedding_matrix returned dtype {result.dtype}")
    return {"matrix": result, "dtype": str(result.dtype)}


def _model(layer: Any, length: int, head: list[np.ndarray] | None) -> keras.Model:
    model = keras.Sequential([
        keras.Input((length,), dtype="int32"),
        layer,
        keras.layers.GlobalAveragePooling1D(),
        keras.layers.Dense(1, activation="sigmoid"),
    ])
    if head is not None:
        model.layers[-1].set_weights(head)
    return model


def lookup(sub: Any, *, matrix: np.ndarray, ids: np.ndarray) -> np.ndarray:
    layer = sub.build_frozen_embedding(np.array(matrix))
    return np.asarray(layer(ids), dtype=np.float64)


def train_head(
    sub: Any, *, matrix: np.ndarray, ids: np.ndarray, y: np.ndarray, head: list[np.ndarray],
    probe_ids: np.ndarray, epochs: int,
) -> dict[str, Any]:
    """Fit a small classifier on top of the frozen layer (no explicit build); report the
    layer's lookups and weights and the head's weights afterwards."""
    layer = sub.build_frozen_embedding(np.array(matrix))
    model = _model(layer, ids.shape[1], head)
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss="binary_crossentropy")
    model.fit(ids, y, epochs=epochs, batch_size=8, shuffle=False, verbose=0)
    return {
        "lookup": np.asarray(layer(probe_ids), dtype=np.float64),
        "layer_weights": [np.asarray(w, dtype=np.float64) for w in layer.weights],
        "head": [np.asarray(w, dtype=np.float64) for w in model.layers[-1].weights],
    }


def save_model(
    sub: Any, *, matrix: np.ndarray, ids: np.ndarray, head: list[np.ndarray]
) -> dict[str, Any]:
    """Save a model holding the layer as .keras; send the file and the reloaded outputs."""
    model = _model(sub.build_frozen_embedding(np.array(matrix)), ids.shape[1], head)
    data = save_to_bytes(model)
    path = os.path.join(tempfile.mkdtemp(), "model.keras")
    with open(path, "wb") as handle:
        handle.write(data.tobytes())
    loaded = keras.saving.load_model(path)  # safe_mode=True, the default
    return {"archive": data, "outputs": np.asarray(loaded.predict(ids, verbose=0), np.float64)}

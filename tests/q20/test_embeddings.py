"""Hidden tests for q20, pretrained embeddings. The tests write the GloVe text and the
matrices; expected values are computed here; the worker runs probes.py."""

from __future__ import annotations

import numpy as np
import pytest

from grader.keras_archive import read_keras_archive
from grader.testing import assert_close, fail

# A tiny GloVe file: `word v1 ... v4`, single spaces, no header, a final newline. The words
# include punctuation, numbers, non-ASCII letters and two spellings that differ in case.
GLOVE = {
    "the": "0.418 0.24968 -0.41242 0.1217",
    ",": "0.013441 0.23682 -0.16899 0.40951",
    ".": "0.15164 0.30177 -0.16763 0.17684",
    "don't": "-1.5e-02 2.5E-01 3 -4",
    "naïve": "0.5 -0.25 0.125 -0.0625",
    "café": "1 2 3 4",
    "日本": "-0.001 0.002 -0.003 0.004",
    "3.14": "3.14 -3.14 0.0 1e-06",
    "-": "-0.9 -0.8 -0.7 -0.6",
    "1": "1.0 1.0 1.0 -1.0",
    "The": "9.5 -9.5 0.75 -0.75",
    "movie": "0.30988 0.35003 -0.18467 -0.12389",
}
GLOVE_TEXT = "".join(f"{word} {values}\n" for word, values in GLOVE.items())
UNUSUAL = ["naïve", "café", "日本", "don't", ",", ".", "3.14", "-", "1", "The", "the"]


def glove_vectors() -> dict[str, np.ndarray]:
    return {w: np.array([float(t) for t in v.split(" ")]) for w, v in GLOVE.items()}


def _loaded(submission) -> dict[str, tuple[str, np.ndarray | None]]:
    got = submission.call("glove", text=GLOVE_TEXT,
                          look_at="open(path, encoding='utf-8'); word, *values = line.split()")
    return {w: (k, v) for w, k, v in zip(got["words"], got["kinds"], got["vectors"], strict=True)}


@pytest.mark.behaviour
@pytest.mark.points(3)
def test_load_glove_parses_every_line_into_a_float_vector(submission):
    loaded = _loaded(submission)
    expected = glove_vectors()
    if len(loaded) != len(expected):
        missing = sorted(set(expected) - set(loaded))
        raise fail(f"{len(expected)} entries, one per line of a file without a header",
                   f"{len(loaded)} entries (missing {missing})",
                   "read every line: GloVe files have no header line (word2vec's have one)")
    for word, vector in expected.items():
        if word not in loaded:
            continue  # reported by the next test, which looks at unusual words
        kind, values = loaded[word]
        if not kind.startswith("f:") or values is None:
            raise fail(f"the vector of {word!r} as a float array", f"dtype/shape {kind}",
                       "np.asarray(values, dtype='float32'): without dtype= the numbers stay "
                       "strings")
        assert_close(values, vector, f"the vector of {word!r} parsed from {GLOVE[word]!r}",
                     "convert every token after the word with float32", rtol=1e-6, atol=1e-6)


@pytest.mark.behaviour
@pytest.mark.points(2)
def test_load_glove_keeps_unusual_words_exactly(submission):
    loaded = _loaded(submission)
    missing = [word for word in UNUSUAL if word not in loaded]
    if missing:
        raise fail(f"the words {UNUSUAL} as keys, exactly as written",
                   f"keys {sorted(loaded)}",
                   "decode the file as UTF-8, split on the spaces, and keep the first token "
                   "as it is (no lower-casing, no filtering of punctuation or numbers)")
    expected = glove_vectors()
    for word in UNUSUAL:
        assert_close(loaded[word][1], expected[word], f"the vector stored under {word!r}",
                     "each word keeps its own line's vector", rtol=1e-6, atol=1e-6)


WORD_INDEX = {"movie": 3, "the": 1, "Paris": 5, "good": 2, "zzz": 4, "paris": 6, "café": 7}
EMBEDDINGS = {
    "the": [0.1, 0.2, 0.3], "good": [-1.0, 0.5, 2.0], "movie": [0.7, -0.7, 0.07],
    "paris": [3.0, -3.0, 1.5], "café": [0.25, 0.5, -0.125], "unused": [9.0, 9.0, 9.0],
}


def expected_matrix() -> np.ndarray:
    matrix = np.zeros((len(WORD_INDEX) + 1, 3))
    for word, i in WORD_INDEX.items():
        if word in EMBEDDINGS:
            matrix[i] = EMBEDDINGS[word]
    return matrix


def _matrix(submission):
    embeddings = {w: np.array(v, "float32") for w, v in EMBEDDINGS.items()}
    return submission.call("matrix", word_index=WORD_INDEX, embeddings=embeddings, dim=3)


@pytest.mark.shape
@pytest.mark.points(2)
def test_embedding_matrix_has_one_row_per_id_plus_padding(submission):
    got = _matrix(submission)
    matrix = np.asarray(got["matrix"])
    if matrix.shape != (8, 3):
        raise fail("shape (8, 3): 7 words with ids 1..7, plus row 0 for padding",
                   f"shape {matrix.shape}", "np.zeros((len(word_index) + 1, dim))")
    if matrix.dtype.kind != "f":
        raise fail("a float matrix", f"dtype {matrix.dtype}", "np.zeros(..., dtype='float32')")
    assert_close(matrix[0], np.zeros(3), "row 0 (padding) all zeros",
                 "no word has id 0: leave row 0 as it is", rtol=0, atol=0)


@pytest.mark.behaviour
@pytest.mark.points(3)
def test_embedding_matrix_rows_follow_word_ids(submission):
    matrix = np.asarray(_matrix(submission)["matrix"])
    expected = expected_matrix()
    if matrix.shape != expected.shape:
        raise fail(f"shape {expected.shape}", f"shape {matrix.shape}",
                   "one row per id, plus row 0")
    for word, i in sorted(WORD_INDEX.items(), key=lambda item: item[1]):
        if word in EMBEDDINGS:
            what = f"row {i} (word {word!r}) = its vector"
        elif word == "Paris":
            what = f"row {i} (word {word!r}; the vectors hold 'paris', not 'Paris') = zeros"
        else:
            what = f"row {i} (word {word!r}, which has no vector) = zeros"
        assert_close(matrix[i], expected[i], what,
                     "matrix[i] = embeddings[word] for word, i in word_index.items(): rows come "
                     "from the ids, not the dict order; exact, case-sensitive lookup; words "
                     "without a vector keep zero rows (not random ones)", rtol=1e-6, atol=1e-7)


def _small_matrix(seed: int, vocab: int = 9, dim: int = 4) -> np.ndarray:
    matrix = np.random.default_rng(seed).normal(size=(vocab, dim)).astype("float32")
    matrix[0] = 0.0
    return matrix


@pytest.mark.behaviour
@pytest.mark.points(3)
def test_frozen_embedding_maps_ids_to_matrix_rows(submission, device):
    matrix = _small_matrix(1)
    ids = np.array([[1, 2, 3, 0, 0], [8, 7, 6, 5, 4]], "int32")
    got = submission.call("lookup", device=device, matrix=matrix, ids=ids,
                          look_at="Embedding(input_dim, output_dim, embeddings_initializer="
                                  "keras.initializers.Constant(matrix), trainable=False)")
    assert_close(got, matrix[ids].astype(np.float64), "layer(ids) == matrix[ids], (2, 5, 4)",
                 "the layer must hold the matrix itself: embeddings_initializer=Constant(matrix) "
                 "or weights=[matrix] (the seed comments this out, so its table is random)",
                 rtol=0, atol=0)


def _head(seed: int, dim: int = 4) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(dim, 1)).astype("float32"), np.array([0.1], "float32")]


@pytest.mark.behaviour
@pytest.mark.points(4)
def test_embedding_stays_frozen_while_the_head_trains(submission):
    matrix = _small_matrix(2)
    rng = np.random.default_rng(2)
    ids = rng.integers(1, 9, size=(16, 5)).astype("int32")
    y = (ids == 3).any(axis=1).astype("float32")
    head = _head(2)
    probe_ids = np.arange(9, dtype="int32").reshape(1, 9)
    got = submission.call("train_head", matrix=matrix, ids=ids, y=y, head=head,
                          probe_ids=probe_ids, epochs=2, timeout=120)
    look = "trainable=False on the Embedding, so fit leaves its table alone"
    assert_close(got["lookup"], matrix[probe_ids].astype(np.float64),
                 "layer(ids) after fit == matrix[ids], bit for bit", look, rtol=0, atol=0)
    if not any(np.shape(w) == matrix.shape and np.array_equal(w, matrix)
               for w in got["layer_weights"]):
        raise fail(f"one of the layer's weights equal to the {matrix.shape} matrix after fit",
                   f"weights of shapes {[np.shape(w) for w in got['layer_weights']]}", look)
    if np.array_equal(np.asarray(got["head"][0]), head[0]):
        raise fail("the Dense head on top to change during fit", "an unchanged head kernel",
                   "the frozen layer must still pass its vectors on, so the head can learn")


@pytest.mark.serialization
@pytest.mark.points(3)
def test_model_with_the_layer_survives_keras_round_trip(submission):
    matrix = _small_matrix(3)
    ids = np.random.default_rng(3).integers(1, 9, size=(6, 5)).astype("int32")
    head = _head(3)
    got = submission.call("save_model", matrix=matrix, ids=ids, head=head,
                          look_at="a plain keras.layers.Embedding, or a registered subclass")
    archive = read_keras_archive(got["archive"])
    layers = archive.layer_configs()
    variables = archive.layer_vars()
    if not layers or not variables or not variables[0]:
        raise fail("the embedding layer and its table in the saved file",
                   f"layers {archive.class_names()}", "build_frozen_embedding returns one layer")
    table = np.asarray(variables[0][0])
    assert_close(table, matrix, "the embedding table saved in the .keras file == the matrix",
                 "the layer must hold the matrix", rtol=0, atol=0)
    if layers[0].get("config", {}).get("trainable") is not False:
        raise fail("the saved layer config to say trainable: false",
                   f"trainable: {layers[0].get('config', {}).get('trainable')!r}",
                   "trainable=False on the Embedding, so it stays frozen after reloading too")
    kernel, bias = (np.asarray(v, np.float64) for v in head)
    logits = matrix.astype(np.float64)[ids].mean(axis=1) @ kernel + bias
    assert_close(got["outputs"], 1.0 / (1.0 + np.exp(-logits)),
                 "the reloaded model's predictions: sigmoid(mean(matrix[ids]) @ kernel + bias)",
                 "the .keras file must load in safe mode and rebuild the same layer",
                 rtol=1e-5, atol=1e-6)

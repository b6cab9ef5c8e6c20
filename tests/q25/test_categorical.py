"""Hidden tests for q25, categorical features. Oracles here: the test's own lookup table,
`keras.utils.to_categorical` and the `.keras` file read with `grader.keras_archive`."""

from __future__ import annotations

import io
import zipfile

import keras
import numpy as np
import pytest

from grader.keras_archive import read_keras_archive
from grader.testing import assert_close, fail

# Unsorted and mixed case on purpose: the order given is the index order, matching is exact.
VOCABULARY = ["red", "Green", "blue", "yellow"]
STRINGS = ["blue", "red", "purple", "Green", "RED", "", "yellow", "green", "blue ", "red"]
LOOK_LOOKUP = ("keras.layers.StringLookup(vocabulary=vocabulary, num_oov_indices=1, "
               "output_mode=output_mode): index 0 is the OOV slot, vocabulary[i] is i + 1")


def index_of(strings: list[str], vocabulary: list[str] = VOCABULARY) -> np.ndarray:
    """StringLookup semantics: vocabulary[i] -> i + 1, anything else -> 0 (the OOV slot)."""
    table = {word: i + 1 for i, word in enumerate(vocabulary)}
    return np.array([table.get(s, 0) for s in strings], dtype="int64")


@pytest.mark.behaviour
@pytest.mark.points(4)
def test_one_hot_rows_equal_to_categorical_of_the_lookup_index(submission, device):
    got = submission.call("encode", device=device, vocabulary=VOCABULARY, strings=STRINGS,
                          output_mode="one_hot", look_at=LOOK_LOOKUP)
    expected = keras.utils.to_categorical(index_of(STRINGS), len(VOCABULARY) + 1)
    assert_close(got, expected,
                 f"one-hot rows of width {len(VOCABULARY) + 1} for {STRINGS} with vocabulary "
                 f"{VOCABULARY} (column 0 for unknown strings, vocabulary[i] in column i + 1)",
                 "keep the vocabulary's order (no sorting, no set()) and one OOV slot at "
                 "index 0: " + LOOK_LOOKUP, rtol=0, atol=0)


@pytest.mark.behaviour
@pytest.mark.points(3)
def test_unknown_and_wrong_case_strings_go_to_slot_zero(submission):
    strings = ["purple", "RED", "Red", "", "green", " blue", "[UNK]", "yellow", "Green"]
    got = submission.call("encode", vocabulary=VOCABULARY, strings=strings, output_mode="int",
                          look_at=LOOK_LOOKUP)
    assert_close(got, index_of(strings),
                 f"indices {index_of(strings).tolist()} for {strings} with output_mode='int' "
                 "(exact, case-sensitive matches only; everything else is 0)",
                 "one OOV index (num_oov_indices=1) and no lower-casing or stripping: "
                 + LOOK_LOOKUP, rtol=0, atol=0)


@pytest.mark.shape
@pytest.mark.points(2)
def test_inputs_b_and_b1_give_the_contract_shapes(submission):
    strings = ["red", "purple", "blue"]
    width = len(VOCABULARY) + 1
    cases = [("one_hot", strings, (3, width)), ("one_hot", [[s] for s in strings], (3, width)),
             ("int", strings, (3,)), ("int", [[s] for s in strings], (3, 1))]
    for mode, given, shape in cases:
        got = submission.call("encode", vocabulary=VOCABULARY, strings=given, output_mode=mode,
                              look_at=LOOK_LOOKUP)
        where = f"output_mode={mode!r} on input of shape {np.shape(given)}"
        if np.shape(got) != shape:
            raise fail(f"shape {shape} for {where}", f"shape {np.shape(got)}",
                       "one_hot encodes on the last axis when it has size 1 (as StringLookup "
                       "does); 'int' keeps the input's shape")
        index = index_of(strings).reshape(shape if mode == "int" else (3,))
        expected = keras.utils.to_categorical(index, width) if mode == "one_hot" else index
        assert_close(got, expected, f"the values for {where}", LOOK_LOOKUP, rtol=0, atol=0)


@pytest.mark.behaviour
@pytest.mark.points(3)
@pytest.mark.parametrize("labels,num_classes", [
    (np.array([2, 0, 1, 2], "int64"), 3),
    (np.array([[1], [4], [0]], "int32"), 6),
    ([[0, 3], [2, 2], [1, 0]], 4),
    ([1], 3),
], ids=["B-int64", "B1-int32", "BT-list", "one-label-list"])
def test_to_one_hot_equals_to_categorical(submission, labels, num_classes):
    got = submission.call("one_hot", labels=labels, num_classes=num_classes,
                          look_at="to_one_hot(labels, num_classes)")
    expected = keras.utils.to_categorical(labels, num_classes)
    assert_close(got, expected,
                 f"to_one_hot({np.asarray(labels).tolist()}, {num_classes}) equal to "
                 f"keras.utils.to_categorical, shape {expected.shape}",
                 "shape labels.shape + (num_classes,), except that a trailing axis of size 1 "
                 "is dropped ((B, 1) labels give (B, num_classes)); the width is always "
                 "num_classes", rtol=0, atol=0)


@pytest.mark.shape
@pytest.mark.points(2)
def test_to_one_hot_returns_floats_of_width_num_classes(submission):
    got = submission.call("one_hot", labels=np.array([0, 1, 1], "int64"), num_classes=5)
    if np.shape(got) != (3, 5):
        raise fail("shape (3, 5) for labels [0, 1, 1] and num_classes=5", f"{np.shape(got)}",
                   "the width is num_classes, not max(labels) + 1")
    if np.asarray(got).dtype.kind != "f":
        raise fail("a float array (to_categorical returns floats)",
                   f"dtype {np.asarray(got).dtype}", "np.eye(num_classes, dtype='float32')")


def _file_case(submission):
    rng = np.random.default_rng(25)
    kernel = rng.normal(size=(len(VOCABULARY) + 1, 3)).astype("float32")
    bias = rng.normal(size=(3,)).astype("float32")
    strings = [[s] for s in STRINGS]
    got = submission.call("keras_file", vocabulary=VOCABULARY, strings=strings, kernel=kernel,
                          bias=bias,
                          look_at="the encoder must save inside a model and load back in safe "
                                  "mode: a StringLookup does; a Lambda does not, and a custom "
                                  "layer needs @keras.saving.register_keras_serializable()")
    return got, kernel


def _lists(config):
    """Every list of strings anywhere in a config."""
    if isinstance(config, dict):
        for value in config.values():
            yield from _lists(value)
    elif isinstance(config, list):
        if config and all(isinstance(v, str) for v in config):
            yield config
        for value in config:
            yield from _lists(value)


def _asset_vocabularies(data: np.ndarray):
    """Vocabulary files kept as assets (StringLookup.set_vocabulary saves them there)."""
    with zipfile.ZipFile(io.BytesIO(data.tobytes())) as archive:
        for name in archive.namelist():
            if name.startswith("assets/") and name.endswith(".txt"):
                lines = archive.read(name).decode("utf-8", "replace").splitlines()
                yield lines
                yield lines[1:]  # after the OOV token


@pytest.mark.serialization
@pytest.mark.points(2)
def test_keras_file_keeps_the_vocabulary_in_order(submission):
    got, _ = _file_case(submission)
    archive = read_keras_archive(got["file"])
    found = list(_lists(archive.config)) + list(_asset_vocabularies(got["file"]))
    if VOCABULARY not in found:
        raise fail(f"the .keras file to hold the vocabulary {VOCABULARY} in this order (in "
                   "config.json or as an asset)",
                   f"string lists {found[:6]}",
                   "pass the vocabulary to the layer (StringLookup(vocabulary=...)) so its "
                   "config carries it, and keep its order")


@pytest.mark.serialization
@pytest.mark.points(4)
def test_reloaded_model_gives_the_outputs_its_file_defines(submission):
    got, kernel = _file_case(submission)
    archive = read_keras_archive(got["file"])
    classes = archive.class_names()
    if "Dense" not in classes:
        raise fail("a Dense layer in the saved model", f"layers {classes}",
                   "build_category_encoder must return one layer the model can call")
    weights = archive.layer_vars()[classes.index("Dense")]
    by_rank = {w.ndim: w for w in weights}
    if set(by_rank) != {1, 2} or not np.allclose(by_rank[2], kernel):
        raise fail("the file's Dense kernel to be the one the test set",
                   f"Dense variables of shapes {[w.shape for w in weights]}",
                   f"the encoder must output {len(VOCABULARY) + 1} columns (one-hot)")
    one_hot = keras.utils.to_categorical(index_of(STRINGS), len(VOCABULARY) + 1)
    expected = one_hot @ by_rank[2].astype(np.float64) + by_rank[1]
    assert_close(got["outputs"], expected,
                 "the reloaded model's outputs: one_hot(index) @ kernel + bias with the "
                 "file's weights", "the reloaded encoder must keep its vocabulary, its order "
                 "and its OOV slot: " + LOOK_LOOKUP, rtol=1e-5, atol=1e-5)

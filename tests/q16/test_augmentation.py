"""Hidden tests for q16, data augmentation. The tests send the images and judge what comes
back against them; the worker runs probes.py."""

from __future__ import annotations

import numpy as np
import pytest

from grader.keras_archive import read_keras_archive
from grader.testing import assert_close, fail, summarise

SHAPES = {"8x8x1": (8, 8, 1), "12x10x3": (12, 10, 3)}
CHANGED = 1e-3  # an image counts as changed when some pixel moved by more than this


def images(seed: int, shape: tuple[int, ...], n: int = 16) -> np.ndarray:
    return np.random.default_rng(seed).uniform(size=(n, *shape)).astype("float32")


def changed_images(out: np.ndarray, x: np.ndarray) -> int:
    """How many images of `out` differ from the same image of `x`."""
    diff = np.abs(np.asarray(out, np.float64) - x).reshape(len(x), -1).max(axis=1)
    return int(np.sum(diff > CHANGED))


def _check_images(out: np.ndarray, x: np.ndarray, what: str, look_at: str) -> None:
    out = np.asarray(out)
    if out.shape != x.shape:
        raise fail(f"{what} with the input's shape {x.shape}", summarise(out), look_at)
    if out.dtype != np.float32:
        raise fail(f"{what} as float32, like the input", f"dtype {out.dtype}", look_at)


@pytest.mark.shape
@pytest.mark.points(3)
@pytest.mark.parametrize("shape", list(SHAPES))
def test_training_mode_changes_images_and_keeps_shape_and_float32(submission, device, shape):
    x = images(1, SHAPES[shape])
    got = submission.call("calls", device=device, x=x, aug_seed=7, training_calls=3)
    look = ("random layers that keep the size (RandomFlip, RandomRotation, RandomZoom, "
            "RandomContrast...), no RandomCrop or Resizing to a fixed size, no dtype change")
    for call, out in enumerate(got["training"], start=1):
        _check_images(out, x, f"augmenter(x, training=True), call {call}", look)
        if changed_images(out, x) == 0:
            raise fail(f"training-mode call {call} to change at least one of 16 random images",
                       "all 16 images unchanged",
                       "random layers transform images when called with training=True")
    for key in ("inference", "predict"):
        _check_images(got[key], x, f"the {key} output", look)


@pytest.mark.behaviour
@pytest.mark.points(4)
@pytest.mark.parametrize("shape", list(SHAPES))
def test_inference_returns_the_images_unchanged(submission, device, shape):
    x = images(2, SHAPES[shape])
    got = submission.call("calls", device=device, x=x, aug_seed=3, training_calls=1)
    look = ("only random layers, which are the identity when training=False; no Rescaling "
            "(the seed's rescale=1./255) and nothing else that acts in inference")
    for key, what in (("inference", "augmenter(x, training=False)"),
                      ("predict", "model.predict(x) of a model starting with the augmenter")):
        _check_images(got[key], x, what, look)
        assert_close(got[key], x, f"{what} == x", look, rtol=0, atol=1e-6)


@pytest.mark.behaviour
@pytest.mark.claim
@pytest.mark.points(3)
def test_same_seed_gives_same_images_and_other_seeds_differ(submission):
    x = images(3, SHAPES["12x10x3"])
    first, again, other = submission.call("seeded", x=x, seeds=[5, 5, 12], training_calls=2)
    look = ("pass the seed on to every random layer (e.g. seed + i for the i-th); a fixed "
            "seed inside the function, or none at all, ignores the caller's")
    for call in range(2):
        assert_close(again[call], first[call], f"call {call + 1} of two augmenters built with "
                     "seed=5 giving the same images", look, rtol=0, atol=1e-6)
    if max(changed_images(first[call], x) for call in range(2)) == 0:
        raise fail("augmented images in training mode", "the images unchanged",
                   "random layers change images when training=True")
    if all(changed_images(other[call], first[call]) == 0 for call in range(2)):
        raise fail("seed=12 to give other images than seed=5", "identical images",
                   look)


def _offsets(out: np.ndarray, x: np.ndarray) -> np.ndarray:
    """The constant the counting stand-in added to each image; NaN where not constant."""
    diff = (np.asarray(out, np.float64) - x).reshape(len(x), -1)
    level = np.round(diff.mean(axis=1))
    constant = np.abs(diff - level[:, None]).max(axis=1) < 1e-4
    return np.where(constant, level, np.nan)


def _dataset_data(seed: int, shape: tuple[int, ...]):
    x = images(seed, shape, n=20)
    labels = (np.arange(20, dtype="int64") * 7) % 20  # distinct, not sorted
    return x, labels


def _check_epoch(batches, x, labels, sizes, look: str) -> np.ndarray:
    """Batch sizes, labels and order as the input; returns each image's offset."""
    got_sizes = [len(np.asarray(b[1])) for b in batches]
    if got_sizes != sizes:
        raise fail(f"batches of sizes {sizes}, as the input dataset", f"sizes {got_sizes}",
                   "map over the batched dataset; no unbatch/rebatch, filter or repeat")
    got_labels = np.concatenate([np.asarray(b[1]) for b in batches])
    if got_labels.dtype != labels.dtype or not np.array_equal(got_labels, labels):
        raise fail(f"the labels untouched and in order: {labels.tolist()} ({labels.dtype})",
                   f"{got_labels.tolist()} ({got_labels.dtype})",
                   "map only the images: lambda x, y: (augmenter(x, training=True), y); no "
                   "shuffle")
    out = np.concatenate([np.asarray(b[0]) for b in batches])
    _check_images(out, x, "the augmented images", look)
    return _offsets(out, x)


@pytest.mark.behaviour
@pytest.mark.points(4)
def test_augment_dataset_applies_the_augmenter_in_training_mode_keeping_labels(submission):
    x, labels = _dataset_data(4, SHAPES["8x8x1"])
    epochs = submission.call("counted_dataset", x=x, labels=labels, batch_size=8, epochs=1)
    look = "ds.map(lambda x, y: (augmenter(x, training=True), y))"
    offsets = _check_epoch(epochs[0], x, labels, [8, 8, 4], look)
    if np.any(np.isnan(offsets)) or np.any(offsets < 1):
        raise fail("every image replaced by the augmenter's training-mode output (the test's "
                   "stand-in augmenter adds k >= 1 to the images on its k-th training call)",
                   f"offsets per image {offsets.tolist()} (0: augmenter in inference mode or "
                   "not applied; nan: not the augmenter's output)",
                   "call the augmenter you are given, with training=True, on the images")


@pytest.mark.behaviour
@pytest.mark.points(2)
def test_augment_dataset_draws_anew_every_epoch(submission):
    x, labels = _dataset_data(5, SHAPES["8x8x1"])
    epochs = submission.call("counted_dataset", x=x, labels=labels, batch_size=8, epochs=2)
    look = "ds.map(...) with no cache() after it"
    first = _check_epoch(epochs[0], x, labels, [8, 8, 4], look)
    second = _check_epoch(epochs[1], x, labels, [8, 8, 4], look)
    # Epoch 1 calls the stand-in at least once per batch (3 times), so every image of epoch
    # 2 must carry an offset of at least 4: a replayed (cached) epoch carries 1 to 3.
    if not (np.all(first >= 1) and np.all(second >= 4)):
        raise fail("the second epoch to call the augmenter anew: offsets of at least 4 (the "
                   "stand-in adds k on its k-th call; epoch 1 makes at least 3 calls)",
                   f"offsets {first.tolist()} in epoch 1 and {second.tolist()} in epoch 2",
                   "no cache() after the map: a cache replays the first epoch's draws")


@pytest.mark.behaviour
@pytest.mark.points(2)
def test_augment_dataset_with_the_built_augmenter_changes_images_keeping_batches(submission):
    x, labels = _dataset_data(6, SHAPES["12x10x3"])
    batches = submission.call("real_dataset", x=x, labels=labels, batch_size=8, aug_seed=9)
    look = "ds.map(lambda x, y: (augmenter(x, training=True), y))"
    _check_epoch(batches, x, labels, [8, 8, 4], look)
    out = np.concatenate([np.asarray(b[0]) for b in batches])
    if changed_images(out, x) == 0:
        raise fail("augmented images from augment_dataset(ds, build_augmenter(9))",
                   "all 20 images unchanged", "call the augmenter with training=True")


def _class_names(node) -> list[str]:
    """Every class_name in a saved config, nested layers included."""
    if isinstance(node, dict):
        found = [str(node["class_name"])] if "class_name" in node else []
        return found + [name for value in node.values() for name in _class_names(value)]
    if isinstance(node, list):
        return [name for value in node for name in _class_names(value)]
    return []


@pytest.mark.serialization
@pytest.mark.points(2)
def test_model_with_the_augmenter_survives_keras_round_trip_in_safe_mode(submission):
    x = images(7, SHAPES["8x8x1"])
    look = ("no Lambda layer (safe mode refuses to load Python code); register custom layers "
            "with @keras.saving.register_keras_serializable()")
    got = submission.call("round_trip", x=x, aug_seed=11, look_at=look)
    names = _class_names(read_keras_archive(got["archive"]).config)
    if "Lambda" in names:
        raise fail("a .keras file without Lambda layers", f"layers {sorted(set(names))}", look)
    assert_close(got["predict"], x, "the reloaded model's predict(x) == x",
                 "the augmenter must still be the identity in inference after reloading", rtol=0,
                 atol=1e-6)
    _check_images(got["training"], x, "the reloaded model's training-mode output", look)
    if changed_images(got["training"], x) == 0:
        raise fail("the reloaded model to still augment in training mode",
                   "all 16 images unchanged", "get_config must keep every setting")

"""Worker-side half of q16's hidden tests: drive the learner's augmenter and dataset
function on images the tests send; return the images that come out, no verdicts."""

from __future__ import annotations

import os
import tempfile
from typing import Any

import keras
import numpy as np
import tensorflow as tf

from grader.errors import ProbeResultError
from grader.probing import save_to_bytes


def _images(value: Any, what: str) -> np.ndarray:
    try:
        array = np.asarray(value)
    except (TypeError, ValueError):
        raise ProbeResultError(f"q16: {what} is a {type(value).__name__}, not images") from None
    if array.dtype.kind not in "fiub":
        raise ProbeResultError(f"q16: {what} has dtype {array.dtype}, not a number type")
    return array


def calls(sub: Any, *, x: np.ndarray, aug_seed: int, training_calls: int) -> dict[str, Any]:
    """Successive training-mode calls, then an inference call and `predict` in a model."""
    augmenter = sub.build_augmenter(seed=aug_seed)
    training = [_images(augmenter(x, training=True), "augmenter(x, training=True)")
                for _ in range(training_calls)]
    inference = _images(augmenter(x, training=False), "augmenter(x, training=False)")
    model = keras.Sequential([keras.Input(x.shape[1:]), augmenter])
    predicted = _images(model.predict(x, verbose=0), "model.predict(x)")
    return {"training": training, "inference": inference, "predict": predicted}


def seeded(sub: Any, *, x: np.ndarray, seeds: list[int], training_calls: int) -> list[Any]:
    """Build one augmenter per seed (all before any call), then call each in training mode."""
    augmenters = [sub.build_augmenter(seed=seed) for seed in seeds]
    return [[_images(augmenter(x, training=True), f"build_augmenter(seed={seed})(x)")
             for _ in range(training_calls)]
            for seed, augmenter in zip(seeds, augmenters, strict=True)]


class CountingAugmenter(keras.layers.Layer):
    """A stand-in augmenter whose effect the tests can predict: its k-th training-mode call
    adds k to every pixel; in inference mode it returns the images unchanged."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.count = tf.Variable(0.0, trainable=False, dtype=tf.float32)

    def call(self, inputs: Any, training: bool = True) -> Any:
        if training:
            return inputs + self.count.assign_add(1.0)  # atomic, also under a parallel map
        return inputs


def _epochs(ds: Any, epochs: int, limit: int) -> list[list[list[np.ndarray]]]:
    if not isinstance(ds, tf.data.Dataset):
        raise ProbeResultError(
            f"q16: augment_dataset returned a {type(ds).__name__}, not a tf.data.Dataset")
    result = []
    for _ in range(epochs):
        batches = []
        for element in ds:
            if not isinstance(element, (tuple, list)) or len(element) != 2:
                raise ProbeResultError(
                    "q16: the augmented dataset must yield (images, labels) tuples, like its "
                    f"input; it yielded a {type(element).__name__}")
            batches.append([_images(element[0], "images"), _images(element[1], "labels")])
            if len(batches) > limit:
                break  # an endless dataset (repeat()) is reported, not iterated forever
        result.append(batches)
    return result


def counted_dataset(
    sub: Any, *, x: np.ndarray, labels: np.ndarray, batch_size: int, epochs: int
) -> list[Any]:
    """augment_dataset with the counting stand-in; the batches of each epoch."""
    augmenter = CountingAugmenter()
    augmenter(x[:1], training=False)  # built outside tf.data
    ds = tf.data.Dataset.from_tensor_slices((x, labels)).batch(batch_size)
    limit = -(-len(x) // batch_size) + 2
    return _epochs(sub.augment_dataset(ds, augmenter), epochs, limit)


def real_dataset(
    sub: Any, *, x: np.ndarray, labels: np.ndarray, batch_size: int, aug_seed: int
) -> list[Any]:
    """augment_dataset with the learner's own augmenter; the batches of one epoch."""
    augmenter = sub.build_augmenter(seed=aug_seed)
    ds = tf.data.Dataset.from_tensor_slices((x, labels)).batch(batch_size)
    limit = -(-len(x) // batch_size) + 2
    return _epochs(sub.augment_dataset(ds, augmenter), 1, limit)[0]


def round_trip(sub: Any, *, x: np.ndarray, aug_seed: int) -> dict[str, Any]:
    """Save a model holding the augmenter as .keras, load that file in safe mode, and run
    the reloaded model in both modes."""
    model = keras.Sequential([keras.Input(x.shape[1:]), sub.build_augmenter(seed=aug_seed)])
    data = save_to_bytes(model)
    path = os.path.join(tempfile.mkdtemp(), "model.keras")
    with open(path, "wb") as handle:
        handle.write(data.tobytes())
    loaded = keras.saving.load_model(path)  # safe_mode=True, the default
    return {
        "archive": data,
        "predict": _images(loaded.predict(x, verbose=0), "reloaded model.predict(x)"),
        "training": _images(loaded(x, training=True), "reloaded model(x, training=True)"),
    }

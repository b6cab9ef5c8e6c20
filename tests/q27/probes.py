"""Worker-side half of q27's hidden tests: iterate the learner's dataset, return the batches.

Probes compute no verdicts. The test sends the arrays (labels are example ids, so it can
check order, coverage and alignment itself) and names an augmentation; the functions for
those names live here, since a test can only send plain data.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import tensorflow as tf

from grader.errors import ProbeResultError


def _augment(name: str | None, seed: int = 0) -> Callable[[Any], Any] | None:
    """Shape-agnostic feature augmentations, per example or per batch alike."""
    if name is None:
        return None
    if name == "plus_one":
        return lambda features: features + tf.constant(1, dtype=features.dtype)
    if name == "noise":
        # A stateful generator: it draws new values on every call, so epochs differ
        # unless something replays the first epoch's results (cache) or runs it once.
        generator = tf.random.Generator.from_seed(seed)
        return lambda features: features + generator.uniform(tf.shape(features),
                                                              dtype=features.dtype)
    raise ValueError(f"unknown augmentation {name!r}")


def _make(sub: Any, x: np.ndarray, y: np.ndarray, options: dict[str, Any]) -> Any:
    options = dict(options)
    augment = _augment(options.pop("augment", None))
    dataset = sub.make_dataset(x, y, options.pop("batch_size"), augment=augment, **options)
    if not isinstance(dataset, tf.data.Dataset):
        raise ProbeResultError(
            f"q27: make_dataset returned {type(dataset).__name__}, not a tf.data.Dataset"
        )
    return dataset


def _epoch(dataset: Any, max_batches: int) -> list[list[np.ndarray]]:
    batches = []
    for element in dataset:
        if len(batches) >= max_batches:
            break  # longer than any epoch may be: the test reports it
        if not isinstance(element, (tuple, list)) or len(element) != 2:
            raise ProbeResultError(
                "q27: each element of the dataset should be an (x_batch, y_batch) tuple; "
                f"got {type(element).__name__}"
            )
        batches.append([np.asarray(element[0]), np.asarray(element[1])])
    return batches


def epochs(
    sub: Any, *, x: np.ndarray, y: np.ndarray, options: dict[str, Any], epochs: int,
    max_batches: int,
) -> list[list[list[np.ndarray]]]:
    """Iterate one dataset `epochs` times; at most `max_batches` batches per epoch."""
    dataset = _make(sub, x, y, options)
    return [_epoch(dataset, max_batches) for _ in range(epochs)]


def two_datasets(
    sub: Any, *, x: np.ndarray, y: np.ndarray, options: dict[str, Any], epochs: int,
    max_batches: int,
) -> list[list[np.ndarray]]:
    """The labels of each epoch of two datasets made one after the other."""
    runs = []
    for _ in range(2):
        dataset = _make(sub, x, y, options)
        runs.append([np.concatenate([b[1] for b in _epoch(dataset, max_batches)])
                     for _ in range(epochs)])
    return runs


def structure(sub: Any, *, x: np.ndarray, y: np.ndarray, options: dict[str, Any]) -> list[str]:
    """The dataset's class names from the last transformation back to the source."""
    dataset = _make(sub, x, y, options)
    chain = []
    while dataset is not None and len(chain) < 50:
        chain.append(type(dataset).__name__)
        dataset = getattr(dataset, "_input_dataset", None)
    return chain

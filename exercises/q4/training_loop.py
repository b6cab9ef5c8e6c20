"""q4: a custom training loop, the way `model.fit` works inside.

You write three functions (see the README beside this file):

* `train_step` runs the model on one batch inside `tf.GradientTape`, computes the loss,
  and applies one optimizer update;
* `test_step` evaluates one batch without training;
* `fit` loops over epochs and batches and returns the per-epoch history.

What the hidden tests check:
    behaviour    one step equals a hand-computed SGD update, and returns the loss before it;
                 the model is called with training=True in train_step, training=False in
                 test_step; frozen layers stay unchanged; history holds per-epoch means with
                 metrics reset each epoch; it works when the caller wraps train_step in
                 tf.function, and fit trains two fresh models one after the other.
    gradient     regularization penalties (`model.losses`) are part of what is minimised.
    convergence  the seed's 64-32-1 model reaches a validation loss below a threshold.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import keras
import numpy as np  # noqa: F401 - handy for averaging the batch losses
import tensorflow as tf  # noqa: F401 - tf.GradientTape


def train_step(
    model: keras.Model,
    optimizer: keras.optimizers.Optimizer,
    loss_fn: Any,
    x: Any,
    y: Any,
    metrics: Sequence[keras.metrics.Metric] = (),
) -> Any:
    """Apply one optimizer update on the batch (x, y).

    Args:
        model: the model to train; only `model.trainable_variables` may change.
        optimizer: applies the gradients, e.g. keras.optimizers.Adam().
        loss_fn: called as loss_fn(y, predictions), e.g. keras.losses.BinaryCrossentropy().
        x: a batch of inputs.
        y: the batch's targets.
        metrics: metrics to update with metric.update_state(y, predictions).

    Returns:
        The batch loss of this forward pass, computed before the update (a scalar).
    """
    # TODO: forward pass (training=True) and loss inside tf.GradientTape(), including
    # sum(model.losses); gradients of model.trainable_variables; apply them; update metrics.
    raise NotImplementedError("train_step")


def test_step(
    model: keras.Model, loss_fn: Any, x: Any, y: Any,
    metrics: Sequence[keras.metrics.Metric] = (),
) -> Any:
    """Evaluate one batch in inference mode (training=False).

    Returns:
        The batch loss; each metric is updated with (y, predictions).
    """
    # TODO
    raise NotImplementedError("test_step")


def fit(
    model: keras.Model,
    train_ds: Iterable[tuple[Any, Any]],
    val_ds: Iterable[tuple[Any, Any]],
    epochs: int,
    optimizer: keras.optimizers.Optimizer,
    loss_fn: Any,
) -> dict[str, list[float]]:
    """Train a binary classifier for `epochs` epochs.

    Args:
        model: outputs probabilities of shape (batch, 1).
        train_ds: iterable of (x, y) batches for training, e.g. a tf.data.Dataset.
        val_ds: iterable of (x, y) batches for validation.
        epochs: number of passes over train_ds.
        optimizer: the optimizer to use.
        loss_fn: the loss, called as loss_fn(y, predictions).

    Returns:
        {"loss", "accuracy", "val_loss", "val_accuracy"}, each a list with one float per
        epoch: the mean of that epoch's batch losses, and the accuracy over that epoch only.
    """
    # TODO: create keras.metrics.BinaryAccuracy() for training and for validation here,
    # reset them with reset_state() at the start of every epoch.
    raise NotImplementedError("fit")

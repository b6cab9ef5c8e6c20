"""Reference solution for q4: a custom training loop with GradientTape."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import keras
import numpy as np
import tensorflow as tf


def train_step(
    model: keras.Model,
    optimizer: keras.optimizers.Optimizer,
    loss_fn: Any,
    x: Any,
    y: Any,
    metrics: Sequence[keras.metrics.Metric] = (),
) -> Any:
    """Apply one optimizer update on the batch `(x, y)`.

    Args:
        model: the model to train; only its trainable variables change.
        optimizer: applies the gradients.
        loss_fn: `loss_fn(y, predictions)`, e.g. `keras.losses.BinaryCrossentropy()`.
        x: a batch of inputs.
        y: the batch's targets.
        metrics: metrics updated with `(y, predictions)`.

    Returns:
        The batch loss of the forward pass, before the update (a scalar tensor).
    """
    with tf.GradientTape() as tape:
        predictions = model(x, training=True)
        loss = loss_fn(y, predictions)
        # Regularization penalties (kernel_regularizer, add_loss) live in model.losses.
        total = loss + sum(model.losses)
    gradients = tape.gradient(total, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
    for metric in metrics:
        metric.update_state(y, predictions)
    return loss


def test_step(
    model: keras.Model, loss_fn: Any, x: Any, y: Any,
    metrics: Sequence[keras.metrics.Metric] = (),
) -> Any:
    """Evaluate one batch in inference mode; returns the batch loss and updates `metrics`."""
    predictions = model(x, training=False)
    for metric in metrics:
        metric.update_state(y, predictions)
    return loss_fn(y, predictions)


def fit(
    model: keras.Model,
    train_ds: Iterable[tuple[Any, Any]],
    val_ds: Iterable[tuple[Any, Any]],
    epochs: int,
    optimizer: keras.optimizers.Optimizer,
    loss_fn: Any,
) -> dict[str, list[float]]:
    """Train a binary classifier for `epochs` epochs.

    Returns:
        `{"loss", "accuracy", "val_loss", "val_accuracy"}`, one value per epoch: the mean of
        the epoch's batch losses and the accuracy accumulated over the epoch.
    """
    train_accuracy = keras.metrics.BinaryAccuracy()
    val_accuracy = keras.metrics.BinaryAccuracy()
    history: dict[str, list[float]] = {"loss": [], "accuracy": [], "val_loss": [],
                                       "val_accuracy": []}
    for _ in range(epochs):
        for metric in (train_accuracy, val_accuracy):
            metric.reset_state()
        losses = [float(train_step(model, optimizer, loss_fn, x, y, [train_accuracy]))
                  for x, y in train_ds]
        val_losses = [float(test_step(model, loss_fn, x, y, [val_accuracy])) for x, y in val_ds]
        history["loss"].append(float(np.mean(losses)))
        history["accuracy"].append(float(train_accuracy.result()))
        history["val_loss"].append(float(np.mean(val_losses)))
        history["val_accuracy"].append(float(val_accuracy.result()))
    return history

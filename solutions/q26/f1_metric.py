"""Reference solution for q26: a streaming F1 score for binary labels."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="kata")
class F1Score(keras.metrics.Metric):
    """F1 score of binary predictions, accumulated over every batch seen.

    `F1 = 2 tp / (2 tp + fp + fn)`, from true positives, false positives and false negatives
    counted over all batches since construction or the last `reset_state()`; it is 0 when
    there is no true positive (never NaN). A prediction is positive when `y_pred > threshold`.

    Args:
        threshold: the probability above which a prediction counts as positive.
        name: the name the metric reports under (e.g. in `fit`'s history).
        **kwargs: passed to `keras.metrics.Metric` (dtype).
    """

    def __init__(self, threshold: float = 0.5, name: str = "f1_score", **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
        self.threshold = float(threshold)
        self.true_positives = self.add_variable(shape=(), initializer="zeros", name="tp")
        self.false_positives = self.add_variable(shape=(), initializer="zeros", name="fp")
        self.false_negatives = self.add_variable(shape=(), initializer="zeros", name="fn")

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        # Flatten both, never broadcast: (B,) labels against (B, 1) predictions.
        y_true = ops.reshape(ops.cast(y_true, self.dtype), (-1,))
        y_pred = ops.reshape(ops.cast(ops.greater(y_pred, self.threshold), self.dtype), (-1,))
        weight = 1.0 if sample_weight is None else ops.reshape(
            ops.cast(sample_weight, self.dtype), (-1,))
        self.true_positives.assign_add(ops.sum(weight * y_true * y_pred))
        self.false_positives.assign_add(ops.sum(weight * (1.0 - y_true) * y_pred))
        self.false_negatives.assign_add(ops.sum(weight * y_true * (1.0 - y_pred)))

    def result(self) -> Any:
        tp = self.true_positives
        return ops.divide_no_nan(2.0 * tp, 2.0 * tp + self.false_positives + self.false_negatives)

    def reset_state(self) -> None:
        for variable in (self.true_positives, self.false_positives, self.false_negatives):
            variable.assign(ops.zeros((), dtype=self.dtype))

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "threshold": self.threshold}

"""q26: a custom metric, the F1 score of a binary classifier.

On imbalanced data accuracy flatters: predicting "negative" for everything scores 95% when 5%
are positive. F1 looks only at the positive class:

    precision = tp / (tp + fp)      recall = tp / (tp + fn)
    F1 = 2 * precision * recall / (precision + recall) = 2 tp / (2 tp + fp + fn)

A Keras metric is *stateful*: `update_state(y_true, y_pred)` adds one batch's counts to
variables, `result()` turns the counts so far into a number, and `reset_state()` sets them
back to 0 (Keras does that at the start of every epoch). F1 cannot be averaged over batches:
keep the counts, not the per-batch scores.

What the hidden tests check:
    behaviour   result() equals sklearn.metrics.f1_score(y, y_pred > threshold,
                zero_division=0) on everything seen since construction or the last
                reset_state(), over batches of different sizes; 0.0, not NaN, when there is
                no true positive; the threshold is honoured; inside
                compile(metrics=[F1Score(name=...)]) fit's history and evaluate report the
                right F1 under that name.
    shape       labels and predictions of shape (B,) or (B, 1), in any combination, never
                broadcast to (B, B); result() is a scalar, shape ().
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops  # noqa: F401 - keras.ops has greater, cast, reshape, sum, divide_no_nan


# TODO (optional): register the class with @keras.saving.register_keras_serializable().
class F1Score(keras.metrics.Metric):
    """F1 score of binary predictions, accumulated over every batch seen.

    Args:
        threshold: a prediction is positive when y_pred > threshold.
        name: the name the metric reports under (e.g. in fit's history).
        **kwargs: passed on to keras.metrics.Metric (dtype).
    """

    def __init__(self, threshold: float = 0.5, name: str = "f1_score", **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
        # TODO: store the threshold; create three zero-initialised scalar variables
        # (self.add_variable) for true positives, false positives and false negatives.
        raise NotImplementedError("F1Score.__init__")

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        """Add one batch's tp, fp and fn to the counts.

        Args:
            y_true: labels in {0, 1}, float or int, shape (B,) or (B, 1).
            y_pred: probabilities, shape (B,) or (B, 1) (not necessarily y_true's).
            sample_weight: optional per-example weights (not graded).
        """
        # TODO: flatten both, threshold y_pred, count, assign_add.
        raise NotImplementedError("F1Score.update_state")

    def result(self) -> Any:
        """Return 2 tp / (2 tp + fp + fn) as a float scalar, 0.0 when tp = 0 (never NaN)."""
        # TODO: tensor ops only (fit calls this inside a graph): ops.divide_no_nan.
        raise NotImplementedError("F1Score.result")

    def reset_state(self) -> None:
        """Set every count back to 0."""
        # TODO
        raise NotImplementedError("F1Score.reset_state")

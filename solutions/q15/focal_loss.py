"""Reference solution for q15: binary focal loss (Lin et al., 2017)."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="kata")
def binary_focal_loss(y_true: Any, y_pred: Any, gamma: float = 2.0, alpha: float = 0.25) -> Any:
    """Binary focal loss, one value per sample.

    Args:
        y_true: 0/1 labels, shape `(B,)`, `(B, 1)` or `(B, K)`.
        y_pred: probabilities with as many elements as `y_true`.
        gamma: focusing parameter; 0 gives alpha-weighted cross-entropy.
        alpha: weight of the positive class; negatives get `1 - alpha`.

    Returns:
        The mean over the last axis of `-alpha_t (1 - p_t)^gamma log(p_t)`, shape `(B,)`.
    """
    y_pred = ops.convert_to_tensor(y_pred)
    # Reshape, never broadcast: (B,) labels against (B, 1) predictions would become (B, B).
    y_true = ops.reshape(ops.cast(y_true, y_pred.dtype), ops.shape(y_pred))
    eps = keras.config.epsilon()
    p = ops.clip(y_pred, eps, 1.0 - eps)
    p_t = y_true * p + (1.0 - y_true) * (1.0 - p)
    alpha_t = y_true * alpha + (1.0 - y_true) * (1.0 - alpha)
    loss = -alpha_t * ops.power(1.0 - p_t, gamma) * ops.log(p_t)
    if len(loss.shape) == 1:
        return loss
    return ops.mean(loss, axis=-1)


@keras.saving.register_keras_serializable(package="kata")
class FocalLoss(keras.losses.Loss):
    """Binary focal loss as a `keras.losses.Loss`, reduced over the batch.

    Args:
        gamma: focusing parameter.
        alpha: weight of the positive class.
        from_logits: whether `y_pred` holds logits rather than probabilities.
        **kwargs: `reduction`, `name` and `dtype`, passed to `keras.losses.Loss`.
    """

    def __init__(
        self, gamma: float = 2.0, alpha: float = 0.25, from_logits: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.gamma = float(gamma)
        self.alpha = float(alpha)
        self.from_logits = bool(from_logits)

    def call(self, y_true: Any, y_pred: Any) -> Any:
        if self.from_logits:
            y_pred = ops.sigmoid(y_pred)
        return binary_focal_loss(y_true, y_pred, gamma=self.gamma, alpha=self.alpha)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"gamma": self.gamma, "alpha": self.alpha, "from_logits": self.from_logits})
        return config

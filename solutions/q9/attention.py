"""Reference solution for q9: additive attention pooling and a MultiHeadAttention classifier."""

from __future__ import annotations

from typing import Any

import keras
from keras import layers, ops


@keras.saving.register_keras_serializable(package="kata")
class AttentionPooling(layers.Layer):
    """Additive attention pooling over time (Bahdanau-style scoring, the seed's SelfAttention).

    For inputs `x` of shape `(B, T, F)`:

        logits_t = u . tanh(x_t W + b)          one score per time step, shape (B, T)
        scores   = softmax(logits) over time    masked steps get 0
        context  = sum_t scores_t * x_t         shape (B, F)

    Args:
        units: size of the hidden layer of the scorer (columns of `W`).
        **kwargs: `name`, `dtype`, ... passed on to `keras.layers.Layer`.
    """

    def __init__(self, units: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.units = int(units)

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        features = input_shape[-1]
        self.W = self.add_weight(name="W", shape=(features, self.units),
                                 initializer="glorot_uniform")
        self.b = self.add_weight(name="b", shape=(self.units,), initializer="zeros")
        self.u = self.add_weight(name="u", shape=(self.units,), initializer="glorot_uniform")

    def call(self, x: Any, mask: Any = None, return_attention_scores: bool = False) -> Any:
        hidden = ops.tanh(ops.matmul(x, self.W) + self.b)  # (B, T, units)
        logits = ops.matmul(hidden, self.u)  # (B, T)
        if mask is not None:
            # A very negative logit, not -inf: exp underflows to exactly 0 without NaN.
            logits = ops.where(ops.cast(mask, "bool"), logits, -1e9)
        scores = ops.softmax(logits, axis=-1)  # subtracts the row maximum: no overflow
        context = ops.sum(x * ops.expand_dims(scores, -1), axis=1)
        if return_attention_scores:
            return context, scores
        return context

    def compute_mask(self, x: Any, mask: Any = None) -> None:
        return None  # the time axis is pooled away, and its mask with it

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update({"units": self.units})
        return config


def build_attention_classifier(vocab_size: int, max_length: int) -> keras.Model:
    """Binary classifier of token sequences: self-attention, then attention pooling.

    Args:
        vocab_size: token ids run from 1 to `vocab_size - 1`; 0 is padding.
        max_length: length of the (padded) input sequences.

    Returns:
        A model from int tokens `(B, max_length)` to sigmoid probabilities `(B, 1)`, compiled
        with Adam and binary cross-entropy.
    """
    tokens = keras.Input(shape=(max_length,), dtype="int32")
    # mask_zero=True: MultiHeadAttention and AttentionPooling skip the padding.
    x = layers.Embedding(vocab_size, 32, mask_zero=True)(tokens)
    x = layers.MultiHeadAttention(num_heads=2, key_dim=16)(x, x)
    x = AttentionPooling(32)(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(tokens, outputs, name="attention_classifier")
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model

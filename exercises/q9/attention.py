"""q9: attention pooling over time, and a self-attention classifier.

`AttentionPooling` turns a sequence `x` of shape (B, T, F) into one vector per example by
letting the example decide how much each time step counts (additive attention, Bahdanau
style, the seed's `SelfAttention`):

    logits_t = u . tanh(x_t W + b)          one number per step: shape (B, T)
    scores   = softmax(logits) over time    non-negative, sum to 1; masked steps get 0
    context  = sum_t scores_t * x_t         shape (B, F)

W has shape (F, units), b (units,), u (units,) (or (units, 1) if you use
`Dense(units, activation="tanh")` and `Dense(1, use_bias=False)` sublayers). Nothing else:
a bias on the scoring vector would never learn (softmax ignores a constant added to every
logit).

`build_attention_classifier` is a small binary classifier of token sequences built around
`keras.layers.MultiHeadAttention`. Token 0 is padding.

What the hidden tests check:
    shape          context (B, F) and scores (B, T), for any sequence length once built;
                   the classifier gives (B, 1) probabilities.
    behaviour      outputs equal the formula above for weights the test sets; with a mask
                   (bool or 0/1) the scores sum to 1 and are 0 at masked steps; finite for
                   logits in the thousands; permuting time steps leaves the context alone;
                   the classifier holds a MultiHeadAttention layer.
    gradient       every weight gets the gradient finite differences give.
    serialization  from_config(get_config()) and a .keras save/load keep the layer.
    convergence    the classifier learns whether a given token occurs in a sequence.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import layers, ops  # noqa: F401 - keras.ops has tanh, matmul, softmax, where, sum


class AttentionPooling(layers.Layer):
    """Additive attention pooling over the time axis.

    Args:
        units: size of the scorer's hidden layer (the columns of W).
        **kwargs: `name`, `dtype`, ... for keras.layers.Layer.
    """

    def __init__(self, units: int, **kwargs: Any) -> None:
        # TODO: pass **kwargs to super().__init__ (from_config needs it) and store units.
        raise NotImplementedError("AttentionPooling.__init__")

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        """Create W (features, units), b (units,) and u (units,); features = input_shape[-1]."""
        # TODO: self.add_weight(name=..., shape=..., initializer=...) three times.
        raise NotImplementedError("AttentionPooling.build")

    def call(self, x: Any, mask: Any = None, return_attention_scores: bool = False) -> Any:
        """Pool x (B, T, F) over time.

        Args:
            x: the sequence, shape (B, T, F).
            mask: None, or (B, T) of bool or 0/1 values; 0/False marks steps to ignore.
            return_attention_scores: also return the scores.

        Returns:
            The context (B, F); with return_attention_scores=True the pair
            (context, scores) with scores of shape (B, T).
        """
        # TODO: logits = tanh(x @ W + b) @ u; masked steps get a very negative logit
        # (keras.ops.where on the mask cast to bool); scores = keras.ops.softmax(logits, axis=-1)
        # (it subtracts the maximum, so large logits stay finite); context = sum over axis 1.
        raise NotImplementedError("AttentionPooling.call")

    def get_config(self) -> dict[str, Any]:
        """super().get_config() plus units."""
        # TODO
        raise NotImplementedError("AttentionPooling.get_config")


def build_attention_classifier(vocab_size: int, max_length: int) -> keras.Model:
    """A binary classifier of token sequences that uses MultiHeadAttention.

    Args:
        vocab_size: token ids run from 1 to vocab_size - 1; 0 is padding.
        max_length: the length of the (padded) sequences.

    Returns:
        A model from int tokens (B, max_length) to sigmoid probabilities (B, 1), compiled
        with Adam and binary cross-entropy (the tests may recompile it).
    """
    # TODO: keras.Input((max_length,), dtype="int32") -> Embedding(..., mask_zero=True)
    # -> MultiHeadAttention(num_heads, key_dim)(x, x) -> pool over time -> Dense(1, "sigmoid").
    raise NotImplementedError("build_attention_classifier")

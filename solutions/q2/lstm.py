"""Reference solution for q2: an LSTM sequence classifier that ignores padding."""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
from keras import layers


def pad(sequences: Sequence[Sequence[int]], maxlen: int) -> np.ndarray:
    """Pad (or cut) token sequences to one length, as `keras.utils.pad_sequences` does.

    Short sequences get zeros in front ("pre" padding); long ones keep their last `maxlen`
    tokens ("pre" truncation). Keeping the real tokens at the end puts them next to the
    LSTM's final state.

    Returns:
        An int32 array of shape `(len(sequences), maxlen)`.
    """
    return keras.utils.pad_sequences(
        sequences, maxlen=maxlen, dtype="int32", padding="pre", truncating="pre", value=0
    )


def build_lstm_classifier(
    vocab_size: int, max_length: int, embedding_dim: int = 32, bidirectional: bool = False
) -> keras.Model:
    """Embedding -> LSTM (optionally Bidirectional) -> sigmoid, for binary classification.

    `mask_zero=True` makes the embedding emit a mask, so the LSTM skips the padding steps
    (token 0) and a prediction does not depend on how much padding precedes the tokens.
    No weight depends on `max_length`.

    Args:
        vocab_size: token ids run from 1 to `vocab_size - 1`; 0 is padding.
        max_length: the length of the padded sequences.
        embedding_dim: the size of each token's vector.
        bidirectional: read the sequence in both directions.

    Returns:
        A model mapping int tokens `(B, max_length)` to probabilities `(B, 1)`, compiled with
        Adam, binary cross-entropy and accuracy.
    """
    tokens = keras.Input(shape=(max_length,), dtype="int32", name="tokens")
    x = layers.Embedding(vocab_size, embedding_dim, mask_zero=True)(tokens)
    recurrent = layers.LSTM(32)
    x = layers.Bidirectional(recurrent)(x) if bidirectional else recurrent(x)
    x = layers.Dropout(0.2)(x)
    probability = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(tokens, probability, name="lstm_classifier")
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model

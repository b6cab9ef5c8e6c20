"""q2: an LSTM that classifies token sequences, and the padding that feeds it.

Sequences of token ids have different lengths; a batch needs one length. `pad` puts zeros
in front of short sequences and cuts long ones, keeping their last tokens. The classifier
embeds the tokens, runs an LSTM (or a Bidirectional LSTM) and ends in one sigmoid unit.
Token 0 means padding: with `Embedding(..., mask_zero=True)` the LSTM skips it, so a
prediction does not depend on how much padding precedes the tokens. See the README.

What the hidden tests check:
    behaviour    pad equals keras.utils.pad_sequences(sequences, maxlen); the compiled loss
                 is binary cross-entropy on probabilities; extra leading padding does not
                 change a prediction (same weights moved to a model with a longer
                 max_length); bidirectional=True wraps the LSTM in Bidirectional.
    shape        pad returns int32; the model outputs (batch, 1) probabilities.
    convergence  both variants learn a synthetic task in 3 epochs (Adam 0.01).
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np
from keras import layers  # noqa: F401


def pad(sequences: Sequence[Sequence[int]], maxlen: int) -> np.ndarray:
    """Pad or truncate token sequences to `maxlen`, as keras.utils.pad_sequences does.

    Args:
        sequences: lists of token ids (ints >= 1), of any lengths (0 included).
        maxlen: the length of every output row.

    Returns:
        An int32 array (len(sequences), maxlen): zeros in front of short sequences ("pre"
        padding), and only the last `maxlen` tokens of long ones ("pre" truncation).
    """
    # TODO
    raise NotImplementedError("pad")


def build_lstm_classifier(
    vocab_size: int, max_length: int, embedding_dim: int = 32, bidirectional: bool = False
) -> keras.Model:
    """Build and compile a binary sequence classifier.

    Args:
        vocab_size: token ids run from 1 to vocab_size - 1; 0 is padding.
        max_length: the length of the padded input sequences.
        embedding_dim: the size of each token's embedding vector.
        bidirectional: wrap the LSTM in layers.Bidirectional.

    Returns:
        A keras.Model mapping int tokens (batch, max_length) to probabilities (batch, 1),
        compiled with "adam", "binary_crossentropy" and ["accuracy"]. No weight may depend
        on max_length (no Flatten over time steps).
    """
    # TODO: keras.Input(shape=(max_length,)) -> Embedding(vocab_size, embedding_dim,
    #       mask_zero=True) -> LSTM (or Bidirectional(LSTM)) -> Dense(1, "sigmoid"); compile.
    raise NotImplementedError("build_lstm_classifier")

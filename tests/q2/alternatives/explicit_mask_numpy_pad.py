"""Another correct q2: padding written by hand in NumPy, the mask computed from the tokens
and passed to the LSTM explicitly (no mask_zero), a summing Bidirectional, and compile with
optimizer, loss and metric objects."""

import keras
import numpy as np
from keras import layers, ops


def pad(sequences, maxlen):
    out = np.zeros((len(sequences), maxlen), dtype=np.int32)
    for row, sequence in enumerate(sequences):
        tail = list(sequence)[len(sequence) - maxlen:] if len(sequence) > maxlen else list(sequence)
        if tail:
            out[row, maxlen - len(tail):] = tail
    return out


def build_lstm_classifier(vocab_size, max_length, embedding_dim=32, bidirectional=False):
    tokens = keras.Input((max_length,), dtype="int32")
    mask = ops.not_equal(tokens, 0)
    vectors = layers.Embedding(vocab_size, embedding_dim)(tokens)
    lstm = layers.LSTM(24)
    if bidirectional:
        state = layers.Bidirectional(lstm, merge_mode="sum")(vectors, mask=mask)
    else:
        state = lstm(vectors, mask=mask)
    hidden = layers.Dense(16, activation="relu")(state)
    output = layers.Dense(1, activation="sigmoid")(hidden)
    model = keras.Model(tokens, output)
    model.compile(optimizer=keras.optimizers.Adam(),
                  loss=keras.losses.BinaryCrossentropy(),
                  metrics=[keras.metrics.BinaryAccuracy()])
    return model

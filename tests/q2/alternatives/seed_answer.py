"""The seed's own answer (coding question 2), adapted only where Keras 3 or the contract
forces it: `keras.Input` replaces the deprecated `Embedding(input_length=...)`; the sizes come
from the arguments; `mask_zero=True` so padding is ignored (the contract's masking); the
bidirectional model is the seed's `bi_lstm_model`, compiled like the first one; `pad` is the
seed's `keras.preprocessing.sequence.pad_sequences` call (still there in Keras 3)."""

from tensorflow import keras
from tensorflow.keras import layers


def pad(sequences, maxlen):
    return keras.preprocessing.sequence.pad_sequences(sequences, maxlen=maxlen)


def build_lstm_classifier(vocab_size, max_length, embedding_dim=32, bidirectional=False):
    if not bidirectional:
        model = keras.Sequential([
            keras.Input(shape=(max_length,)),
            # Embedding layer
            layers.Embedding(vocab_size, embedding_dim, mask_zero=True),

            # LSTM layers
            layers.LSTM(64, return_sequences=True),
            layers.Dropout(0.2),
            layers.LSTM(32),
            layers.Dropout(0.2),

            # Classifier
            layers.Dense(64, activation='relu'),
            layers.Dense(1, activation='sigmoid')  # Binary classification
        ])
    else:
        # Bidirectional LSTM (better for many tasks)
        model = keras.Sequential([
            keras.Input(shape=(max_length,)),
            layers.Embedding(vocab_size, embedding_dim, mask_zero=True),
            layers.Bidirectional(layers.LSTM(64, return_sequences=True)),
            layers.Bidirectional(layers.LSTM(32)),
            layers.Dense(1, activation='sigmoid')
        ])

    model.compile(
        optimizer='adam',
        loss='binary_crossentropy',
        metrics=['accuracy']
    )
    return model

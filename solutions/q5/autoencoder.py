"""Reference solution for q5: a dense autoencoder whose encoder and decoder are usable alone."""

from __future__ import annotations

import keras
from keras import layers


def build_autoencoder(
    input_dim: int = 64, latent_dim: int = 8
) -> tuple[keras.Model, keras.Model, keras.Model]:
    """Build an encoder, a decoder and the autoencoder that chains them.

    The autoencoder calls the encoder and decoder models themselves, so all three share one
    set of layers: training the autoencoder trains the encoder and the decoder.

    Args:
        input_dim: size of a flattened input (64 for 8x8 digits), values in [0, 1].
        latent_dim: size of the bottleneck code.

    Returns:
        `(autoencoder, encoder, decoder)`: (B, input_dim) -> (B, input_dim) in [0, 1],
        (B, input_dim) -> (B, latent_dim), and (B, latent_dim) -> (B, input_dim). The
        autoencoder is compiled with Adam and mean squared error.
    """
    encoder = keras.Sequential(
        [
            keras.Input((input_dim,)),
            layers.Dense(32, activation="relu"),
            layers.Dense(latent_dim),  # a linear code: no unit can die at the bottleneck
        ],
        name="encoder",
    )
    decoder = keras.Sequential(
        [
            keras.Input((latent_dim,)),
            layers.Dense(32, activation="relu"),
            layers.Dense(input_dim, activation="sigmoid"),  # pixels live in [0, 1]
        ],
        name="decoder",
    )
    inputs = keras.Input((input_dim,))
    autoencoder = keras.Model(inputs, decoder(encoder(inputs)), name="autoencoder")
    autoencoder.compile(optimizer="adam", loss="mse")
    return autoencoder, encoder, decoder

"""q5: an autoencoder. It squeezes each input through a small code (the bottleneck) and
rebuilds it; trained to reproduce its input, it learns a compact description of the data.

`build_autoencoder` returns three models that share one set of layers:

* the encoder, (B, input_dim) -> (B, latent_dim), the code;
* the decoder, (B, latent_dim) -> (B, input_dim), values in [0, 1] like the pixels;
* the autoencoder, decoder(encoder(x)), the model you train with `fit(x, x)`.

Because the autoencoder *calls* the encoder and the decoder, training it trains them too:
afterwards `encoder.predict(x)` gives useful codes and `decoder` turns codes into images.

What the hidden tests check (see the README beside this file):
    shape        output shapes for the defaults (64, 8) and other sizes; reconstructions
                 and decoded codes lie in [0, 1].
    behaviour    autoencoder(x) equals decoder(encoder(x)); after training only the
                 autoencoder, decoder(encoder(x)) reconstructs held-out digits well.
    convergence  after 20 epochs on 8x8 digits the held-out reconstruction MSE is at most
                 half that of predicting the training set's mean image.
"""

from __future__ import annotations

import keras
from keras import layers  # noqa: F401


def build_autoencoder(
    input_dim: int = 64, latent_dim: int = 8
) -> tuple[keras.Model, keras.Model, keras.Model]:
    """Build the encoder, the decoder and the autoencoder that chains them.

    Args:
        input_dim: size of one flattened input (64 for 8x8 digits); values in [0, 1].
        latent_dim: size of the code at the bottleneck.

    Returns:
        `(autoencoder, encoder, decoder)`, in that order:
        autoencoder (B, input_dim) -> (B, input_dim), compiled with optimizer="adam" and
        loss="mse"; encoder (B, input_dim) -> (B, latent_dim); decoder (B, latent_dim) ->
        (B, input_dim), ending in a sigmoid. All three share the same layers.
    """
    # TODO: encoder = keras.Sequential([keras.Input((input_dim,)), ...]); decoder likewise;
    #       autoencoder = keras.Model(inputs, decoder(encoder(inputs)))
    raise NotImplementedError("build_autoencoder")

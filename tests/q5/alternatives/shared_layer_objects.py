"""Another correct q5: no nested models. Each layer object is created once and applied to
three different inputs, so the encoder, the decoder and the autoencoder are three Functional
graphs over the same layers; tanh hidden units, a separate sigmoid Activation, keras.ops on
the way in."""

import keras


def build_autoencoder(input_dim=64, latent_dim=8):
    down = [keras.layers.Dense(48, activation="tanh"), keras.layers.Dense(latent_dim)]
    up = [keras.layers.Dense(48, activation="tanh"), keras.layers.Dense(input_dim),
          keras.layers.Activation("sigmoid")]

    def apply(stack, tensor):
        for layer in stack:
            tensor = layer(tensor)
        return tensor

    x = keras.Input(shape=(input_dim,))
    z = keras.Input(shape=(latent_dim,))
    x_again = keras.Input(shape=(input_dim,))
    encoder = keras.Model(x, apply(down, keras.ops.cast(x, "float32")))
    decoder = keras.Model(z, apply(up, z))
    autoencoder = keras.Model(x_again, apply(up, apply(down, x_again)))
    autoencoder.compile(optimizer=keras.optimizers.Adam(1e-3),
                        loss=keras.losses.MeanSquaredError())
    return autoencoder, encoder, decoder

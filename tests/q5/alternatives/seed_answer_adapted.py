"""The seed's own answer (coding question 5), changed only where the catalogue forces it:
wrapped in build_autoencoder(input_dim, latent_dim) with the 784 inputs and the 32-unit
bottleneck replaced by the arguments, returning the three models, and without the MNIST
download and training (the tests train it on digits)."""

from tensorflow import keras
from tensorflow.keras import layers


def build_autoencoder(input_dim=64, latent_dim=8):
    # Encoder
    encoder_inputs = keras.Input(shape=(input_dim,))
    x = layers.Dense(256, activation='relu')(encoder_inputs)
    x = layers.Dense(128, activation='relu')(x)
    latent = layers.Dense(latent_dim, activation='relu')(x)  # Bottleneck

    encoder = keras.Model(encoder_inputs, latent, name='encoder')

    # Decoder
    decoder_inputs = keras.Input(shape=(latent_dim,))
    x = layers.Dense(128, activation='relu')(decoder_inputs)
    x = layers.Dense(256, activation='relu')(x)
    decoder_outputs = layers.Dense(input_dim, activation='sigmoid')(x)

    decoder = keras.Model(decoder_inputs, decoder_outputs, name='decoder')

    # Autoencoder
    autoencoder_inputs = keras.Input(shape=(input_dim,))
    encoded = encoder(autoencoder_inputs)
    decoded = decoder(encoded)

    autoencoder = keras.Model(autoencoder_inputs, decoded, name='autoencoder')
    autoencoder.compile(optimizer='adam', loss='mse')
    return autoencoder, encoder, decoder

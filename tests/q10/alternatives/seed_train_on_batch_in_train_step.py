"""The seed's answer to coding question 10, adapted only where Keras 3 and the contract force it.

Changes from the seed: `import keras`; sizes come from `latent_dim` and `data_dim` instead of
28x28 MNIST images, and the generator's last layer is linear (the target is a Gaussian away
from 0, out of a sigmoid's reach); the training loop moves from `train_on_batch` calls on a
combined model with `discriminator.trainable = False` (in Keras 3 that flag freezes the
discriminator for good) into the train_step of a keras.Model subclass, keeping the seed's
order: one discriminator update on the real batch, one on the generated batch,
d_loss = 0.5 * (real + fake), then one generator update with "real" labels. The layers
(BatchNormalization, Dropout, `input_shape=` arguments) are the seed's.
"""

import keras
import tensorflow as tf
from keras import layers


# Generator
def build_generator(latent_dim, data_dim):
    model = keras.Sequential([
        layers.Dense(256, activation='relu', input_shape=(latent_dim,)),
        layers.BatchNormalization(),
        layers.Dense(512, activation='relu'),
        layers.BatchNormalization(),
        layers.Dense(data_dim),
    ])
    return model


# Discriminator
def build_discriminator(data_dim):
    model = keras.Sequential([
        layers.Flatten(input_shape=(data_dim,)),
        layers.Dense(512, activation='relu'),
        layers.Dropout(0.3),
        layers.Dense(256, activation='relu'),
        layers.Dropout(0.3),
        layers.Dense(1, activation='sigmoid')
    ])
    return model


class GAN(keras.Model):
    def __init__(self, discriminator, generator, latent_dim):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn

    def _train_discriminator_on_batch(self, images, labels):
        with tf.GradientTape() as tape:
            loss = self.loss_fn(labels, self.discriminator(images, training=True))
        weights = self.discriminator.trainable_weights
        self.d_optimizer.apply_gradients(zip(tape.gradient(loss, weights), weights))
        return loss

    def train_step(self, real_imgs):
        batch_size = tf.shape(real_imgs)[0]
        real = tf.ones((batch_size, 1))
        fake = tf.zeros((batch_size, 1))

        # Train discriminator
        noise = tf.random.normal((batch_size, self.latent_dim))
        fake_imgs = self.generator(noise, training=False)  # the seed's generator.predict

        d_loss_real = self._train_discriminator_on_batch(real_imgs, real)
        d_loss_fake = self._train_discriminator_on_batch(fake_imgs, fake)
        d_loss = 0.5 * (d_loss_real + d_loss_fake)

        # Train generator (the seed's gan.train_on_batch(noise, real), discriminator frozen)
        noise = tf.random.normal((batch_size, self.latent_dim))
        with tf.GradientTape() as tape:
            g_loss = self.loss_fn(real, self.discriminator(self.generator(noise, training=True)))
        weights = self.generator.trainable_weights
        self.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, weights), weights))
        return {"d_loss": d_loss, "g_loss": g_loss}

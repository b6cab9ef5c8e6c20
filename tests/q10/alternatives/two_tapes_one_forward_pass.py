"""Another correct q10, in the style of TensorFlow's DCGAN tutorial: one forward pass under two
tapes, d_loss as the *sum* of the real and fake parts, both updates from the same pass,
LeakyReLU networks built with the Functional API."""

import keras
import tensorflow as tf


def build_generator(latent_dim, data_dim):
    noise = keras.Input((latent_dim,))
    x = keras.layers.Dense(24)(noise)
    x = keras.layers.LeakyReLU(negative_slope=0.2)(x)
    x = keras.layers.Dense(24)(x)
    x = keras.layers.LeakyReLU(negative_slope=0.2)(x)
    return keras.Model(noise, keras.layers.Dense(data_dim)(x))


def build_discriminator(data_dim):
    samples = keras.Input((data_dim,))
    x = keras.layers.Dense(24)(samples)
    x = keras.layers.LeakyReLU(negative_slope=0.2)(x)
    x = keras.layers.Dense(24)(x)
    x = keras.layers.LeakyReLU(negative_slope=0.2)(x)
    return keras.Model(samples, keras.layers.Dense(1, activation="sigmoid")(x))


class GAN(keras.Model):
    def __init__(self, discriminator, generator, latent_dim, **kwargs):
        super().__init__(**kwargs)
        self.discriminator, self.generator, self.latent_dim = discriminator, generator, latent_dim

    def compile(self, d_optimizer, g_optimizer, loss_fn, **kwargs):
        super().compile(**kwargs)
        self.d_optimizer, self.g_optimizer, self.loss_fn = d_optimizer, g_optimizer, loss_fn

    def train_step(self, real):
        noise = tf.random.normal((tf.shape(real)[0], self.latent_dim))
        with tf.GradientTape() as gen_tape, tf.GradientTape() as disc_tape:
            generated = self.generator(noise, training=True)
            real_output = self.discriminator(real, training=True)
            fake_output = self.discriminator(generated, training=True)
            g_loss = self.loss_fn(tf.ones_like(fake_output), fake_output)
            d_loss = (self.loss_fn(tf.ones_like(real_output), real_output)
                      + self.loss_fn(tf.zeros_like(fake_output), fake_output))
        g_vars = self.generator.trainable_variables
        d_vars = self.discriminator.trainable_variables
        self.g_optimizer.apply_gradients(zip(gen_tape.gradient(g_loss, g_vars), g_vars))
        self.d_optimizer.apply_gradients(zip(disc_tape.gradient(d_loss, d_vars), d_vars))
        return {"d_loss": d_loss, "g_loss": g_loss}

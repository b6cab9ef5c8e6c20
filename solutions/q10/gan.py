"""Reference solution for q10: a GAN as a keras.Model subclass with its own train_step."""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf
from keras import layers, ops


def build_generator(latent_dim: int, data_dim: int) -> keras.Model:
    """Maps noise `(B, latent_dim)` to samples `(B, data_dim)`; linear output (unbounded)."""
    return keras.Sequential([
        keras.Input(shape=(latent_dim,)),
        layers.Dense(32, activation="relu"),
        layers.Dense(32, activation="relu"),
        layers.Dense(data_dim),
    ], name="generator")


def build_discriminator(data_dim: int) -> keras.Model:
    """Maps samples `(B, data_dim)` to the probability `(B, 1)` that they are real."""
    return keras.Sequential([
        keras.Input(shape=(data_dim,)),
        layers.Dense(32, activation="relu"),
        layers.Dense(32, activation="relu"),
        layers.Dense(1, activation="sigmoid"),
    ], name="discriminator")


class GAN(keras.Model):
    """Alternates one discriminator update and one generator update per batch.

    Args:
        discriminator: samples to probabilities of being real, `(B, 1)`.
        generator: noise `(B, latent_dim)` to samples.
        latent_dim: size of the noise vectors.
    """

    def __init__(self, discriminator: keras.Model, generator: keras.Model, latent_dim: int,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.seed_generator = keras.random.SeedGenerator(1337)

    def compile(self, d_optimizer: keras.optimizers.Optimizer,
                g_optimizer: keras.optimizers.Optimizer, loss_fn: Any) -> None:
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

    @property
    def metrics(self) -> list[keras.metrics.Metric]:
        return [self.d_loss_tracker, self.g_loss_tracker]  # reset by fit at each epoch

    def train_step(self, real: Any) -> dict[str, Any]:
        batch_size = ops.shape(real)[0]

        # 1. The discriminator: real samples are labelled 1, generated ones 0.
        noise = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        fake = self.generator(noise, training=True)
        samples = ops.concatenate([real, fake], axis=0)
        labels = ops.concatenate([ops.ones((batch_size, 1)), ops.zeros((batch_size, 1))], axis=0)
        with tf.GradientTape() as tape:
            d_loss = self.loss_fn(labels, self.discriminator(samples, training=True))
        d_weights = self.discriminator.trainable_weights
        self.d_optimizer.apply_gradients(zip(tape.gradient(d_loss, d_weights), d_weights))

        # 2. The generator: it wants the discriminator to call its samples real (label 1).
        noise = keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            judged = self.discriminator(self.generator(noise, training=True), training=True)
            g_loss = self.loss_fn(ops.ones((batch_size, 1)), judged)
        g_weights = self.generator.trainable_weights
        self.g_optimizer.apply_gradients(zip(tape.gradient(g_loss, g_weights), g_weights))

        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}

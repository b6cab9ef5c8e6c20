"""q10: a generative adversarial network (GAN) with its own train_step.

Two networks play against each other. The discriminator D learns to tell real samples
(label 1) from generated ones (label 0); the generator G learns to turn noise into samples
that D calls real. In Keras 3 the clean way to alternate their updates is a keras.Model
subclass that overrides train_step: `fit` then calls it once per batch of real samples.

    train_step(real):
        1. D update:  fake = G(noise); d_loss = loss_fn([1...1, 0...0], D([real, fake]))
                      gradients w.r.t. D's weights only, applied with d_optimizer
        2. G update:  g_loss = loss_fn([1...1], D(G(noise)))   (G wants "real")
                      gradients w.r.t. G's weights only, applied with g_optimizer
        return {"d_loss": d_loss, "g_loss": g_loss}

What the hidden tests check:
    shape          the generator maps (B, latent_dim) to unbounded (B, data_dim) samples;
                   the discriminator maps (B, data_dim) to probabilities (B, 1).
    behaviour      with tiny networks and SGD, the discriminator update changes only the
                   discriminator's weights, down its loss; the generator update only the
                   generator's, towards "real"; the returned losses are finite and equal
                   loss_fn on the right labels.
    convergence    trained on a 1-D Gaussian far from 0, the generated mean moves to its mean.
"""

from __future__ import annotations

from typing import Any

import keras
import tensorflow as tf  # noqa: F401 - tf.GradientTape
from keras import layers, ops  # noqa: F401


def build_generator(latent_dim: int, data_dim: int) -> keras.Model:
    """A small MLP from noise (B, latent_dim) to samples (B, data_dim).

    The output layer has no activation: the data is a Gaussian away from 0, which a sigmoid
    (the seed's choice, for images in [0, 1]) or a tanh can never reach.
    """
    # TODO: keras.Sequential([keras.Input((latent_dim,)), Dense(..., "relu"), ...,
    # Dense(data_dim)])
    raise NotImplementedError("build_generator")


def build_discriminator(data_dim: int) -> keras.Model:
    """A small MLP from samples (B, data_dim) to the probability (B, 1) that they are real."""
    # TODO: ... ending in Dense(1, activation="sigmoid")
    raise NotImplementedError("build_discriminator")


class GAN(keras.Model):
    """A GAN whose train_step alternates one discriminator and one generator update.

    Args:
        discriminator: a model from samples to probabilities (B, 1).
        generator: a model from noise (B, latent_dim) to samples.
        latent_dim: the size of the noise vectors.
    """

    def __init__(self, discriminator: keras.Model, generator: keras.Model, latent_dim: int,
                 **kwargs: Any) -> None:
        # TODO: super().__init__(**kwargs), then keep the three arguments.
        raise NotImplementedError("GAN.__init__")

    def compile(self, d_optimizer: keras.optimizers.Optimizer,
                g_optimizer: keras.optimizers.Optimizer, loss_fn: Any) -> None:
        """Keep one optimizer per network and the loss function (call super().compile())."""
        # TODO
        raise NotImplementedError("GAN.compile")

    def train_step(self, real: Any) -> dict[str, Any]:
        """One discriminator update, then one generator update, on a batch of real samples.

        Args:
            real: a tensor of real samples (B, data_dim).

        Returns:
            {"d_loss": ..., "g_loss": ...}, the two losses of this step.
        """
        # TODO: see the module docstring. Draw noise with keras.random.normal((B, latent_dim))
        # or tf.random.normal; take each gradient w.r.t. one network's trainable_weights.
        raise NotImplementedError("GAN.train_step")

"""Visible tests for q10. Run them with `pytest exercises/q10`; the hidden tests go further."""

import keras
import numpy as np

from grader.testing import assert_finite, assert_shape, fail


def test_networks_have_the_contract_shapes(learner):
    generator = learner.build_generator(latent_dim=4, data_dim=2)
    discriminator = learner.build_discriminator(data_dim=2)
    noise = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")
    samples = assert_shape(generator(noise), (5, 2), "samples (5, 2) from noise (5, 4)",
                           "build_generator's last layer: Dense(data_dim)")
    p = assert_shape(discriminator(samples), (5, 1), "probabilities (5, 1)",
                     "build_discriminator's last layer: Dense(1, activation='sigmoid')")
    if np.any(p < 0) or np.any(p > 1):
        raise fail("probabilities in [0, 1]", f"{p.ravel()}", "a sigmoid output")


def test_one_train_step_returns_finite_d_loss_and_g_loss(learner):
    gan = learner.GAN(learner.build_discriminator(2), learner.build_generator(4, 2), 4)
    gan.compile(d_optimizer=keras.optimizers.Adam(1e-3), g_optimizer=keras.optimizers.Adam(1e-3),
                loss_fn=keras.losses.BinaryCrossentropy())
    real = np.random.default_rng(1).normal(size=(8, 2)).astype("float32")
    logs = gan.train_step(keras.ops.convert_to_tensor(real))
    if not isinstance(logs, dict) or not {"d_loss", "g_loss"} <= set(logs):
        raise fail("a dict with 'd_loss' and 'g_loss'", repr(logs),
                   "train_step's return value")
    for key in ("d_loss", "g_loss"):
        assert_finite(np.asarray(logs[key]), key, "the loss computed in train_step")

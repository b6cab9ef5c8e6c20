"""Hidden tests for q5, the autoencoder. MSEs and baselines are computed here from the
reconstructions the worker returns for held-out digits it never trained on."""

from __future__ import annotations

import numpy as np
import pytest

from grader.testing import assert_close, assert_finite, curve_details, curve_of, fail

LOOK_SHARED = ("build the encoder and the decoder once and make the autoencoder call them "
               "(decoder(encoder(inputs))), so all three models share the same layers")


@pytest.mark.shape
@pytest.mark.points(4)
@pytest.mark.parametrize("dims", [None, [64, 5], [20, 3]], ids=["defaults", "64-5", "20-3"])
def test_models_map_between_input_and_latent_shapes(submission, dims):
    input_dim, latent_dim = dims or (64, 8)
    rng = np.random.default_rng(input_dim + latent_dim)
    x = rng.uniform(size=(6, input_dim)).astype("float32")
    z = rng.normal(size=(6, latent_dim)).astype("float32")
    got = submission.call("shapes", dims=dims, x=x, z=z,
                          look_at="build_autoencoder's keras.Input sizes and last layers")
    expected = {"autoencoder": [6, input_dim], "encoder": [6, latent_dim],
                "decoder": [6, input_dim]}
    called = "build_autoencoder()" if dims is None else f"build_autoencoder({input_dim}, " \
                                                        f"{latent_dim})"
    for name, shape in expected.items():
        if got[name] != shape:
            raise fail(f"{called}: the {name} to output shape {shape} for 6 inputs",
                       f"{got[name]}",
                       "use input_dim and latent_dim (defaults 64 and 8) for keras.Input and "
                       "the width of the bottleneck and the last Dense layer")


@pytest.mark.shape
@pytest.mark.points(3)
def test_reconstructions_lie_in_the_unit_interval(submission, device):
    rng = np.random.default_rng(3)
    x = rng.uniform(size=(16, 64)).astype("float32")
    z = rng.uniform(-30, 30, size=(16, 8)).astype("float32")  # codes far from any training
    got = submission.call("outputs", device=device, x=x, z=z, look_at="the decoder's last layer")
    look = "end the decoder with Dense(input_dim, activation='sigmoid'): pixels live in [0, 1]"
    for name, what in (("autoencoder", "autoencoder(x)"), ("decoded", "decoder(z) for codes "
                                                                      "in [-30, 30]")):
        values = assert_finite(got[name], what, look)
        if values.min() < 0 or values.max() > 1:
            raise fail(f"{what} within [0, 1]",
                       f"values from {values.min():.3g} to {values.max():.3g}", look)


@pytest.mark.behaviour
@pytest.mark.claim
@pytest.mark.points(3)
def test_autoencoder_equals_decoder_of_encoder(submission, device):
    rng = np.random.default_rng(4)
    x = rng.uniform(size=(10, 64)).astype("float32")
    z = rng.normal(size=(10, 8)).astype("float32")
    got = submission.call("outputs", device=device, x=x, z=z, look_at=LOOK_SHARED)
    assert_close(got["autoencoder"], got["chained"],
                 "autoencoder(x) == decoder(encoder(x)) on a freshly built model",
                 LOOK_SHARED, rtol=1e-5, atol=1e-6)


def split_digits(digits, seed: int):
    """Flattened digits in [0, 1], split 1437 / 360 by a seeded permutation."""
    images = np.asarray(digits[0], "float32").reshape(len(digits[0]), -1)
    order = np.random.default_rng(seed).permutation(len(images))
    return images[order[:1437]], images[order[1437:]]


_TRAINED: dict[tuple[int, int], dict] = {}


def trained_reconstructions(submission, seed: int, digits) -> dict:
    """One training run per submission and seed, shared by the tests that judge it."""
    key = (id(submission), seed)
    if key not in _TRAINED:
        x_train, x_eval = split_digits(digits, seed)
        got = submission.call("train_and_reconstruct", x_train=x_train, x_eval=x_eval,
                              latent_dim=8, epochs=EPOCHS, init_seed=seed, timeout=150,
                              look_at="build_autoencoder: the autoencoder must train with "
                                      "fit(x, x)")
        baseline = float(np.mean((x_eval - x_train.mean(axis=0)) ** 2))
        _TRAINED[key] = {
            name: float(np.mean((assert_finite(got[name], f"{name} reconstructions",
                                               "the model's outputs") - x_eval) ** 2))
            / baseline
            for name in ("autoencoder", "chained")
        }

        def ratio(reconstructions: np.ndarray) -> float:
            error = np.asarray(reconstructions, np.float64).reshape(x_eval.shape) - x_eval
            return float(np.mean(error**2)) / baseline

        # The autoencoder's ratio after each epoch, the last one the verdict's: for feedback.
        _TRAINED[key]["curve"] = curve_of(got["per_epoch"], ratio,
                                          final=_TRAINED[key]["autoencoder"])
    return _TRAINED[key]


def run_reconstruction(submission, seed: int, digits=None) -> float:
    """Held-out MSE of the autoencoder's reconstructions / MSE of the training mean image."""
    if digits is None:
        from sklearn.datasets import load_digits

        digits = ((load_digits().images / 16.0).astype("float32"),)
    return trained_reconstructions(submission, seed, digits)["autoencoder"]


EPOCHS = 20
# Sweep of the reference (bench/sweep.py q5, seeds 0-19): MSE ratio min 0.256, mean 0.276,
# max (worst) 0.297, 2.2-2.8 s a run; the catalogue's "at most half the mean image's MSE"
# leaves a margin of 0.2 above the worst seed.
MAX_MSE_RATIO = 0.5
# Training the autoencoder must train the shared encoder and decoder: chained through them,
# held-out digits are reconstructed far better than by the mean image. For the reference the
# chained ratio equals the autoencoder's (worst 0.297 over the sweep); untrained it is > 1.
MAX_CHAINED_RATIO = 0.8


@pytest.mark.behaviour
@pytest.mark.points(4)
def test_training_the_autoencoder_trains_the_encoder_and_decoder(submission, digits):
    ratio = trained_reconstructions(submission, 0, digits)["chained"]
    if ratio > MAX_CHAINED_RATIO:
        raise fail(f"after training only the autoencoder, decoder(encoder(x)) on held-out "
                   f"digits with at most {MAX_CHAINED_RATIO:.0%} of the mean image's MSE",
                   f"{ratio:.0%} of it: the encoder and decoder did not learn", LOOK_SHARED)


@pytest.mark.convergence
@pytest.mark.points(6)
def test_reconstruction_beats_the_mean_image_by_half(submission, digits):
    trained = trained_reconstructions(submission, 0, digits)
    ratio = trained["autoencoder"]
    if ratio > MAX_MSE_RATIO:
        raise fail(f"held-out reconstruction MSE after {EPOCHS} epochs at most "
                   f"{MAX_MSE_RATIO:.0%} of the MSE of predicting the training mean image",
                   f"{ratio:.0%} of it",
                   "the decoder's sigmoid output, enough width before and after the "
                   "bottleneck, and no activation that caps the reconstruction (softmax)",
                   details=curve_details(trained["curve"], MAX_MSE_RATIO, final=ratio))

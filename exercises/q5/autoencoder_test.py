"""Visible tests for q5. Run them with `pytest exercises/q5`; the hidden tests go further."""

import numpy as np

from grader.testing import assert_close, assert_shape, fail


def _three(learner, *args):
    built = learner.build_autoencoder(*args)
    if not isinstance(built, (tuple, list)) or len(built) != 3:
        raise fail("three models (autoencoder, encoder, decoder)", repr(built)[:80],
                   "the return statement of build_autoencoder")
    return built


def test_encoder_outputs_the_latent_code(learner):
    _, encoder, _ = _three(learner)
    assert_shape(encoder(np.zeros((2, 64), "float32")), (2, 8),
                 "codes of size latent_dim=8 for 2 inputs of size 64", "the encoder's last layer")


def test_decoder_outputs_pixels_in_0_1(learner):
    _, _, decoder = _three(learner, 64, 4)
    out = np.asarray(decoder(np.linspace(-5, 5, 12, dtype="float32").reshape(3, 4)))
    assert_shape(out, (3, 64), "3 decoded images of size 64", "the decoder's last layer")
    if out.min() < 0 or out.max() > 1:
        raise fail("decoded values in [0, 1]", f"{out.min():.3g} to {out.max():.3g}",
                   "activation='sigmoid' on the decoder's last layer")


def test_autoencoder_is_the_decoder_of_the_encoder(learner):
    autoencoder, encoder, decoder = _three(learner)
    x = np.random.default_rng(0).uniform(size=(4, 64)).astype("float32")
    assert_close(autoencoder(x), decoder(encoder(x)), "autoencoder(x) == decoder(encoder(x))",
                 "the autoencoder must call the encoder and decoder you return",
                 rtol=1e-5, atol=1e-6)

"""Worker-side half of q5's hidden tests: build, call and train the learner's autoencoder on
inputs the tests send; return raw outputs (the tests compute shapes' verdicts and MSEs)."""

from __future__ import annotations

from typing import Any

import keras
import numpy as np

from grader.errors import ProbeResultError
from grader.probing import every_epoch


def _array(value: Any, what: str) -> np.ndarray:
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ProbeResultError(f"q5: {what} returned {type(value).__name__}") from None


def _build(sub: Any, dims: list[int] | None) -> tuple[Any, Any, Any]:
    built = sub.build_autoencoder() if dims is None else sub.build_autoencoder(*dims)
    if not isinstance(built, (tuple, list)) or len(built) != 3:
        raise ProbeResultError("q5: build_autoencoder should return three models: "
                               f"(autoencoder, encoder, decoder), not {type(built).__name__}")
    return tuple(built)


def shapes(sub: Any, *, dims: list[int] | None, x: np.ndarray, z: np.ndarray) -> dict[str, Any]:
    """Output shapes of the three models (dims None: the default arguments)."""
    autoencoder, encoder, decoder = _build(sub, dims)
    return {
        "autoencoder": list(np.shape(_array(autoencoder(x), "autoencoder(x)"))),
        "encoder": list(np.shape(_array(encoder(x), "encoder(x)"))),
        "decoder": list(np.shape(_array(decoder(z), "decoder(z)"))),
    }


def outputs(sub: Any, *, x: np.ndarray, z: np.ndarray) -> dict[str, np.ndarray]:
    """The untrained models' outputs: autoencoder(x), decoder(encoder(x)) and decoder(z)."""
    autoencoder, encoder, decoder = _build(sub, [x.shape[1], z.shape[1]])
    return {
        "autoencoder": _array(autoencoder(x), "autoencoder(x)"),
        "chained": _array(decoder(encoder(x)), "decoder(encoder(x))"),
        "decoded": _array(decoder(z), "decoder(z)"),
    }


def train_and_reconstruct(
    sub: Any, *, x_train: np.ndarray, x_eval: np.ndarray, latent_dim: int, epochs: int,
    init_seed: int,
) -> dict[str, np.ndarray]:
    """Train the autoencoder alone (recompiled: Adam 5e-3, MSE), then reconstruct x_eval
    through the autoencoder and through encoder-then-decoder; with the autoencoder's
    reconstructions after each earlier epoch (for the feedback's curve)."""
    keras.utils.set_random_seed(init_seed)
    autoencoder, encoder, decoder = _build(sub, [x_train.shape[1], latent_dim])
    autoencoder.compile(optimizer=keras.optimizers.Adam(5e-3), loss="mse")
    epoch_ends = every_epoch(
        lambda: np.asarray(autoencoder(x_eval, training=False), dtype=np.float32), epochs)
    autoencoder.fit(x_train, x_train, epochs=epochs, batch_size=64, verbose=0,
                    callbacks=[epoch_ends])
    codes = encoder.predict(x_eval, verbose=0)
    return {
        "autoencoder": _array(autoencoder.predict(x_eval, verbose=0), "autoencoder.predict"),
        "chained": _array(decoder.predict(codes, verbose=0), "decoder.predict(encoder...)"),
        "per_epoch": epoch_ends.outputs,
    }

"""Worker-side half of q10's hidden tests: drive the learner's GAN, return data.

For the update tests the probe builds two tiny networks with Keras' own layers and the
test's weights: a logistic discriminator `D(x) = sigmoid(x . w + b)` and a generator that
outputs one trainable vector `c` whatever the noise. So every generated sample is `c`, and
the grading process can compute the losses and the direction of every update itself,
whatever noise the learner's train_step draws.
"""

from __future__ import annotations

from typing import Any

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from grader.errors import ProbeResultError
from grader.probing import every_epoch


class ConstantGenerator(keras.layers.Layer):
    """G(z) = c for every noise vector z (c is the only weight)."""

    def __init__(self, data_dim: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_dim = data_dim

    def build(self, input_shape: Any) -> None:
        self.c = self.add_weight(name="c", shape=(self.data_dim,), initializer="zeros")

    def call(self, z: Any) -> Any:
        return 0.0 * ops.sum(z, axis=-1, keepdims=True) + self.c


def _array(value: Any, what: str) -> np.ndarray:
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ProbeResultError(f"q10: {what} returned {type(value).__name__}") from None


def _logs(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ProbeResultError(
            f"q10: GAN.train_step returned {type(value).__name__}; expected a dict of losses")
    logs = {}
    for key, item in value.items():
        array = _array(item, f"train_step's {key!r}")
        logs[str(key)] = float(array.reshape(-1)[0]) if array.size == 1 else array
    return logs


def _built(model: Any, width: int) -> Any:
    model(np.zeros((1, width), "float32"))  # builds models made without keras.Input
    return model


def _assign(model: Any, weights: list[np.ndarray]) -> None:
    variables = model.trainable_weights
    if len(variables) != len(weights):
        raise ProbeResultError(f"q10: the model now holds {len(variables)} trainable weights, "
                               f"not the {len(weights)} it reported before")
    for variable, value in zip(variables, weights, strict=True):
        variable.assign(np.asarray(value, "float32"))


def network_shapes(sub: Any, *, network: str, latent_dim: int, data_dim: int) -> list[list[int]]:
    if network == "generator":
        model = _built(sub.build_generator(latent_dim, data_dim), latent_dim)
    else:
        model = _built(sub.build_discriminator(data_dim), data_dim)
    return [[int(d) for d in w.shape] for w in model.trainable_weights]


def network_outputs(
    sub: Any, *, network: str, latent_dim: int, data_dim: int, weights: list[np.ndarray],
    x: np.ndarray,
) -> np.ndarray:
    """The network (trainable weights set by the test) on x, in inference mode."""
    if network == "generator":
        model = _built(sub.build_generator(latent_dim, data_dim), latent_dim)
    else:
        model = _built(sub.build_discriminator(data_dim), data_dim)
    _assign(model, weights)
    return _array(model(x, training=False), f"build_{network}(...)(x)")


def one_step(
    sub: Any, *, latent_dim: int, d_kernel: np.ndarray, d_bias: np.ndarray, c: np.ndarray,
    real: np.ndarray, lr_d: float, lr_g: float,
) -> dict[str, Any]:
    """One GAN.train_step on the tiny networks with SGD(lr_d) and SGD(lr_g); weights after."""
    data_dim = real.shape[1]
    discriminator = keras.Sequential(
        [keras.Input((data_dim,)), keras.layers.Dense(1, activation="sigmoid")])
    discriminator.set_weights([d_kernel, d_bias])
    generator = keras.Sequential([keras.Input((latent_dim,)), ConstantGenerator(data_dim)])
    generator.set_weights([c])
    gan = sub.GAN(discriminator, generator, latent_dim)
    gan.compile(d_optimizer=keras.optimizers.SGD(lr_d), g_optimizer=keras.optimizers.SGD(lr_g),
                loss_fn=keras.losses.BinaryCrossentropy())
    logs = _logs(gan.train_step(tf.constant(real)))
    kernel, bias = discriminator.get_weights()
    return {"logs": logs, "d_kernel": kernel, "d_bias": bias, "c": generator.get_weights()[0]}


def train_gan(
    sub: Any, *, real: np.ndarray, latent_dim: int, epochs: int, batch_size: int,
    learning_rate: float, z_eval: np.ndarray, init_seed: int,
) -> dict[str, Any]:
    """Fit the learner's GAN on batches of real samples; return samples for the test's noise,
    after training and after each earlier epoch (for the feedback's curve)."""
    keras.utils.set_random_seed(init_seed)
    data_dim = real.shape[1]
    generator = sub.build_generator(latent_dim, data_dim)
    gan = sub.GAN(sub.build_discriminator(data_dim), generator, latent_dim)
    gan.compile(d_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5),
                g_optimizer=keras.optimizers.Adam(learning_rate, beta_1=0.5),
                loss_fn=keras.losses.BinaryCrossentropy())
    dataset = (tf.data.Dataset.from_tensor_slices(real)
               .shuffle(len(real), seed=init_seed).batch(batch_size, drop_remainder=True))
    epoch_ends = every_epoch(
        lambda: np.asarray(generator(z_eval, training=False), np.float32), epochs)
    history = gan.fit(dataset, epochs=epochs, shuffle=False, verbose=0,
                      callbacks=[epoch_ends]).history
    return {
        "samples": _array(generator(z_eval, training=False), "the trained generator"),
        "d_loss": [float(v) for v in history.get("d_loss", [])],
        "g_loss": [float(v) for v in history.get("g_loss", [])],
        "per_epoch": epoch_ends.outputs,
    }

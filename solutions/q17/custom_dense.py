"""Reference solution for q17: a Dense layer written by hand."""

from __future__ import annotations

from typing import Any

import keras


@keras.saving.register_keras_serializable(package="kata")
class CustomDense(keras.layers.Layer):
    """Just your regular densely-connected layer: `activation(inputs @ kernel + bias)`.

    Args:
        units: size of the last axis of the output.
        activation: a name (`"relu"`), a callable, or None for the identity.
        **kwargs: passed to `keras.layers.Layer` (name, dtype, ...).

    Call arguments:
        inputs: a tensor of shape `(..., input_dim)`, of rank 2 or more.

    Returns:
        A tensor of shape `(..., units)`.
    """

    def __init__(self, units: int, activation: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.units = int(units)
        self.activation = keras.activations.get(activation)

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        self.kernel = self.add_weight(
            name="kernel", shape=(input_shape[-1], self.units), initializer="glorot_uniform"
        )
        self.bias = self.add_weight(name="bias", shape=(self.units,), initializer="zeros")

    def call(self, inputs: Any) -> Any:
        return self.activation(keras.ops.matmul(inputs, self.kernel) + self.bias)

    def compute_output_shape(self, input_shape: tuple[int | None, ...]) -> tuple[int | None, ...]:
        return (*input_shape[:-1], self.units)

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {"units": self.units, "activation": keras.activations.serialize(self.activation)}
        )
        return config

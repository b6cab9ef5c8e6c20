"""Reference solution for q30: one multilayer perceptron built three ways.

The Sequential API stacks layers, the Functional API wires `keras.Input` through layers into
a graph, and subclassing `keras.Model` writes the forward pass by hand. All three give the
same architecture: `Dense(h, "relu")` for each width in `hidden_units`, then
`Dense(output_units, "sigmoid")`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
from keras import layers


def _dense_stack(hidden_units: Sequence[int], output_units: int) -> list[layers.Layer]:
    """The layers of the MLP in forward order."""
    stack = [layers.Dense(int(units), activation="relu") for units in hidden_units]
    stack.append(layers.Dense(int(output_units), activation="sigmoid"))
    return stack


def build_sequential(
    input_dim: int = 10, hidden_units: Sequence[int] = (64, 32), output_units: int = 1
) -> keras.Sequential:
    """A built `keras.Sequential` MLP from `(B, input_dim)` to `(B, output_units)`."""
    return keras.Sequential(
        [keras.Input(shape=(input_dim,)), *_dense_stack(hidden_units, output_units)]
    )


def build_functional(
    input_dim: int = 10, hidden_units: Sequence[int] = (64, 32), output_units: int = 1
) -> keras.Model:
    """The same MLP as a Functional model: `keras.Input` wired through each layer."""
    inputs = keras.Input(shape=(input_dim,))
    x = inputs
    for layer in _dense_stack(hidden_units, output_units):
        x = layer(x)
    return keras.Model(inputs=inputs, outputs=x)


@keras.saving.register_keras_serializable(package="kata")
class MLP(keras.Model):
    """The same MLP as a `keras.Model` subclass with its own `call`.

    Args:
        hidden_units: widths of the ReLU layers, in order.
        output_units: width of the sigmoid output layer.
        **kwargs: passed to `keras.Model` (name, dtype, ...).
    """

    def __init__(
        self, hidden_units: Sequence[int] = (64, 32), output_units: int = 1, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.hidden_units = tuple(int(units) for units in hidden_units)
        self.output_units = int(output_units)
        # Created in forward order, so `weights` lists kernel, bias of each layer in turn.
        self.dense_layers = _dense_stack(self.hidden_units, self.output_units)

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        for layer in self.dense_layers:
            layer.build(input_shape)
            input_shape = layer.compute_output_shape(input_shape)

    def call(self, inputs: Any) -> Any:
        x = inputs
        for layer in self.dense_layers:
            x = layer(x)
        return x

    def get_config(self) -> dict[str, Any]:
        config = super().get_config()
        config.update(
            {"hidden_units": list(self.hidden_units), "output_units": self.output_units}
        )
        return config

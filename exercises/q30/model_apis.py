"""q30: three ways to build the same model in Keras 3.

Build one multilayer perceptron (MLP) three times:

* `build_sequential`: a `keras.Sequential` stack of layers;
* `build_functional`: the Functional API, `keras.Input` wired through layers into
  `keras.Model(inputs, outputs)`;
* `MLP`: a `keras.Model` subclass that creates its layers in `__init__` and writes the
  forward pass in `call`.

The architecture is the same everywhere: `Dense(h, activation="relu")` for each `h` in
`hidden_units`, in order, then `Dense(output_units, activation="sigmoid")`. With the
defaults that is the seed's 10 -> 64 -> 32 -> 1 network. See the README beside this file.

What the hidden tests check:
    shape          weight shapes (kernel, bias of each layer, input to output) and
                   parameter counts, for the defaults and other widths.
    behaviour      outputs equal a NumPy relu/sigmoid forward pass with weights the test
                   sends; `b.set_weights(a.get_weights())` copies between any two APIs;
                   one `fit` step with SGD changes the weights as plain gradient descent
                   does; the Functional model is not a Sequential and MLP subclasses Model.
    serialization  each model survives a `.keras` save and a safe-mode load with non-default
                   widths; `MLP.from_config(mlp.get_config())` rebuilds the same network.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
from keras import layers  # noqa: F401


def build_sequential(
    input_dim: int = 10, hidden_units: Sequence[int] = (64, 32), output_units: int = 1
) -> keras.Sequential:
    """The MLP as a `keras.Sequential` model, built (it has its weights when returned).

    Args:
        input_dim: number of input features.
        hidden_units: widths of the ReLU layers, in order.
        output_units: width of the sigmoid output layer.

    Returns:
        An uncompiled `keras.Sequential` mapping `(B, input_dim)` to `(B, output_units)`.

    Tested: weight shapes, outputs with given weights, `.keras` round trip.
    """
    # TODO: keras.Sequential([keras.Input(shape=(input_dim,)), Dense(...), ...])
    raise NotImplementedError("build_sequential")


def build_functional(
    input_dim: int = 10, hidden_units: Sequence[int] = (64, 32), output_units: int = 1
) -> keras.Model:
    """The same MLP with the Functional API: `keras.Input` -> layers -> `keras.Model`.

    Args:
        input_dim: number of input features.
        hidden_units: widths of the ReLU layers, in order.
        output_units: width of the sigmoid output layer.

    Returns:
        An uncompiled Functional `keras.Model` (not a Sequential).

    Tested: weight shapes, outputs with given weights, `.keras` round trip, its class.
    """
    # TODO: inputs = keras.Input(...); x = inputs; x = layer(x) for each layer; keras.Model
    raise NotImplementedError("build_functional")


# TODO: register the class so that `.keras` files can find it when loading.
class MLP(keras.Model):
    """The same MLP as a `keras.Model` subclass with its own `call`.

    Args:
        hidden_units: widths of the ReLU layers, in order.
        output_units: width of the sigmoid output layer.
        **kwargs: passed on to `keras.Model` (name, dtype, ...).

    The model has no input size of its own: its weights appear on the first call (or in
    `build((None, input_dim))` if you write a `build` method). Tested: weight order,
    outputs with given weights, `get_config`/`from_config`, `.keras` round trip.
    """

    def __init__(
        self, hidden_units: Sequence[int] = (64, 32), output_units: int = 1, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        # TODO: store the arguments and create the Dense layers in forward order.
        raise NotImplementedError("MLP.__init__")

    def call(self, inputs: Any) -> Any:
        """Run `inputs` through the hidden layers, then the output layer."""
        # TODO
        raise NotImplementedError("MLP.call")

    def get_config(self) -> dict[str, Any]:
        """Return super().get_config() plus `hidden_units` and `output_units`."""
        # TODO
        raise NotImplementedError("MLP.get_config")

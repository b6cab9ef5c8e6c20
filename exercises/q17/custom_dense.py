"""q17: a custom layer. Write `CustomDense`, a Dense layer built by hand.

Keras layers follow one pattern (see the README beside this file):

* `__init__` stores the settings (`units`, `activation`) and passes `**kwargs` on;
* `build(input_shape)` creates the weights once the input size is known;
* `call(inputs)` computes the output;
* `get_config()` returns the settings as plain JSON so the layer can be saved and rebuilt.

What the hidden tests check:
    shape          weights named `kernel` (input_dim, units) and `bias` (units,); rank-2 and
                   rank-3 inputs give (..., units).
    behaviour      outputs equal `keras.layers.Dense` holding the same weights.
    gradient       d(sum(output * dy)) / d(kernel) equals x^T dy.
    serialization  get_config has `units` and `activation` (string or callable given), and
                   a model holding the layer survives a `.keras` save and load.
"""

from __future__ import annotations

from typing import Any

import keras


# TODO: register the class so `.keras` files can find it when loading.
class CustomDense(keras.layers.Layer):
    """A densely-connected layer: `activation(inputs @ kernel + bias)`.

    Args:
        units: size of the last axis of the output.
        activation: a name such as `"relu"`, a callable, or None for the identity.
        **kwargs: passed on to `keras.layers.Layer` (name, dtype, ...).
    """

    def __init__(self, units: int, activation: Any = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # TODO: store `units` and the activation (hint: keras.activations.get).
        raise NotImplementedError("CustomDense.__init__")

    def build(self, input_shape: tuple[int | None, ...]) -> None:
        """Create `kernel` of shape (input_shape[-1], units) and `bias` of shape (units,)."""
        # TODO: self.kernel = self.add_weight(...); self.bias = self.add_weight(...)
        raise NotImplementedError("CustomDense.build")

    def call(self, inputs: Any) -> Any:
        """Return activation(inputs @ kernel + bias) for inputs of rank 2 or more."""
        # TODO
        raise NotImplementedError("CustomDense.call")

    def get_config(self) -> dict[str, Any]:
        """Return super().get_config() plus `units` and the serialized activation."""
        # TODO
        raise NotImplementedError("CustomDense.get_config")

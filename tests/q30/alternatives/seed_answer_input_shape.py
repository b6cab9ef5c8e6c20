"""q30 alternative: the seed's own answer (theory Q4), generalised to the arguments.

The seed builds the Sequential model with `input_shape=` on its first layer (a Keras-2
habit Keras 3 still accepts, with a warning), the Functional model with `keras.Input`, and
has no subclass; the MLP here keeps its layers as separate attributes, relies on Keras to
build it on the first call, and is registered through `keras.utils`.
"""

import keras
from keras import layers


def build_sequential(input_dim=10, hidden_units=(64, 32), output_units=1):
    first, *rest = hidden_units
    stack = [layers.Dense(first, activation="relu", input_shape=(input_dim,))]
    stack += [layers.Dense(units, activation="relu") for units in rest]
    stack.append(layers.Dense(output_units, activation="sigmoid"))
    return keras.Sequential(stack)


def build_functional(input_dim=10, hidden_units=(64, 32), output_units=1):
    inputs = keras.Input(shape=(input_dim,))
    x = inputs
    for units in hidden_units:
        x = layers.Dense(units, activation="relu")(x)
    outputs = layers.Dense(output_units, activation="sigmoid")(x)
    return keras.Model(inputs=inputs, outputs=outputs)


@keras.utils.register_keras_serializable()
class MLP(keras.Model):
    def __init__(self, hidden_units=(64, 32), output_units=1, **kwargs):
        super().__init__(**kwargs)
        self.hidden_units = list(hidden_units)
        self.output_units = output_units
        self.hidden = [layers.Dense(units, activation="relu") for units in hidden_units]
        self.out = layers.Dense(output_units, activation="sigmoid")

    def call(self, inputs):
        x = inputs
        for layer in self.hidden:
            x = layer(x)
        return self.out(x)

    def get_config(self):
        return {**super().get_config(), "hidden_units": self.hidden_units,
                "output_units": self.output_units}

"""q30 alternative: `Sequential.add` with an `InputLayer`, activations as separate layers,
and an MLP that applies `keras.ops` activations to linear Dense layers."""

from __future__ import annotations

import keras
from keras import layers, ops


def build_sequential(input_dim=10, hidden_units=(64, 32), output_units=1):
    model = keras.Sequential(name="mlp_sequential")
    model.add(layers.InputLayer(shape=(input_dim,)))
    for units in hidden_units:
        model.add(layers.Dense(units))
        model.add(layers.Activation("relu"))
    model.add(layers.Dense(output_units))
    model.add(layers.Activation("sigmoid"))
    return model


def build_functional(input_dim=10, hidden_units=(64, 32), output_units=1):
    inputs = keras.Input(shape=(input_dim,), name="features")
    x = inputs
    for units in hidden_units:
        x = layers.ReLU()(layers.Dense(units)(x))
    x = layers.Dense(output_units)(x)
    return keras.Model(inputs, layers.Activation("sigmoid")(x), name="mlp_functional")


@keras.saving.register_keras_serializable(package="alt")
class MLP(keras.Model):
    def __init__(self, hidden_units=(64, 32), output_units=1, **kwargs):
        super().__init__(**kwargs)
        self.hidden_units = tuple(hidden_units)
        self.output_units = output_units
        self.denses = [layers.Dense(units) for units in (*self.hidden_units, output_units)]

    def call(self, inputs):
        x = inputs
        for dense in self.denses[:-1]:
            x = ops.relu(dense(x))
        return ops.sigmoid(self.denses[-1](x))

    def get_config(self):
        config = super().get_config()
        config["hidden_units"] = list(self.hidden_units)
        config["output_units"] = self.output_units
        return config

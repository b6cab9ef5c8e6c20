"""Another correct q17: tf.tensordot, keras.utils registration, add_weight with explicit
initializer objects, and no compute_output_shape."""

import keras
import tensorflow as tf


@keras.utils.register_keras_serializable(package="alt")
class CustomDense(keras.layers.Layer):
    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel",
                                      initializer=keras.initializers.GlorotUniform(),
                                      trainable=True)
        self.bias = self.add_weight(shape=(self.units,), name="bias",
                                    initializer=keras.initializers.Zeros(), trainable=True)

    def call(self, inputs):
        return self.activation(tf.tensordot(inputs, self.kernel, axes=1) + self.bias)

    def get_config(self):
        config = super().get_config()
        config["units"] = self.units
        config["activation"] = keras.activations.serialize(self.activation)
        return config

"""The seed's answer to coding question 9, adapted only where Keras 3 and the contract force it.

Changes from the seed: `import keras` (tf.keras 2 idioms such as `keras.saving` are missing
from `tensorflow.keras` in TF 2.21); the class is named AttentionPooling and registered so a
.keras file can find it; `__init__` takes **kwargs (Keras 3's from_config passes name, dtype,
trainable); call() takes the mask and return_attention_scores of the contract. The weights,
tf ops and the softmax are the seed's; get_config is left to Keras 3's automatic one; the
classifier is the seed's MultiHeadAttention model built for the given sizes.
"""

import keras
import tensorflow as tf
from keras import layers


@keras.saving.register_keras_serializable()
class AttentionPooling(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.W = self.add_weight(
            shape=(input_shape[-1], self.units),
            initializer='glorot_uniform',
            trainable=True
        )
        self.b = self.add_weight(
            shape=(self.units,),
            initializer='zeros',
            trainable=True
        )
        self.u = self.add_weight(
            shape=(self.units,),
            initializer='glorot_uniform',
            trainable=True
        )

    def call(self, x, mask=None, return_attention_scores=False):
        # x shape: (batch, seq_len, features)
        score = tf.tanh(tf.tensordot(x, self.W, axes=1) + self.b)
        logits = tf.tensordot(score, self.u, axes=1)
        if mask is not None:
            logits += (1.0 - tf.cast(mask, logits.dtype)) * -1e9
        attention_weights = tf.nn.softmax(logits, axis=1)
        context = tf.reduce_sum(x * tf.expand_dims(attention_weights, -1), axis=1)
        if return_attention_scores:
            return context, attention_weights
        return context


def build_attention_classifier(vocab_size, max_length):
    # Using built-in MultiHeadAttention
    inputs = keras.Input(shape=(max_length,))
    x = layers.Embedding(vocab_size, 128)(inputs)
    x = layers.MultiHeadAttention(num_heads=4, key_dim=32)(x, x)
    x = layers.GlobalAveragePooling1D()(x)
    outputs = layers.Dense(1, activation='sigmoid')(x)

    attention_model = keras.Model(inputs, outputs)
    attention_model.compile(optimizer='adam', loss='binary_crossentropy')
    return attention_model

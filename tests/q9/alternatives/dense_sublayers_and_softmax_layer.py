"""Another correct q9: the scorer as two Dense sublayers, the mask handled by
keras.layers.Softmax, an einsum for the pooling, utils registration; the classifier is a
post-norm Transformer block with max pooling over time."""

import keras
from keras import ops


@keras.utils.register_keras_serializable(package="alternative")
class AttentionPooling(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = keras.layers.Dense(units, activation="tanh")
        self.score = keras.layers.Dense(1, use_bias=False)
        self.softmax = keras.layers.Softmax(axis=-1)
        self.supports_masking = True

    def build(self, input_shape):
        self.hidden.build(input_shape)
        self.score.build((*input_shape[:-1], self.units))

    def call(self, x, mask=None, return_attention_scores=False):
        logits = ops.squeeze(self.score(self.hidden(x)), axis=-1)
        scores = self.softmax(logits, mask=None if mask is None else ops.cast(mask, "bool"))
        context = ops.einsum("bt,btf->bf", scores, x)
        return (context, scores) if return_attention_scores else context

    def compute_mask(self, x, mask=None):
        return None

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def build_attention_classifier(vocab_size, max_length):
    tokens = keras.Input((max_length,), dtype="int32")
    embedded = keras.layers.Embedding(vocab_size, 24)(tokens)
    attended = keras.layers.MultiHeadAttention(num_heads=3, key_dim=8)(embedded, embedded)
    x = keras.layers.LayerNormalization()(embedded + attended)
    x = keras.layers.GlobalMaxPooling1D()(x)
    outputs = keras.layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(tokens, outputs)
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model

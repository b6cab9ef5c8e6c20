"""Another correct q25, the seed's own answer adapted to Keras 3: an integer StringLookup
followed by CategoryEncoding (the seed names both layers) in a Sequential, and
keras.utils.to_categorical for the labels (the seed's tf.keras.utils.to_categorical)."""

import keras


def build_category_encoder(vocabulary, output_mode="one_hot"):
    lookup = keras.layers.StringLookup(vocabulary=vocabulary, output_mode="int")
    if output_mode == "int":
        return lookup
    return keras.Sequential(
        [lookup, keras.layers.CategoryEncoding(num_tokens=len(vocabulary) + 1,
                                               output_mode="one_hot")]
    )


def to_one_hot(labels, num_classes):
    return keras.utils.to_categorical(labels, num_classes)

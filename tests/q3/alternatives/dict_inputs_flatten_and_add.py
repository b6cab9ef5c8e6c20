"""Another correct q3: the Model built from a dict of inputs (`inputs={"image": ...,
"metadata": ...}`), a Flatten image branch, branches merged by projecting both to the same
width and adding them, a separate softmax Activation layer named `class`, and compile with
objects."""

import keras
from keras import layers


def build_multi_input_model(image_shape=(16, 16, 3), meta_dim=10, num_classes=5):
    inputs = {
        "image": keras.Input(image_shape, name="image"),
        "metadata": keras.Input((meta_dim,), name="metadata"),
    }
    pixels = layers.Conv2D(8, 3, strides=2, padding="same", activation="relu")(inputs["image"])
    pixels = layers.Dense(48, activation="relu")(layers.Flatten()(pixels))
    facts = layers.Dense(48, activation="relu")(inputs["metadata"])
    joined = layers.Add()([pixels, facts])
    hidden = layers.Dense(64, activation="relu")(layers.Activation("relu")(joined))
    logits = layers.Dense(num_classes)(hidden)
    output = layers.Activation("softmax", name="class")(logits)
    model = keras.Model(inputs=inputs, outputs=output)
    model.compile(optimizer=keras.optimizers.Adam(),
                  loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy()])
    return model

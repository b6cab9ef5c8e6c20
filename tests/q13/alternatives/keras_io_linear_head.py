"""Another correct q13, the keras.io transfer-learning guide's pattern: a Functional model
calling the base with training=False, a linear head (pooling, Dropout, Dense), and the base
found by type when unfreezing."""

import keras


def build_transfer_model(base_model, num_classes):
    base_model.trainable = False
    inputs = keras.Input(shape=base_model.input_shape[1:])
    x = base_model(inputs, training=False)
    x = keras.layers.GlobalAveragePooling2D()(x)
    x = keras.layers.Dropout(0.2)(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(),
                  loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy()])
    return model


def unfreeze_top(model, n, learning_rate=1e-5):
    base = [layer for layer in model.layers if isinstance(layer, keras.Sequential)][0]
    base.trainable = True
    seen = 0
    for layer in reversed(base.layers):
        is_norm = isinstance(layer, keras.layers.BatchNormalization)
        layer.trainable = not is_norm and seen < n
        seen += 0 if is_norm else 1
    model.compile(optimizer=keras.optimizers.Adam(learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy()])

"""The seed's own answer (general Q3), adapted only where Keras 3 and the contract force it:
the base comes as an argument (no ImageNet download), the head's size from num_classes, and
fine-tuning counts only non-BatchNormalization layers and keeps BatchNormalization frozen
(the seed's `base_model.layers[:-20]` counts BatchNormalization layers and unfreezes them)."""

from tensorflow import keras  # the seed's import: tf.keras is Keras 3 in TF 2.21
from tensorflow.keras import layers


def build_transfer_model(base_model, num_classes):
    # Freeze base model
    base_model.trainable = False

    # Add new layers
    model = keras.Sequential([
        base_model,
        layers.GlobalAveragePooling2D(),
        layers.Dense(256, activation='relu'),
        layers.Dropout(0.5),
        layers.Dense(num_classes, activation='softmax')
    ])

    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.001),
        loss='sparse_categorical_crossentropy',
        metrics=['accuracy']
    )
    return model


def unfreeze_top(model, n, learning_rate=1e-5):
    base_model = model.layers[0]
    # Fine-tuning: unfreeze some layers
    base_model.trainable = True
    top = [layer for layer in base_model.layers
           if not isinstance(layer, layers.BatchNormalization)][-n:]
    for layer in base_model.layers:
        if layer not in top:
            layer.trainable = False

    # Lower learning rate for fine-tuning
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss='sparse_categorical_crossentropy',
        metrics=['accuracy']
    )

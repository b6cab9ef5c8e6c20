"""The seed's own answer (coding question 3), adapted only where the contract forces it: the
image shape, metadata size and class count come from the arguments, and the model is
returned instead of printed with summary(). Everything else is the seed as written."""

from tensorflow import keras
from tensorflow.keras import layers


def build_multi_input_model(image_shape=(16, 16, 3), meta_dim=10, num_classes=5):
    # Multi-input model: Image + Metadata

    # Image input branch
    image_input = keras.Input(shape=image_shape, name='image')
    x1 = layers.Conv2D(32, 3, activation='relu')(image_input)
    x1 = layers.MaxPooling2D()(x1)
    x1 = layers.Conv2D(64, 3, activation='relu')(x1)
    x1 = layers.GlobalAveragePooling2D()(x1)

    # Metadata input branch
    meta_input = keras.Input(shape=(meta_dim,), name='metadata')
    x2 = layers.Dense(32, activation='relu')(meta_input)
    x2 = layers.Dense(16, activation='relu')(x2)

    # Merge branches
    merged = layers.Concatenate()([x1, x2])
    x = layers.Dense(64, activation='relu')(merged)
    x = layers.Dropout(0.3)(x)

    # Output
    output = layers.Dense(num_classes, activation='softmax', name='class')(x)

    # Create model
    model = keras.Model(
        inputs=[image_input, meta_input],
        outputs=output
    )

    model.compile(
        optimizer='adam',
        loss='sparse_categorical_crossentropy',
        metrics=['accuracy']
    )
    return model

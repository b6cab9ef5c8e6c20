"""The seed's own answer (coding question 1), adapted only where the contract forces it:
`input_shape` and `num_classes` come from the arguments, and `padding='same'` lets an 8x8
digit survive two poolings. The rest is the seed as written, Keras-2 habits included
(`from tensorflow import keras`, `input_shape=` on the first layer), which Keras 3 accepts."""

from tensorflow import keras
from tensorflow.keras import layers


def build_cnn(input_shape=(8, 8, 1), num_classes=10):
    model = keras.Sequential([
        # First conv block
        layers.Conv2D(32, (3, 3), activation='relu', padding='same',
                      input_shape=input_shape),
        layers.BatchNormalization(),
        layers.MaxPooling2D((2, 2)),

        # Second conv block
        layers.Conv2D(64, (3, 3), activation='relu', padding='same'),
        layers.BatchNormalization(),
        layers.MaxPooling2D((2, 2)),

        # Third conv block
        layers.Conv2D(64, (3, 3), activation='relu', padding='same'),
        layers.BatchNormalization(),

        # Classifier
        layers.Flatten(),
        layers.Dense(128, activation='relu'),
        layers.Dropout(0.5),
        layers.Dense(num_classes, activation='softmax')
    ])

    model.compile(
        optimizer='adam',
        loss='sparse_categorical_crossentropy',
        metrics=['accuracy']
    )
    return model

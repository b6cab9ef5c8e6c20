"""The seed's own answer (general Q1), adapted only where Keras 3 and the contract force it:
both Dropout layers use `dropout` (the seed hard-codes 0.3 for the second), the sizes come
from the arguments, and `input_shape=` stays (Keras 3 accepts it with a warning)."""

from tensorflow import keras  # the seed's import: tf.keras is Keras 3 in TF 2.21
from tensorflow.keras import layers, regularizers


def build_regularized_mlp(input_dim, num_classes, l2=0.01, dropout=0.5):
    model = keras.Sequential([
        layers.Dense(128, activation='relu',
                     kernel_regularizer=regularizers.l2(l2),
                     input_shape=(input_dim,)),
        layers.Dropout(dropout),
        layers.BatchNormalization(),
        layers.Dense(64, activation='relu',
                     kernel_regularizer=regularizers.l2(l2)),
        layers.Dropout(dropout),
        layers.Dense(num_classes, activation='softmax')
    ])
    model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')
    return model


def early_stopping(patience=5):
    return keras.callbacks.EarlyStopping(
        monitor='val_loss',
        patience=patience,
        restore_best_weights=True
    )

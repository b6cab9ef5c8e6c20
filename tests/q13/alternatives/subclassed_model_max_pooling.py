"""Another correct q13: a keras.Model subclass that calls its base with training=False,
a max-pooling head with a hidden layer, and RMSprop for fine-tuning."""

import keras
from keras import layers


class TransferClassifier(keras.Model):
    def __init__(self, base, num_classes, **kwargs):
        super().__init__(**kwargs)
        self.base = base
        self.pool = layers.GlobalMaxPooling2D()
        self.hidden = layers.Dense(32, activation="relu")
        self.classifier = layers.Dense(num_classes, activation="softmax")

    def call(self, images, training=None):
        features = self.base(images, training=False)
        return self.classifier(self.hidden(self.pool(features), training=training))


def build_transfer_model(base_model, num_classes):
    base_model.trainable = False
    model = TransferClassifier(base_model, num_classes)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy())
    return model


def unfreeze_top(model, n, learning_rate=1e-5):
    base = model.base
    base.trainable = True
    positions = [i for i, layer in enumerate(base.layers)
                 if not isinstance(layer, layers.BatchNormalization)]
    chosen = set(positions[-n:]) if n else set()
    for i, layer in enumerate(base.layers):
        layer.trainable = i in chosen
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=learning_rate),
                  loss=keras.losses.SparseCategoricalCrossentropy())

"""The seed's own answer (general Q2), adapted only where Keras 3 and the contract force it:
`.keras` instead of '.h5' / a SavedModel folder, `.weights.h5` for weights, and the
suffix checks the contract asks for."""

from tensorflow import keras  # the seed's import: tf.keras is Keras 3 in TF 2.21


def _check(path, suffix):
    if not str(path).endswith(suffix):
        raise ValueError(f"expected a path ending in {suffix}, got {path}")


def save_model(model, path):
    _check(path, '.keras')
    model.save(path)


def load_model(path):
    _check(path, '.keras')
    return keras.models.load_model(path)


def save_weights(model, path):
    _check(path, '.weights.h5')
    model.save_weights(path)


def load_weights(builder, path):
    _check(path, '.weights.h5')
    new_model = builder()
    new_model.load_weights(path)
    return new_model


def checkpoint(path):
    _check(path, '.keras')
    return keras.callbacks.ModelCheckpoint(
        path,
        save_best_only=True,
        monitor='val_loss'
    )

"""q3: one model, two inputs: an image and a vector of metadata (size, date, ...).

The Functional API builds graphs that a Sequential stack cannot: two `keras.Input`s, one
branch each (a small CNN for the image, Dense layers for the metadata), merged with
`layers.Concatenate()` and classified by a softmax layer. Naming the inputs lets callers
pass a dict `{"image": ..., "metadata": ...}`; a list is read in the order the model lists
its inputs. See the README beside this file.

What the hidden tests check:
    shape        dict and list inputs each give (batch, num_classes) softmax rows, for
                 16x16x3 images with 10 features / 5 classes and 8x8x1 with 3 / 4.
    behaviour    dict and list inputs give the same outputs; inputs named image and
                 metadata (in that order), output named class; compiled loss is sparse
                 categorical cross-entropy on probabilities.
    gradient     the output's gradient with respect to each input is non-zero.
    convergence  learns a label that combines the image's tint and a metadata feature
                 (either input alone gives ~20%).
"""

from __future__ import annotations

import keras
from keras import layers  # noqa: F401


def build_multi_input_model(
    image_shape: tuple[int, int, int] = (16, 16, 3), meta_dim: int = 10, num_classes: int = 5
) -> keras.Model:
    """Build and compile a classifier with an image input and a metadata input.

    Args:
        image_shape: the image shape (height, width, channels), at least 8x8.
        meta_dim: the number of metadata features.
        num_classes: the number of classes.

    Returns:
        A Functional keras.Model with inputs named "image" (batch, *image_shape) and
        "metadata" (batch, meta_dim), listed in that order, and an output layer named
        "class" giving softmax probabilities (batch, num_classes); compiled with "adam",
        "sparse_categorical_crossentropy" and ["accuracy"].
    """
    # TODO: image = keras.Input(shape=image_shape, name="image") -> Conv2D/MaxPooling2D ->
    #       GlobalAveragePooling2D; metadata = keras.Input(shape=(meta_dim,), name="metadata")
    #       -> Dense; Concatenate -> Dense -> Dense(num_classes, "softmax", name="class");
    #       keras.Model(inputs=[image, metadata], outputs=...); compile.
    raise NotImplementedError("build_multi_input_model")

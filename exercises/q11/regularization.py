"""q11: fighting overfitting. Build a regularized MLP and an early-stopping callback.

A network that memorises its training set does badly on new data. Three standard remedies:

* an L2 weight penalty: `kernel_regularizer=keras.regularizers.L2(l2)` adds
  `l2 * sum(kernel**2)` to the loss, collected in `model.losses`;
* Dropout: `keras.layers.Dropout(rate)` zeroes a random fraction of activations, but only
  in training (`model.fit`, `model(x, training=True)`); at inference it does nothing;
* early stopping: a callback that watches `val_loss`, stops when it has not improved for
  `patience` epochs and puts back the weights of the best epoch.

What the hidden tests check (see the README beside this file):
    shape          a built model; (B, num_classes) softmax rows.
    behaviour      sum(model.losses) == l2 * sum(kernel**2) for weights the test sets;
                   inference is deterministic and equals a NumPy forward pass without
                   dropout; training mode drops units; every Dropout has rate == dropout;
                   early stopping ends at the right epoch and restores the best weights.
    gradient       d sum(model.losses) / d kernel == 2 * l2 * kernel, zero for biases.
    serialization  a .keras round trip keeps outputs and penalties.
    convergence    >= 0.85 held-out accuracy on digits after 15 epochs.
"""

from __future__ import annotations

import keras
from keras import layers, regularizers  # noqa: F401 - you will need both


def build_regularized_mlp(
    input_dim: int, num_classes: int, l2: float = 0.01, dropout: float = 0.5
) -> keras.Model:
    """An MLP classifier regularized with L2 penalties and Dropout, built and compiled.

    Args:
        input_dim: number of input features.
        num_classes: number of classes.
        l2: the L2 factor of every hidden Dense kernel (the output kernel may have it too).
            Biases are not penalized, and there is no L1 term.
        dropout: the rate of every Dropout layer.

    Returns:
        A model mapping (B, input_dim) floats to (B, num_classes) softmax probabilities,
        with its weights created (start from keras.Input), compiled with "adam" and
        "sparse_categorical_crossentropy" (integer labels).

    Tested: the penalty and its gradient, dropout in training only, the rate of every
    Dropout layer, a .keras round trip, and accuracy on digits.
    """
    # TODO: keras.Input -> hidden Dense layers with kernel_regularizer=regularizers.L2(l2),
    # each followed by layers.Dropout(dropout) -> Dense(num_classes, "softmax"); compile.
    raise NotImplementedError("build_regularized_mlp")


def early_stopping(patience: int = 5) -> keras.callbacks.Callback:
    """A callback that stops training when `val_loss` stops improving.

    Args:
        patience: how many epochs without a lower val_loss to wait before stopping.

    Returns:
        A keras.callbacks.Callback. With the lowest val_loss at epoch b, training ends after
        epoch b + patience, and when fit returns the model holds epoch b's weights.

    Tested: on real runs with a scripted val_loss, including an improvement smaller than
    0.001 (any improvement counts).
    """
    # TODO: keras.callbacks.EarlyStopping(...) with the right monitor and restore setting.
    raise NotImplementedError("early_stopping")

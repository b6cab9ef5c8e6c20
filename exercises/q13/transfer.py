"""q13: transfer learning. Put a new head on a frozen pretrained base, then fine-tune.

Transfer learning reuses a network trained on a large task (the "base", e.g. an ImageNet
model loaded with include_top=False) for a new, smaller task:

1. freeze the base: `base_model.trainable = False`. In Keras 3 a frozen
   BatchNormalization layer also runs in inference mode, so its moving statistics stay as
   they were learned (Keras 3's `fit` overrides a nested `training=False` argument; the
   frozen flag is what counts);
2. add a new head: pool the base's feature map and classify;
3. train the head; then optionally unfreeze the top of the base and fine-tune everything
   with a much lower learning rate, keeping BatchNormalization frozen.

Here the base is given to you (the tests build a small Conv2D + BatchNormalization network
on 8x8 digits: nothing is downloaded).

What the hidden tests check (see the README beside this file):
    shape        (B, num_classes) softmax probabilities.
    behaviour    after fit, every base weight and BatchNormalization statistic is bit-identical
                 and the head changed; after unfreeze_top(model, n) and one more fit, exactly
                 the last n convolutions changed; the optimizer's rate is learning_rate (claim).
    gradient     the loss's gradient reaches the unfrozen convolutions.
    convergence  >= 0.75 held-out accuracy on digits 5-9 with a base pretrained on 0-4.
"""

from __future__ import annotations

import keras
from keras import layers  # noqa: F401 - you will need it


def build_transfer_model(base_model: keras.Model, num_classes: int) -> keras.Model:
    """A new classifier on a frozen base.

    Args:
        base_model: a built Keras model whose output is a 4-D feature map (B, H, W, C),
            like an ImageNet model with include_top=False. It arrives trainable.
        num_classes: number of classes of the new task.

    Returns:
        A model mapping the base's inputs to (B, num_classes) softmax probabilities,
        compiled (e.g. Adam(1e-3), "sparse_categorical_crossentropy": integer labels),
        with none of the base's weights trainable.

    Tested: the base is bit-identical after fit (BatchNormalization statistics included),
    the head trains, and accuracy on a new task.
    """
    # TODO: freeze the base, then pool its output and add Dense(num_classes, "softmax").
    raise NotImplementedError("build_transfer_model")


def unfreeze_top(model: keras.Model, n: int, learning_rate: float = 1e-5) -> None:
    """Fine-tune the top of the base, in place, on a model from build_transfer_model.

    Args:
        model: the transfer model (possibly already trained).
        n: how many of the base's last layers that are not BatchNormalization to unfreeze.
            Every BatchNormalization layer stays frozen; so do the earlier layers.
        learning_rate: the (low) learning rate of the recompiled model.

    Tested: after one more fit exactly the last n convolutions changed; the gradient
    reaches them; the optimizer's learning rate equals learning_rate.
    """
    # TODO: find the base in the model, set trainable flags, then compile again.
    raise NotImplementedError("unfreeze_top")

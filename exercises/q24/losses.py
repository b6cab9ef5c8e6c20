"""q24: cross-entropy losses by hand, and which output activation goes with which loss.

A classifier's last layer turns scores into probabilities (sigmoid for one yes/no output,
softmax for one-of-C classes); the loss then measures how much probability the model gave
the true answer. Cross-entropy is the negative log of that probability:

    categorical_crossentropy(y, p)      = -sum(y * log(p)) over the classes   (y one-hot)
    sparse_categorical_crossentropy(k, p) = -log(p[k])                         (k a class id)

Probabilities can be exactly 0 or 1, and log(0) is -inf: clip them to [eps, 1 - eps] with
eps = keras.config.epsilon() before the log, as Keras does. Write tensor code (keras.ops or
tf) so that gradients flow; NumPy has no gradient.

What the hidden tests check:
    behaviour   both losses equal keras.losses.categorical_crossentropy /
                sparse_categorical_crossentropy on random rows (probabilities down to 1e-6)
                and at probabilities of exactly 0 and 1 (finite, gradients too); the two
                agree on the same labels given as one-hot rows and as class ids (int32 or
                int64); output_head's pairs work in Dense(activation=...) and
                compile(loss=...) like the Keras pairs for each task.
    shape       one value per sample, shape (B,), for labels (B,) and (B, 1).
    gradient    d sum(loss(y, softmax(z))) / dz = softmax(z) - y, eagerly and in tf.function.
"""

from __future__ import annotations

from typing import Any

import keras  # noqa: F401 - keras.config.epsilon() is the clipping eps
from keras import ops  # noqa: F401 - keras.ops has clip, log, sum, one_hot, reshape, cast


def categorical_crossentropy(y_onehot: Any, probs: Any) -> Any:
    """Cross-entropy between one-hot labels and predicted probabilities, per sample.

    Args:
        y_onehot: float one-hot labels, shape (B, C).
        probs: float32 probabilities, shape (B, C), each row summing to 1 (a NumPy array or
            a tensor).

    Returns:
        A tensor of shape (B,): -sum(y * log(clip(p, eps, 1 - eps))) over the last axis.
        Tested against keras.losses.categorical_crossentropy, at p = 0 and 1 too, and
        through a softmax for its gradient.
    """
    # TODO: convert probs to a tensor, cast y_onehot to its dtype, clip, log, sum over axis -1.
    raise NotImplementedError("categorical_crossentropy")


def sparse_categorical_crossentropy(labels: Any, probs: Any) -> Any:
    """Cross-entropy between integer class ids and predicted probabilities, per sample.

    Args:
        labels: int32 or int64 class ids, shape (B,) or (B, 1).
        probs: float32 probabilities, shape (B, C), each row summing to 1.

    Returns:
        A tensor of shape (B,): -log(clip(p[label], eps, 1 - eps)) for each row. Tested
        against keras.losses.sparse_categorical_crossentropy and against your
        categorical_crossentropy's value for the same labels one-hot encoded.
    """
    # TODO: reshape the labels to (B,), one-hot them, reuse categorical_crossentropy.
    raise NotImplementedError("sparse_categorical_crossentropy")


def output_head(task: str) -> tuple[Any, Any]:
    """The output activation and the loss that belong together for a task.

    Args:
        task: "binary", "multiclass_onehot" (one-hot labels), "multiclass_int" (integer
            labels) or "regression".

    Returns:
        (activation, loss): names such as "sigmoid" and "binary_crossentropy", or Keras
        objects, usable as Dense(activation=...) and compile(loss=...). The loss works on
        the activation's output (probabilities, not logits). Tested by building a Dense
        layer and compiling a model with the pair, for each of the four tasks.
    """
    # TODO: return the pair for each task (a dict makes a neat table).
    raise NotImplementedError("output_head")

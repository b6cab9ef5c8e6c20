"""q8: model ensembling. Several models vote; the ensemble is usually better than any member.

* `create_model(seed)` builds one member: the seed's MLP (10 features -> Dense(64, relu) ->
  Dropout(0.3) -> Dense(32, relu) -> Dense(3, softmax)), compiled. Its initial weights depend
  on `seed` alone, not on whatever random state the program is in.
* `ensemble_predict(models, x)` averages the members' probabilities (soft voting).
* `voting_predict(models, x)` lets each member vote for its most likely class (hard voting).
* `build_ensemble_model(models, input_shape)` wraps the averaging in one Keras model.

Both prediction functions return class ids of shape (batch,), and a tie goes to the lowest
class id (np.argmax does that: it returns the first maximum).

What the hidden tests check (see the README beside this file):
    shape          ensemble_predict and voting_predict return integer class ids, shape (B,).
    behaviour      create_model computes the seed's MLP (with weights the tests set) and is
                   compiled with sparse categorical cross-entropy and accuracy; the same seed
                   gives the same weights under any global random state, different seeds
                   differ; predictions equal a NumPy oracle, exact ties included; the
                   ensemble model outputs the mean of its members and leaves them unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np  # noqa: F401
from keras import layers  # noqa: F401


def create_model(seed: int) -> keras.Model:
    """One ensemble member, the same every time for the same seed.

    Args:
        seed: fixes every random initial weight. np.random.seed(seed) is not enough: Keras'
            initializers do not use NumPy's generator.

    Returns:
        A model from (B, 10) features to (B, 3) softmax probabilities: Dense(64, relu),
        Dropout(0.3), Dense(32, relu), Dense(3, softmax), compiled with
        optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"].
    """
    # TODO
    raise NotImplementedError("create_model")


def ensemble_predict(models: Sequence[keras.Model], x: np.ndarray) -> np.ndarray:
    """Soft voting: the class with the highest probability averaged over the members.

    Args:
        models: members mapping x to probabilities of shape (B, C).
        x: the inputs, shape (B, ...).

    Returns:
        Class ids, shape (B,); ties go to the lowest class id.
    """
    # TODO
    raise NotImplementedError("ensemble_predict")


def voting_predict(models: Sequence[keras.Model], x: np.ndarray) -> np.ndarray:
    """Hard voting: each member votes for its argmax class; the most votes win.

    Returns:
        Class ids, shape (B,); tied votes go to the lowest class id (among the tied ones).
    """
    # TODO
    raise NotImplementedError("voting_predict")


def build_ensemble_model(
    models: Sequence[keras.Model], input_shape: tuple[int, ...]
) -> keras.Model:
    """A Keras model whose output is the mean of the members' outputs.

    Args:
        models: the members; use them as they are (call them; do not copy or retrain them).
        input_shape: the shape of one input example, e.g. (10,).

    Returns:
        A model from (B, *input_shape) to the mean probabilities (B, C).
    """
    # TODO: keras.Input(input_shape) -> each member -> keras.layers.Average()
    raise NotImplementedError("build_ensemble_model")

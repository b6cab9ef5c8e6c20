"""Visible tests for q8. Run them with `pytest exercises/q8`; the hidden tests go further."""

import numpy as np

from grader.testing import assert_close, fail


def _constant_member(probabilities):
    """A model that outputs the same probability row for every input (zero kernel)."""
    import keras

    model = keras.Sequential([keras.Input((10,)), keras.layers.Dense(3)])
    model.set_weights([np.zeros((10, 3), "float32"), np.asarray(probabilities, "float32")])
    return model


def test_create_model_maps_10_features_to_3_probabilities(learner):
    model = learner.create_model(0)
    out = np.asarray(model(np.ones((4, 10), "float32")))
    if out.shape != (4, 3):
        raise fail("output shape (4, 3)", f"{out.shape}", "the input size and the last Dense")
    assert_close(out.sum(axis=1), np.ones(4), "rows summing to 1", "Dense(3, softmax)",
                 rtol=1e-5)


def test_same_seed_same_weights(learner):
    first = learner.create_model(1).get_weights()[0]
    second = learner.create_model(1).get_weights()[0]
    if not np.array_equal(first, second):
        raise fail("identical first kernels from create_model(1) twice", "different kernels",
                   "seed every initializer from `seed` (np.random.seed is not enough)")


def test_averaging_and_voting_disagree_when_one_member_is_confident(learner):
    members = [_constant_member([0.9, 0.05, 0.05]),
               _constant_member([0.4, 0.6, 0.0]),
               _constant_member([0.4, 0.6, 0.0])]
    x = np.zeros((2, 10), "float32")
    mean = np.asarray(learner.ensemble_predict(members, x))
    vote = np.asarray(learner.voting_predict(members, x))
    if mean.tolist() != [0, 0]:
        raise fail("ensemble_predict == [0, 0] (mean [0.57, 0.42, 0.02])", f"{mean.tolist()}",
                   "average the probabilities, then argmax over classes")
    if vote.tolist() != [1, 1]:
        raise fail("voting_predict == [1, 1] (two votes for class 1)", f"{vote.tolist()}",
                   "count each member's argmax")


def test_ensemble_model_outputs_the_mean(learner):
    members = [_constant_member([0.5, 0.25, 0.25]), _constant_member([0.0, 0.5, 0.5])]
    model = learner.build_ensemble_model(members, (10,))
    assert_close(model.predict(np.zeros((1, 10), "float32"), verbose=0), [[0.25, 0.375, 0.375]],
                 "the mean of the members' outputs", "keras.layers.Average()", rtol=1e-6)

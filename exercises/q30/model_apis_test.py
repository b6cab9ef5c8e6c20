"""Visible tests for q30. Run them with `pytest exercises/q30`; the hidden tests go further."""

import numpy as np

from grader.testing import assert_shape, fail

SEED_SHAPES = [(10, 64), (64,), (64, 32), (32,), (32, 1), (1,)]


def test_sequential_has_the_seeds_10_64_32_1_weights(learner):
    model = learner.build_sequential()
    shapes = [tuple(w.shape) for w in model.weights]
    if shapes != SEED_SHAPES:
        raise fail(f"kernel and bias of each layer, input to output: {SEED_SHAPES}",
                   f"{shapes}", "build_sequential: keras.Input, then the Dense layers in order")


def test_functional_model_maps_features_to_probabilities(learner):
    model = learner.build_functional(input_dim=4, hidden_units=(3,), output_units=2)
    out = np.asarray(model(np.ones((5, 4), "float32")))
    assert_shape(out, (5, 2), "5 rows of 2 outputs", "build_functional's last Dense")
    if out.min() < 0 or out.max() > 1:
        raise fail("sigmoid outputs in [0, 1]", f"values from {out.min():.3g} to {out.max():.3g}",
                   "activation='sigmoid' on the output layer")


def test_mlp_gets_its_weights_on_the_first_call(learner):
    model = learner.MLP()
    out = model(np.zeros((2, 10), "float32"))
    assert_shape(out, (2, 1), "2 rows of 1 output", "MLP.call")
    shapes = [tuple(w.shape) for w in model.weights]
    if shapes != SEED_SHAPES:
        raise fail(f"weights in forward order: {SEED_SHAPES}", f"{shapes}",
                   "create the Dense layers in __init__ in forward order")


def test_the_three_models_have_the_same_parameter_count(learner):
    mlp = learner.MLP()
    mlp(np.zeros((1, 10), "float32"))
    counts = [learner.build_sequential().count_params(),
              learner.build_functional().count_params(), mlp.count_params()]
    if counts != [2817, 2817, 2817]:
        raise fail("2,817 parameters in each model (10*64+64 + 64*32+32 + 32*1+1)",
                   f"Sequential, Functional, MLP: {counts}", "the widths of the Dense layers")

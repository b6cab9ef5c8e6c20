"""Visible tests for q17. Run them with `pytest exercises/q17`; the hidden tests go further."""

import numpy as np

from grader.testing import assert_close, assert_shape, fail


def test_output_has_shape_batch_by_units(learner):
    layer = learner.CustomDense(4)
    out = layer(np.ones((2, 3), "float32"))
    assert_shape(out, (2, 4), "the output for 2 inputs of size 3 and units=4",
                 "call(): inputs @ kernel + bias")


def test_weights_are_created_in_build_from_the_input_size(learner):
    layer = learner.CustomDense(4)
    if layer.weights:
        raise fail("no weights before the first call", f"{len(layer.weights)} weights",
                   "create weights in build(input_shape), not in __init__")
    layer(np.ones((2, 3), "float32"))
    shapes = sorted(tuple(w.shape) for w in layer.weights)
    if shapes != [(3, 4), (4,)]:
        raise fail("a (3, 4) kernel and a (4,) bias", f"{shapes}", "self.add_weight in build()")


def test_relu_activation_is_applied(learner):
    layer = learner.CustomDense(2, activation="relu")
    out = np.asarray(layer(np.linspace(-3, 3, 12, dtype="float32").reshape(4, 3)))
    if np.any(out < 0):
        raise fail("no negative outputs with activation='relu'", f"{out.min():.3g}",
                   "apply self.activation to the result in call()")


def test_config_contains_units_and_activation(learner):
    config = learner.CustomDense(3, activation="relu").get_config()
    for key in ("units", "activation"):
        if key not in config:
            raise fail(f"get_config() to contain {key!r}", f"keys {sorted(config)}",
                       "config.update({...}) in get_config()")
    assert_close(config["units"], 3, "config['units']", "get_config()")

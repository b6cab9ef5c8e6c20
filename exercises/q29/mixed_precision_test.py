"""Visible tests for q29. Run them with `pytest exercises/q29`; the hidden tests go further."""

import keras
import numpy as np

from grader.testing import assert_shape, fail


def test_output_is_float32_probabilities_or_logits_of_the_right_shape(learner):
    keras.config.set_dtype_policy("float32")
    try:
        model = learner.build_mixed_precision_model(6, 3)
        out = model(np.ones((4, 6), "float32"))
    finally:
        keras.config.set_dtype_policy("float32")
    assert_shape(out, (4, 3), "4 rows of 3 outputs", "the last layer's units")
    if np.asarray(out).dtype != np.float32:
        raise fail("a float32 output", f"{np.asarray(out).dtype}",
                   "Activation('softmax', dtype='float32') or Dense(..., dtype='float32')")


def test_first_layer_with_weights_uses_the_mixed_float16_policy(learner):
    keras.config.set_dtype_policy("float32")
    try:
        model = learner.build_mixed_precision_model(6, 3)
    finally:
        keras.config.set_dtype_policy("float32")
    first = next(layer for layer in model.layers if layer.weights)
    if first.dtype_policy.name != "mixed_float16":
        raise fail("the first layer with weights under 'mixed_float16'",
                   f"{first.name!r} under {first.dtype_policy.name!r}",
                   "set the policy before creating the layers")


def test_global_policy_is_float64_again_after_building(learner):
    keras.config.set_dtype_policy("float64")
    try:
        learner.build_mixed_precision_model(6, 3)
        after = keras.config.dtype_policy().name
    finally:
        keras.config.set_dtype_policy("float32")
    if after != "float64":
        raise fail("the caller's policy 'float64' after the call", repr(after),
                   "save keras.config.dtype_policy() first and restore it in `finally`")

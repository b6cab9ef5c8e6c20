"""Visible tests for q23. Run them with `pytest exercises/q23`; the hidden tests go further."""

import numpy as np

from grader.testing import fail


def _whole(n):
    """A Python or NumPy integer (the contract allows both), not a bool or a float."""
    return isinstance(n, (int, np.integer)) and not isinstance(n, (bool, np.bool_))


def _check(got, expected, call, look_at):
    if tuple(got) != expected or not all(_whole(n) for n in got):
        raise fail(f"{call} == {expected}", repr(got), look_at)


def test_3x3_valid_conv_on_28x28_gives_26x26(learner):
    _check(learner.conv_output_shape((28, 28), 3), (26, 26), "conv_output_shape((28, 28), 3)",
           "valid padding: (n - k) // s + 1 on each axis, in ints")


def test_same_padding_with_stride_2_rounds_up(learner):
    _check(learner.conv_output_shape((7, 8), (3, 3), strides=2, padding="same"), (4, 4),
           "conv_output_shape((7, 8), (3, 3), strides=2, padding='same')",
           "same padding: ceil(n / s) = (n + s - 1) // s; the kernel does not matter")


def test_pooling_strides_default_to_the_pool_size(learner):
    _check(learner.pool_output_shape((26, 26), 2), (13, 13), "pool_output_shape((26, 26), 2)",
           "strides=None means strides = pool size")


def test_params_of_32_3x3_filters_on_1_channel_is_320(learner):
    got = learner.conv_params(1, 32, 3)
    if got != 320:
        raise fail("conv_params(1, 32, 3) == 320 (3*3*1*32 weights + 32 biases)", repr(got),
                   "kh * kw * in_ch * out_ch, plus out_ch when use_bias")

"""Another correct q23, following the seed's words ("same adds zeros around the input") but
with strides: compute how many zeros 'same' adds, as TensorFlow does, then slide a 'valid'
window over the padded input. NumPy pairs, so the results are NumPy integers."""

import math

import numpy as np


def _pairs(*values):
    return [np.broadcast_to(np.asarray(v, dtype=np.int64), (2,)) for v in values]


def _padded_length(n, k, s, padding):
    if padding == "same":
        out = math.ceil(n / s)
        return n + max((out - 1) * s + k - n, 0)  # the zeros TF adds (split before/after)
    return n


def conv_output_shape(hw, kernel, strides=1, padding="valid"):
    sizes, kernels, steps = _pairs(hw, kernel, strides)
    return tuple(
        (_padded_length(int(n), k, s, padding) - k) // s + 1
        for n, k, s in zip(sizes, kernels, steps)
    )


def pool_output_shape(hw, pool, strides=None, padding="valid"):
    if strides is None:
        strides = pool
    return conv_output_shape(hw, pool, strides, padding)


def conv_params(in_ch, out_ch, kernel, use_bias=True):
    weights = int(np.prod(_pairs(kernel)[0])) * in_ch * out_ch
    return weights + out_ch * bool(use_bias)

"""Another correct q23: let Keras do the arithmetic. The layers' own compute_output_shape
gives the shapes and a built layer counts its parameters (no tensors are run)."""

import keras


def conv_output_shape(hw, kernel, strides=1, padding="valid"):
    layer = keras.layers.Conv2D(1, kernel, strides=strides, padding=padding)
    _, h, w, _ = layer.compute_output_shape((1, *hw, 1))
    return int(h), int(w)


def pool_output_shape(hw, pool, strides=None, padding="valid"):
    layer = keras.layers.MaxPooling2D(pool, strides=strides, padding=padding)
    _, h, w, _ = layer.compute_output_shape((1, *hw, 1))
    return int(h), int(w)


def conv_params(in_ch, out_ch, kernel, use_bias=True):
    layer = keras.layers.Conv2D(out_ch, kernel, use_bias=use_bias)
    layer.build((None, None, None, in_ch))
    return layer.count_params()

"""q23: convolution shape arithmetic. Predict what Conv2D and MaxPooling2D do to a shape.

Before you stack layers, you should know what shape comes out of each one: that is how you
know how many numbers `Flatten()` will hand to the first `Dense` layer, and how many
parameters the model will have. Three functions, no Keras needed (plain integer arithmetic):

Along one axis of size n, a window of size k moved by stride s gives (channels_last, no
dilation):

    padding="valid"  (no zeros added; the window must fit)   (n - k) // s + 1
    padding="same"   (zeros added around the input)          ceil(n / s) = (n + s - 1) // s

Sizes, kernels, pools and strides are an int (the same on both axes) or an (h, w) pair.
Return Python ints (`//` divides and floors in integers; `/` gives floats such as 13.0).

What the hidden tests check (property tests: about 50 random configurations each, compared
with real `keras.layers.Conv2D` and `keras.layers.MaxPooling2D` layers):
    shape      conv_output_shape with valid and with same padding; pool_output_shape with the
               default strides (the pool size) and with explicit strides; square and
               non-square kernels, int and pair arguments; results are tuples of two ints.
    behaviour  conv_params equals the layer's count_params() with and without a bias; the
               seed's CNN (28x28x1) layer by layer.
"""

from __future__ import annotations

Pair = int | tuple[int, int]


def conv_output_shape(
    hw: tuple[int, int], kernel: Pair, strides: Pair = 1, padding: str = "valid"
) -> tuple[int, int]:
    """The (H, W) that `keras.layers.Conv2D(filters, kernel, strides, padding)` outputs.

    Args:
        hw: the input's (height, width), e.g. (28, 28).
        kernel: the kernel size, an int (3 means 3x3) or an (h, w) pair such as (3, 1).
        strides: the step of the window, an int or an (h, w) pair.
        padding: "valid" (no padding) or "same" (zero padding).

    Returns:
        The output's (height, width), a tuple of two ints. Example:
        conv_output_shape((28, 28), 3) == (26, 26).

    Tested: equal to a real Conv2D layer on ~50 random configurations per padding.
    """
    # TODO: turn kernel and strides into (h, w) pairs, then apply the formula of the
    # module docstring to the height and to the width.
    raise NotImplementedError("conv_output_shape")


def pool_output_shape(
    hw: tuple[int, int], pool: Pair, strides: Pair | None = None, padding: str = "valid"
) -> tuple[int, int]:
    """The (H, W) that `keras.layers.MaxPooling2D(pool, strides, padding)` outputs.

    Args:
        hw: the input's (height, width).
        pool: the pool size, an int or an (h, w) pair.
        strides: an int, an (h, w) pair, or None, which means the pool size (as in
            MaxPooling2D).
        padding: "valid" or "same".

    Returns:
        The output's (height, width), a tuple of two ints. Example:
        pool_output_shape((26, 26), 2) == (13, 13).

    Tested: equal to a real MaxPooling2D layer, with default and with explicit strides.
    """
    # TODO: pooling slides its window like a convolution; only the strides default differs.
    raise NotImplementedError("pool_output_shape")


def conv_params(in_ch: int, out_ch: int, kernel: Pair, use_bias: bool = True) -> int:
    """The number of parameters of `Conv2D(out_ch, kernel, use_bias=use_bias)` on an input
    with `in_ch` channels.

    Args:
        in_ch: channels of the input (1 for grey images, 3 for RGB).
        out_ch: the number of filters.
        kernel: the kernel size, an int or an (h, w) pair.
        use_bias: whether each filter has a bias.

    Returns:
        An int. Example: conv_params(1, 32, 3) == 320 (32 filters of 3x3x1, plus 32 biases).

    Tested: equal to the real layer's count_params() on ~50 random configurations.
    """
    # TODO: each filter has kh * kw * in_ch weights; count the biases only if use_bias.
    raise NotImplementedError("conv_params")

"""Reference solution for q23: the shape arithmetic of Conv2D and MaxPooling2D."""

from __future__ import annotations

Pair = int | tuple[int, int]


def _pair(value: Pair) -> tuple[int, int]:
    """An int or an (h, w) pair, as the (h, w) pair Keras layers store."""
    if isinstance(value, int):
        return value, value
    h, w = value
    return int(h), int(w)


def _output_length(size: int, window: int, stride: int, padding: str) -> int:
    """Output length along one axis of a sliding window (no dilation)."""
    if padding == "valid":
        # No padding: the window must fit, and it fits (size - window) // stride + 1 times.
        return (size - window) // stride + 1
    if padding == "same":
        # Zeros are added so every stride-th position is a window start: ceil(size / stride).
        return (size + stride - 1) // stride
    raise ValueError(f"padding must be 'valid' or 'same', not {padding!r}")


def conv_output_shape(
    hw: tuple[int, int], kernel: Pair, strides: Pair = 1, padding: str = "valid"
) -> tuple[int, int]:
    """The (H, W) of `Conv2D(filters, kernel, strides, padding)` on an (H, W) input.

    Args:
        hw: the input's (height, width).
        kernel: the kernel size, an int or an (h, w) pair.
        strides: the strides, an int or an (h, w) pair.
        padding: "valid" or "same".

    Returns:
        The output's (height, width), a tuple of two ints.
    """
    (kh, kw), (sh, sw) = _pair(kernel), _pair(strides)
    height, width = hw
    return (
        _output_length(height, kh, sh, padding),
        _output_length(width, kw, sw, padding),
    )


def pool_output_shape(
    hw: tuple[int, int], pool: Pair, strides: Pair | None = None, padding: str = "valid"
) -> tuple[int, int]:
    """The (H, W) of `MaxPooling2D(pool, strides, padding)` on an (H, W) input.

    `strides=None` means the pool size, as in `MaxPooling2D`. Pooling slides its window
    exactly as a convolution does, so the arithmetic is the same.
    """
    return conv_output_shape(hw, pool, pool if strides is None else strides, padding)


def conv_params(in_ch: int, out_ch: int, kernel: Pair, use_bias: bool = True) -> int:
    """The number of weights of `Conv2D(out_ch, kernel, use_bias=use_bias)` on in_ch channels.

    One (kh, kw, in_ch) kernel per output channel, plus one bias per output channel.
    """
    kh, kw = _pair(kernel)
    return kh * kw * in_ch * out_ch + (out_ch if use_bias else 0)

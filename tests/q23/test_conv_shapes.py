"""Hidden tests for q23, convolution shape arithmetic. Property tests: hypothesis draws the
configurations here, real Keras layers (built here, in the grading process) give the expected
shapes and parameter counts, and the learner's functions run once per test on the whole list.

Hypothesis is derandomized (the same configurations on every run, no flaky grades) and only
generates: the verdict reports the smallest configuration that came back wrong.
"""

from __future__ import annotations

import functools
from typing import Any

import keras
import numpy as np
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from grader.testing import fail

EXAMPLES = 50
MAX_SIZE = 40
OMIT = "omit"  # a keyword argument the call leaves out, so the function's default applies

windows = st.integers(1, 7)
steps = st.integers(1, 4)
channels = st.integers(1, 64)


def _int_or_pair(strategy: st.SearchStrategy[int]) -> st.SearchStrategy[Any]:
    return st.one_of(strategy, st.tuples(strategy, strategy))


def _pair(value: Any) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else (int(value[0]), int(value[1]))


@st.composite
def window_calls(
    draw: Any, function: str, padding: st.SearchStrategy[str],
    strides: st.SearchStrategy[Any],
) -> dict[str, Any]:
    """One call `function(hw, window, strides=..., padding=...)` the real layer accepts."""
    pad = draw(padding)
    window = draw(_int_or_pair(windows))
    kh, kw = _pair(window)
    low_h, low_w = (kh, kw) if pad in ("valid", OMIT) else (1, 1)  # valid: the window fits
    hw = (draw(st.integers(low_h, MAX_SIZE)), draw(st.integers(low_w, MAX_SIZE)))
    kwargs = {"strides": draw(strides), "padding": pad}
    return {"function": function, "args": [hw, window],
            "kwargs": {k: v for k, v in kwargs.items() if v != OMIT}}


@st.composite
def param_calls(draw: Any) -> dict[str, Any]:
    args = [draw(channels), draw(channels), draw(_int_or_pair(windows))]
    use_bias = draw(st.sampled_from([OMIT, True, False]))
    return {"function": "conv_params", "args": args,
            "kwargs": {} if use_bias == OMIT else {"use_bias": use_bias}}


def drawn(strategy: st.SearchStrategy[dict[str, Any]]) -> list[dict[str, Any]]:
    """The distinct configurations hypothesis draws from `strategy` (the same every run)."""
    found: list[dict[str, Any]] = []

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              phases=[Phase.generate])
    @given(strategy)
    def collect(call: dict[str, Any]) -> None:
        if call not in found:
            found.append(call)

    collect()
    return found


# -- oracles: the real layers, in this process -------------------------------------------
@functools.cache
def keras_conv_hw(hw: tuple[int, int], kernel: Any, strides: Any, padding: str):
    layer = keras.layers.Conv2D(1, kernel, strides=strides, padding=padding,
                                data_format="channels_last")
    return tuple(int(n) for n in layer(np.zeros((1, *hw, 1), "float32")).shape[1:3])


@functools.cache
def keras_pool_hw(hw: tuple[int, int], pool: Any, strides: Any, padding: str):
    layer = keras.layers.MaxPooling2D(pool, strides=strides, padding=padding,
                                      data_format="channels_last")
    return tuple(int(n) for n in layer(np.zeros((1, *hw, 1), "float32")).shape[1:3])


@functools.cache
def keras_conv_params(in_ch: int, out_ch: int, kernel: Any, use_bias: bool) -> int:
    layer = keras.layers.Conv2D(out_ch, kernel, use_bias=use_bias)
    layer.build((None, None, None, in_ch))
    return int(layer.count_params())


def expected_of(call: dict[str, Any]) -> Any:
    args, kwargs = call["args"], call["kwargs"]
    padding = kwargs.get("padding", "valid")
    if call["function"] == "conv_output_shape":
        return keras_conv_hw(args[0], args[1], kwargs.get("strides", 1), padding)
    if call["function"] == "pool_output_shape":
        return keras_pool_hw(args[0], args[1], kwargs.get("strides"), padding)
    return keras_conv_params(*args, kwargs.get("use_bias", True))


# -- verdicts ----------------------------------------------------------------------------
def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _matches(value: Any, expected: Any) -> bool:
    if isinstance(expected, int):
        return _is_int(value) and value == expected
    return (isinstance(value, list) and len(value) == 2 and all(map(_is_int, value))
            and tuple(value) == expected)


def _show_call(call: dict[str, Any]) -> str:
    parts = [repr(a) for a in call["args"]]
    parts += [f"{key}={value!r}" for key, value in call["kwargs"].items()]
    return f"{call['function']}({', '.join(parts)})"


def _show_value(value: Any) -> str:
    if isinstance(value, dict) and "raised" in value:
        return f"your code raised {value['raised']}"
    if isinstance(value, list):
        shown = repr(tuple(value))
        if any(isinstance(v, float) for v in value):
            return f"{shown}: floats; return ints (use // for floor division)"
        return shown
    if isinstance(value, float):
        return f"{value!r}: a float; return an int"
    return repr(value)


def _size(call: dict[str, Any]) -> int:
    """How big a configuration is, to report the simplest wrong one."""
    flat = []
    for a in [*call["args"], *call["kwargs"].values()]:
        flat += list(a) if isinstance(a, tuple) else [a] if isinstance(a, int) else []
    return sum(flat)


def check(submission: Any, calls: list[dict[str, Any]], oracle: str, look_at: str) -> None:
    """Send every call at once; fail on the smallest configuration that comes back wrong."""
    got = submission.call("batch", calls=calls, look_at=look_at)
    if not isinstance(got, list) or len(got) != len(calls):
        raise fail(f"one result per configuration ({len(calls)})", _show_value(got), look_at)
    wrong = [(call, value, expected_of(call)) for call, value in zip(calls, got, strict=True)
             if not _matches(value, expected_of(call))]
    if wrong:
        call, value, expected = min(wrong, key=lambda w: _size(w[0]))
        raise fail(f"{_show_call(call)} == {expected!r}, as {oracle} gives",
                   f"{_show_value(value)}  ({len(wrong)} of {len(calls)} configurations "
                   "are wrong; this is the smallest)", look_at)


VALID = st.sampled_from([OMIT, "valid"])
SOME_STRIDES = st.one_of(st.just(OMIT), _int_or_pair(steps))


@pytest.mark.shape
@pytest.mark.points(4)
def test_conv_valid_output_shape_matches_conv2d(submission):
    calls = drawn(window_calls("conv_output_shape", VALID, SOME_STRIDES))
    check(submission, calls, "keras.layers.Conv2D",
          "padding='valid' adds no zeros: each axis gives (n - k) // s + 1; an int kernel or "
          "stride means the same value on both axes")


@pytest.mark.shape
@pytest.mark.points(4)
def test_conv_same_output_shape_matches_conv2d(submission):
    calls = drawn(window_calls("conv_output_shape", st.just("same"), SOME_STRIDES))
    check(submission, calls, "keras.layers.Conv2D",
          "padding='same' gives ceil(n / s) on each axis, (n + s - 1) // s: the input size "
          "only when the stride is 1, and never depending on the kernel")


@pytest.mark.shape
@pytest.mark.points(3)
def test_pool_output_shape_with_default_strides_matches_maxpooling2d(submission):
    calls = drawn(window_calls("pool_output_shape", st.sampled_from([OMIT, "valid", "same"]),
                               st.sampled_from([OMIT, None])))
    check(submission, calls, "keras.layers.MaxPooling2D",
          "strides=None (the default) means strides = pool size, as in MaxPooling2D; then "
          "the same arithmetic as a convolution")


@pytest.mark.shape
@pytest.mark.points(3)
def test_pool_output_shape_with_explicit_strides_matches_maxpooling2d(submission):
    calls = drawn(window_calls("pool_output_shape", st.sampled_from(["valid", "same"]),
                               _int_or_pair(steps)))
    check(submission, calls, "keras.layers.MaxPooling2D",
          "given strides replace the pool-size default; valid: (n - k) // s + 1, "
          "same: (n + s - 1) // s")


@pytest.mark.behaviour
@pytest.mark.points(4)
def test_conv_params_equal_conv2d_count_params(submission):
    calls = drawn(param_calls())
    check(submission, calls, "Conv2D(out_ch, kernel, use_bias=...).count_params()",
          "kh * kw * in_ch * out_ch weights, plus out_ch biases only when use_bias is True")


@pytest.mark.behaviour
@pytest.mark.points(2)
def test_seed_cnn_layer_shapes_and_parameters_match_the_model(submission):
    """The CNN from the seed questions, layer by layer: every shape, every parameter count,
    and the length Flatten produces."""
    layers = keras.layers
    model = keras.Sequential([
        keras.Input((28, 28, 1)),
        layers.Conv2D(32, (3, 3), padding="same"),
        layers.Conv2D(32, (3, 3)),
        layers.MaxPooling2D((2, 2)),
        layers.Conv2D(64, (3, 3)),
        layers.MaxPooling2D((2, 2)),
        layers.Flatten(),
    ])
    calls, hw, in_ch = [], (28, 28), 1
    for layer in model.layers[:-1]:
        config = layer.get_config()
        if isinstance(layer, layers.Conv2D):
            kwargs = {"padding": config["padding"]} if config["padding"] == "same" else {}
            calls.append({"function": "conv_output_shape",
                          "args": [hw, config["kernel_size"]], "kwargs": kwargs})
            calls.append({"function": "conv_params",
                          "args": [in_ch, config["filters"], config["kernel_size"]],
                          "kwargs": {}})
            in_ch = config["filters"]
        else:
            calls.append({"function": "pool_output_shape",
                          "args": [hw, config["pool_size"]], "kwargs": {}})
        hw = tuple(layer.output.shape[1:3])
    flat = model.layers[-1].output.shape[-1]
    check(submission, calls, "the seed's CNN (28x28x1 -> Conv2D/MaxPooling2D -> Flatten)",
          f"the layers of the seed's CNN; Flatten then gives H * W * channels = {flat} values")

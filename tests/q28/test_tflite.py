"""Hidden tests for q28, TFLite conversion. Verdicts here; the worker only runs probes.py.

The worker sends the flatbuffers themselves: the test measures their size and runs them
with `tf.lite.Interpreter` in this process (a flatbuffer is data, not Python code; custom
and Flex ops are refused before it is loaded). Expected outputs are NumPy forward passes
on the weights the test sent.
"""

from __future__ import annotations

import functools
import warnings
from typing import Any

import numpy as np
import pytest

from grader.errors import SubmissionError
from grader.testing import assert_close, fail, summarise

EPSILON = 1e-3  # BatchNormalization's default
MAX_FLATBUFFER = 8 * 1024 * 1024


# -- the test models and their NumPy oracles -----------------------------------------------
def _weights(kind: str, seed: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)

    def normal(*shape, scale=0.3):
        return rng.normal(scale=scale, size=shape).astype("float32")

    if kind == "mlp":
        return [normal(32, 256, scale=0.2), normal(256), normal(256, 128, scale=0.1),
                normal(128), normal(128, 10, scale=0.1), normal(10)]
    if kind == "bn_dropout":
        return [normal(6, 8), normal(8),
                rng.uniform(0.5, 2.0, 8).astype("float32"), normal(8),   # gamma, beta
                normal(8), rng.uniform(0.5, 3.0, 8).astype("float32"),  # moving mean, var
                normal(8, 3), normal(3)]
    if kind == "cnn":
        return [normal(3, 3, 16, 64, scale=0.1), normal(64), normal(64, 16, scale=0.2),
                normal(16)]
    raise ValueError(kind)


INPUTS = {"mlp": (6, 32), "bn_dropout": (5, 6), "cnn": (4, 6, 6, 16)}


def _x(kind: str, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=INPUTS[kind]).astype("float32")


def oracle(kind: str, weights: list[np.ndarray], x: np.ndarray) -> np.ndarray:
    """The model in inference mode, in float64: Dropout off, BatchNorm on moving stats."""
    w = [np.asarray(a, np.float64) for a in weights]
    h = np.asarray(x, np.float64)
    if kind == "mlp":
        h = np.maximum(h @ w[0] + w[1], 0)
        h = np.maximum(h @ w[2] + w[3], 0)
        return h @ w[4] + w[5]
    if kind == "bn_dropout":
        h = h @ w[0] + w[1]
        gamma, beta, mean, var = w[2:6]
        h = (h - mean) / np.sqrt(var + EPSILON) * gamma + beta
        return h @ w[6] + w[7]
    if kind == "cnn":
        patches = np.lib.stride_tricks.sliding_window_view(h, (3, 3), axis=(1, 2))
        h = np.maximum(np.einsum("bijcxy,xyco->bijo", patches, w[0]) + w[1], 0)
        return h.mean(axis=(1, 2)) @ w[2] + w[3]
    raise ValueError(kind)


# -- running a flatbuffer here ---------------------------------------------------------------
def _check_flatbuffer(data: Any, what: str) -> bytes:
    raw = np.asarray(data, dtype=np.uint8).tobytes()
    if len(raw) > MAX_FLATBUFFER:
        raise fail(f"{what} under {MAX_FLATBUFFER} bytes", f"{len(raw)} bytes", "to_tflite")
    if raw[4:8] != b"TFL3":
        raise fail(f"{what}: a TFLite flatbuffer (bytes 4-8 are the identifier b'TFL3')",
                   f"{len(raw)} bytes starting {raw[:8]!r}",
                   "return converter.convert() itself, as bytes")
    from tensorflow.lite.python import schema_py_generated as schema

    try:
        model = schema.Model.GetRootAs(raw, 0)
        codes = [model.OperatorCodes(i) for i in range(model.OperatorCodesLength())]
        custom = [code.CustomCode() for code in codes
                  if code.CustomCode() or max(code.BuiltinCode(), code.DeprecatedBuiltinCode())
                  == schema.BuiltinOperator.CUSTOM]
    except Exception as exc:  # noqa: BLE001 - a malformed buffer is the learner's failure
        raise fail(f"{what}: a readable TFLite model", f"{type(exc).__name__}: {exc}",
                   "to_tflite") from None
    if custom:
        raise fail(f"{what}: TFLite builtin ops only", f"custom or Flex ops {custom}",
                   "convert with the default TFLITE_BUILTINS op set")
    return raw


def run_tflite(data: Any, x: np.ndarray, what: str) -> tuple[np.ndarray, Any, Any]:
    """(outputs, input dtype, output dtype) of a flatbuffer run here on x."""
    import tensorflow as tf

    raw = _check_flatbuffer(data, what)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r".*tf\.lite\.Interpreter is deprecated",
                                    category=UserWarning)
            interpreter = tf.lite.Interpreter(model_content=raw)
        inputs, outputs = interpreter.get_input_details(), interpreter.get_output_details()
        if len(inputs) != 1 or len(outputs) != 1:
            raise fail(f"{what}: one input and one output",
                       f"{len(inputs)} inputs, {len(outputs)} outputs", "to_tflite")
        interpreter.resize_tensor_input(inputs[0]["index"], x.shape)
        interpreter.allocate_tensors()
        if inputs[0]["dtype"] != np.float32 or outputs[0]["dtype"] != np.float32:
            return np.zeros(0), inputs[0]["dtype"], outputs[0]["dtype"]
        interpreter.set_tensor(inputs[0]["index"], x)
        interpreter.invoke()
        result = np.array(interpreter.get_tensor(outputs[0]["index"]))
    except (ValueError, RuntimeError) as exc:
        raise fail(f"{what}: a flatbuffer tf.lite.Interpreter can run on a batch of "
                   f"{len(x)}", f"{type(exc).__name__}: {exc}", "to_tflite") from None
    return result, inputs[0]["dtype"], outputs[0]["dtype"]


def _assert_float_io(data: Any, x: np.ndarray, what: str) -> np.ndarray:
    result, in_dtype, out_dtype = run_tflite(data, x, what)
    if in_dtype != np.float32 or out_dtype != np.float32:
        raise fail(f"{what}: float32 input and output tensors",
                   f"input {np.dtype(in_dtype)}, output {np.dtype(out_dtype)}",
                   "dynamic-range quantization: only converter.optimizations = "
                   "[tf.lite.Optimize.DEFAULT], no representative dataset, no int8 "
                   "inference_input_type")
    return result


def _within_5_percent(got: np.ndarray, expected: np.ndarray, what: str, look_at: str) -> None:
    got = np.asarray(got, np.float64)
    if got.shape != expected.shape or not np.all(np.isfinite(got)):
        raise fail(f"{what}: finite values of shape {expected.shape}", summarise(got), look_at)
    ratio = float(np.max(np.abs(got - expected)) / np.max(np.abs(expected)))
    if ratio > 0.05:
        raise fail(f"{what} within 5% of the largest |output| of the Keras model",
                   f"max|diff| / max|output| = {ratio:.3g}", look_at)


# -- one conversion per submission and model, shared by the tests ---------------------------
_CONVERTED: dict[tuple[Any, str, str], tuple[bool, Any]] = {}


def converted(submission, device: str, kind: str) -> dict[str, Any]:
    key = (submission, device, kind)
    if key not in _CONVERTED:
        try:
            value = submission.call("convert", device=device, kind=kind,
                                    weights=_weights(kind, 28), x=_x(kind),
                                    quantize=kind != "bn_dropout", timeout=120,
                                    look_at="to_tflite and tflite_predict")
            _CONVERTED[key] = (True, value)
        except SubmissionError as exc:
            _CONVERTED[key] = (False, (exc.kind, exc.message))
    ok, value = _CONVERTED[key]
    if not ok:
        raise SubmissionError(*value)
    return value


@functools.lru_cache(maxsize=1)
def reference_flatbuffer() -> bytes:
    """A float flatbuffer made here with TFLiteConverter.from_keras_model (Keras layers)."""
    import keras
    import tensorflow as tf

    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(3)])
    model.set_weights(_reference_weights())
    return bytes(tf.lite.TFLiteConverter.from_keras_model(model).convert())


def _reference_weights() -> list[np.ndarray]:
    rng = np.random.default_rng(99)
    return [rng.normal(size=s).astype("float32") for s in ((6, 8), (8,), (8, 3), (3,))]


def _reference_oracle(x: np.ndarray) -> np.ndarray:
    k1, b1, k2, b2 = (np.asarray(a, np.float64) for a in _reference_weights())
    return np.maximum(np.asarray(x, np.float64) @ k1 + b1, 0) @ k2 + b2


# -- the tests -------------------------------------------------------------------------------
@pytest.mark.shape
@pytest.mark.points(3)
def test_to_tflite_returns_a_flatbuffer_with_float32_input_and_output(submission, device):
    got = converted(submission, device, "mlp")
    x = _x("mlp")
    for name in ("float", "quantized"):
        result = _assert_float_io(got[name], x, f"to_tflite(model, quantize={name != 'float'})")
        if result.shape != (6, 10):
            raise fail("outputs of shape (6, 10) for 6 inputs", f"{result.shape}", "to_tflite")


@pytest.mark.behaviour
@pytest.mark.points(4)
@pytest.mark.parametrize("kind", ["mlp", "bn_dropout", "cnn"])
def test_float_flatbuffer_computes_what_the_keras_model_computes(submission, device, kind):
    got = converted(submission, device, kind)
    x = _x(kind)
    result = _assert_float_io(got["float"], x, f"the float flatbuffer of the {kind} model")
    assert_close(result, oracle(kind, _weights(kind, 28), x),
                 f"the float flatbuffer's outputs ({kind} model, inference mode: Dropout off, "
                 "BatchNormalization on its moving statistics)",
                 "tf.lite.TFLiteConverter.from_keras_model(model) (a tf.saved_model.save "
                 "route can convert into NaN outputs)", rtol=1e-4, atol=1e-5)


@pytest.mark.behaviour
@pytest.mark.points(3)
@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_dynamic_range_quantization_is_at_least_twice_smaller(submission, device, kind):
    got = converted(submission, device, kind)
    size_float = len(_check_flatbuffer(got["float"], "the float flatbuffer"))
    size_quantized = len(_check_flatbuffer(got["quantized"], "the quantized flatbuffer"))
    if size_quantized * 2 > size_float:
        raise fail(f"the quantized {kind} flatbuffer at most half the float one "
                   f"({size_float} bytes): its kernels have 1,024 or more elements each",
                   f"{size_quantized} bytes ({size_float / size_quantized:.2f}x smaller)",
                   "quantize=True: converter.optimizations = [tf.lite.Optimize.DEFAULT] "
                   "stores int8 weights (float16 weights only halve the kernels)")


@pytest.mark.behaviour
@pytest.mark.points(3)
@pytest.mark.parametrize("kind", ["mlp", "cnn"])
def test_quantized_outputs_stay_within_5_percent_of_the_largest_output(
    submission, device, kind
):
    got = converted(submission, device, kind)
    x = _x(kind)
    result = _assert_float_io(got["quantized"], x, f"the quantized {kind} flatbuffer")
    _within_5_percent(result, oracle(kind, _weights(kind, 28), x),
                      f"the quantized {kind} flatbuffer's outputs",
                      "dynamic-range quantization only: converter.optimizations = "
                      "[tf.lite.Optimize.DEFAULT]")


@pytest.mark.behaviour
@pytest.mark.points(4)
def test_tflite_predict_runs_a_converter_flatbuffer_for_any_batch_size(submission, device):
    rng = np.random.default_rng(5)
    batches = [rng.normal(size=(n, 6)).astype(dtype)
               for n, dtype in ((1, "float32"), (7, "float32"), (3, "float32"), (4, "float64"))]
    data = np.frombuffer(reference_flatbuffer(), dtype=np.uint8)
    got = submission.call("predict_batches", device=device, model_bytes=data, batches=batches,
                          look_at="tflite_predict: resize_tensor_input to x.shape, then "
                                  "allocate_tensors, before set_tensor")
    for x, result in zip(batches, got, strict=True):
        what = f"tflite_predict on a batch of {len(x)} ({x.dtype})"
        if result["type"] != "ndarray" or result["output"].dtype != np.float32:
            raise fail(f"{what}: a float32 NumPy ndarray",
                       f"{result['type']} of dtype {result['output'].dtype}",
                       "return interpreter.get_tensor(output_index), a float32 ndarray")
        assert_close(result["output"], _reference_oracle(x), f"{what}: shape (B, 3) outputs",
                     "resize the input to x.shape, allocate_tensors, cast x to the input "
                     "dtype (float64 arrives too), and keep the batch axis",
                     rtol=1e-4, atol=1e-5)


@pytest.mark.behaviour
@pytest.mark.points(3)
def test_tflite_predict_runs_its_own_float_and_quantized_flatbuffers(submission, device):
    got = converted(submission, device, "mlp")
    x = _x("mlp")
    expected = oracle("mlp", _weights("mlp", 28), x)
    for name in ("float", "quantized"):
        result = got[f"{name}_predict"]
        what = f"tflite_predict(to_tflite(model, quantize={name != 'float'}), x)"
        if result["type"] != "ndarray" or result["output"].dtype != np.float32:
            raise fail(f"{what}: a float32 NumPy ndarray",
                       f"{result['type']} of dtype {result['output'].dtype}", "tflite_predict")
        if name == "float":
            assert_close(result["output"], expected, what, "tflite_predict and to_tflite",
                         rtol=1e-4, atol=1e-5)
        else:
            _within_5_percent(result["output"], expected, what, "tflite_predict and to_tflite")

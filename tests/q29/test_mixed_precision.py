"""Hidden tests for q29, mixed precision. Verdicts here; the worker only runs probes.py.

Dtypes are judged on the arrays the probe returns (a float16 activation arrives as a
float16 array), and the global policy by its effect on a plain Dense built afterwards.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

from grader.testing import assert_close, assert_finite, assert_shape, fail

BUILD = "build_mixed_precision_model"
RESTORE = ("remember keras.config.dtype_policy() before switching to 'mixed_float16' and "
           "set it back in a finally block (or pass dtype='mixed_float16' to each layer and "
           "leave the global policy alone)")


@pytest.fixture(autouse=True)
def _float32_global_policy():
    """In-process probes run the learner's code here: whatever it leaks, the next test (and
    the next kata) starts from float32."""
    keras.config.set_dtype_policy("float32")
    yield
    keras.config.set_dtype_policy("float32")


def _x(seed: int, n: int, dim: int) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=(n, dim)).astype("float32")


def _run(submission, device, input_dim=12, num_classes=5, n=16, seed=0):
    return submission.call("run_model", device=device, input_dim=input_dim,
                           num_classes=num_classes, x=_x(seed, n, input_dim),
                           look_at=BUILD)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = np.asarray(z, np.float64)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@pytest.mark.shape
@pytest.mark.points(3)
@pytest.mark.parametrize("input_dim,num_classes", [(12, 5), (7, 3)])
def test_output_is_float32_with_one_row_per_input_and_num_classes_columns(
    submission, device, input_dim, num_classes
):
    got = _run(submission, device, input_dim, num_classes, n=9)
    output = got["output"]
    assert_shape(output, (9, num_classes), f"the model's output for 9 inputs of size "
                 f"{input_dim} and num_classes={num_classes}", BUILD)
    if output.dtype != np.float32:
        raise fail("a float32 output", f"{got['output_dtype']}",
                   "the last layer: Dense(num_classes, dtype='float32'), or "
                   "Activation('softmax', dtype='float32') after the logits")
    assert_finite(output, "the model's output", "the output layer")


@pytest.mark.behaviour
@pytest.mark.points(4)
def test_hidden_layers_compute_in_float16_and_keep_float32_variables(submission, device):
    got = _run(submission, device)
    layers = got["layers"]
    if len(layers) < 2:
        raise fail("at least one hidden layer with weights before the output layer",
                   f"{len(layers)} layer(s) with weights", BUILD)
    for layer in layers[:-1]:
        if layer["output"].dtype != np.float16:
            raise fail(f"hidden layer {layer['name']!r} to compute in float16",
                       f"its output in {layer['output_dtype']}",
                       "the 'mixed_float16' policy (not 'float32' or 'mixed_bfloat16') while "
                       "the hidden layers are created, or dtype='mixed_float16' on each")
        for value, dtype in zip(layer["variables"], layer["variable_dtypes"], strict=True):
            if value.dtype != np.float32:
                raise fail(f"the variables of {layer['name']!r} in float32",
                           f"a {dtype} variable of shape {value.shape}",
                           "'mixed_float16' keeps variables in float32; the 'float16' policy "
                           "does not, and small updates then round away")


@pytest.mark.behaviour
@pytest.mark.points(4)
def test_output_is_computed_in_float32(submission, device):
    got = _run(submission, device, seed=1)
    if not got["layers"]:
        raise fail("layers with weights", "none", BUILD)
    last = got["layers"][-1]
    produced, output = last["output"], got["output"]
    if produced.shape != output.shape:
        raise fail(f"the last layer with weights to output the model's shape {output.shape}",
                   f"{last['name']!r} outputs {produced.shape}", BUILD)
    if produced.dtype == np.float32 and np.allclose(output, produced, rtol=1e-6, atol=1e-7):
        return  # the last Dense itself computes in float32
    softmax_error = float(np.max(np.abs(output - _softmax(produced))))
    if softmax_error <= 1e-6:
        return  # a float32 softmax on the last layer's (float16) logits
    raise fail(
        "the output computed in float32: either the last Dense runs in float32, or a "
        "float32 softmax follows the float16 logits (float32 precision, error <= 1e-6)",
        f"the last layer with weights, {last['name']!r}, computes in {last['output_dtype']}, "
        "and the model's output is neither that output nor a float32 softmax of it "
        f"(largest difference from a float32 softmax {softmax_error:.2g})",
        "a float32 'linear' Activation only casts float16 values; compute the softmax "
        "itself in float32: Activation('softmax', dtype='float32')",
    )


@pytest.mark.behaviour
@pytest.mark.claim
@pytest.mark.points(2)
@pytest.mark.parametrize("before", ["float32", "mixed_bfloat16", "float64"])
def test_global_policy_name_is_the_same_after_building(submission, before):
    got = submission.call("policy_after_build", before=before, input_dim=6, num_classes=3,
                          look_at=BUILD)
    if got != before:
        raise fail(f"the global dtype policy {before!r} after building, as before it",
                   f"{got!r}", RESTORE)


def _dense_case(seed: int):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(4, 3))
    kernel = rng.normal(size=(3, 2))
    bias = rng.normal(size=(2,))
    return x, kernel, bias


def _check_plain_dense(got, before: str, x, kernel, bias, when: str) -> None:
    dtype = np.dtype(before)
    if got["output"].dtype != dtype or got["kernel"].dtype != dtype:
        raise fail(
            f"a plain Dense created {when} to compute in {before} with {before} weights, as "
            f"the caller's global policy {before!r} says",
            f"output {got['output_dtype']}, kernel {got['kernel'].dtype}: the global policy "
            "was changed",
            RESTORE,
        )
    tol = 1e-12 if before == "float64" else 1e-5
    assert_close(got["output"], x @ kernel + bias, f"the plain Dense's output {when}",
                 RESTORE, rtol=tol, atol=tol)


@pytest.mark.behaviour
@pytest.mark.points(3)
@pytest.mark.parametrize("before", ["float32", "float64"])
def test_layers_built_afterwards_compute_in_the_callers_policy(submission, device, before):
    x, kernel, bias = _dense_case(2)
    got = submission.call("later_dense", device=device, before=before, input_dim=6,
                          num_classes=3, x=x.astype(before), kernel=kernel, bias=bias,
                          look_at=BUILD)
    if got["raised"]:
        raise fail(f"{BUILD}(6, 3) to build", f"it raised {got['raised']}", BUILD)
    _check_plain_dense(got, before, x, kernel, bias, f"after {BUILD}(6, 3)")


@pytest.mark.behaviour
@pytest.mark.points(2)
def test_policy_is_restored_when_building_raises(submission, device):
    x, kernel, bias = _dense_case(3)
    got = submission.call("later_dense", device=device, before="float64", input_dim=6,
                          num_classes=0, x=x, kernel=kernel, bias=bias, look_at=BUILD)
    if not got["raised"]:
        raise fail(f"{BUILD}(6, num_classes=0) to raise (Dense(0) is invalid) and the error "
                   "to reach the caller", "no exception", "do not swallow exceptions")
    _check_plain_dense(got, "float64", x, kernel, bias, "after the failed build")


@pytest.mark.behaviour
@pytest.mark.points(2)
def test_importing_the_module_leaves_the_policy_alone(submission, device):
    x, kernel, bias = _dense_case(4)
    got = submission.call("dense_after_import", device=device, before="float64", input_dim=6,
                          num_classes=3, x=x, kernel=kernel, bias=bias,
                          look_at="code at the top level of mixed_precision.py")
    _check_plain_dense(got, "float64", x, kernel, bias,
                       "after importing your module and building its model")

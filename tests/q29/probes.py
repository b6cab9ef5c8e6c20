"""Worker-side half of q29's hidden tests: build the learner's mixed-precision model under a
global policy the test chose, and return activations and variables as arrays.

Probes compute no verdicts. Every probe starts by setting the global dtype policy the test
asked for and resets it to float32 in a `finally` block, so a submission that leaks its
policy cannot change the next probe's starting point.
"""

from __future__ import annotations

import importlib.util
import sys
from typing import Any

import keras
import numpy as np

PLAIN_KINDS = "biuf"


def _array(value: Any) -> np.ndarray:
    """A NumPy copy with its dtype kept; dtypes the wire cannot carry (bfloat16) become
    float32, which the tests never accept where float16 is due."""
    array = np.asarray(value)
    return array if array.dtype.kind in PLAIN_KINDS else array.astype("float32")


def _owns_weights(layer: Any) -> bool:
    sublayers = list(layer._flatten_layers(include_self=False, recursive=False))
    return bool(layer.weights) and not sublayers


def _capture_calls(model: Any, x: np.ndarray) -> tuple[list[dict[str, Any]], Any]:
    """Run the model eagerly; record, in call order, the output of every layer that owns
    weights (what its `call` returned, i.e. in its compute dtype) and its variables."""
    leaves = [layer for layer in model._flatten_layers(include_self=False, recursive=True)
              if _owns_weights(layer)]
    records: list[dict[str, Any]] = []

    def wrap(layer: Any) -> None:
        original = layer.call

        def call(*args: Any, **kwargs: Any) -> Any:
            out = original(*args, **kwargs)
            records.append({"layer": layer, "name": layer.name, "output": _array(out),
                            "output_dtype": str(np.asarray(out).dtype)})
            return out

        object.__setattr__(layer, "call", call)

    own_calls = [layer.__dict__.get("call") for layer in leaves]
    for layer in leaves:
        wrap(layer)
    try:
        output = model(x, training=False)
    finally:
        for layer, own in zip(leaves, own_calls, strict=True):
            if own is None:
                object.__delattr__(layer, "call")
            else:
                object.__setattr__(layer, "call", own)
    # Read outside the forward pass: inside a mixed layer's call, variables read as float16.
    for record in records:
        variables = record.pop("layer").weights
        record["variables"] = [_array(v.numpy()) for v in variables]
        record["variable_dtypes"] = [str(v.dtype) for v in variables]
    return records, output


def run_model(sub: Any, *, input_dim: int, num_classes: int, x: np.ndarray) -> dict[str, Any]:
    keras.config.set_dtype_policy("float32")
    try:
        model = sub.build_mixed_precision_model(input_dim, num_classes)
        records, output = _capture_calls(model, x)
        return {
            "layers": records,
            "output": _array(output),
            "output_dtype": str(np.asarray(output).dtype),
        }
    finally:
        keras.config.set_dtype_policy("float32")


def policy_after_build(
    sub: Any, *, before: str, input_dim: int, num_classes: int
) -> str:
    """The global policy's name after building (the learner's word: a claim)."""
    keras.config.set_dtype_policy(before)
    try:
        sub.build_mixed_precision_model(input_dim, num_classes)
        return str(keras.config.dtype_policy().name)
    finally:
        keras.config.set_dtype_policy("float32")


def _plain_dense(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray) -> dict[str, Any]:
    """A plain Dense created now, under whatever global policy is in force."""
    layer = keras.layers.Dense(kernel.shape[1])
    layer.build(x.shape)
    layer.kernel.assign(kernel.astype(layer.kernel.dtype))
    layer.bias.assign(bias.astype(layer.bias.dtype))
    return {"kernel": _array(layer.kernel), "output": _array(layer(x)),
            "output_dtype": str(np.asarray(layer(x)).dtype)}


def later_dense(
    sub: Any, *, before: str, input_dim: int, num_classes: int, x: np.ndarray,
    kernel: np.ndarray, bias: np.ndarray,
) -> dict[str, Any]:
    """Build the learner's model under `before`, then a plain Dense: its dtypes show the
    global policy the caller is left with. A build that raises is recorded, not raised."""
    keras.config.set_dtype_policy(before)
    try:
        try:
            sub.build_mixed_precision_model(input_dim, num_classes)
            raised = ""
        except NotImplementedError:
            raise
        except Exception as exc:  # noqa: BLE001 - the test expects some builds to raise
            raised = type(exc).__name__
        return {"raised": raised, **_plain_dense(x, kernel, bias)}
    finally:
        keras.config.set_dtype_policy("float32")


def dense_after_import(
    sub: Any, *, before: str, input_dim: int, num_classes: int, x: np.ndarray,
    kernel: np.ndarray, bias: np.ndarray,
) -> dict[str, Any]:
    """Import a fresh copy of the learner's module under `before` and build its model,
    then a plain Dense."""
    keras.config.set_dtype_policy(before)
    name = "kata_q29_fresh_import"
    try:
        spec = importlib.util.spec_from_file_location(name, sub.module.__file__)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        module.build_mixed_precision_model(input_dim, num_classes)
        return _plain_dense(x, kernel, bias)
    finally:
        sys.modules.pop(name, None)
        keras.config.set_dtype_policy("float32")

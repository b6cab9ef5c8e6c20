"""q29: mixed precision. Build a classifier whose hidden layers compute in float16.

Under the `mixed_float16` dtype policy a layer keeps its variables in float32 and computes
in float16: on GPUs with tensor cores that is faster and halves the memory of activations,
while float32 variables keep small weight updates from rounding away. The output is
computed in float32, because a float16 softmax rounds small probabilities to 0.

The policy is global state (`keras.config.set_dtype_policy`): whatever your function does,
the caller's policy must read the same afterwards, also when building raises, and importing
this module must not change it. See the README beside this file.

What the hidden tests check:
    shape      the output is float32, shape (B, num_classes), for float32 inputs.
    behaviour  every layer with weights except the last computes in float16 with float32
               variables; the output is computed in float32; the global policy is the same
               after the call (float32, mixed_bfloat16 and float64 callers), after a build
               that raises (num_classes=0), and after importing this module.
"""

from __future__ import annotations

import keras
from keras import layers  # noqa: F401


def build_mixed_precision_model(input_dim: int, num_classes: int) -> keras.Model:
    """A small classifier with float16 hidden layers and a float32 output.

    Args:
        input_dim: number of float32 input features.
        num_classes: number of classes (softmax probabilities or logits, your choice).

    Returns:
        A Keras model (any API, compiled or not) mapping float32 `(B, input_dim)` to
        float32 `(B, num_classes)`. The global dtype policy reads the same afterwards.

    Tested: dtypes of the hidden activations, variables and output; the global policy
    after the call, after a call that raises, and after importing the module.
    """
    # TODO: switch to "mixed_float16" (remember the old policy), build the layers, end with
    # a float32 output, and restore the old policy in a `finally` block.
    raise NotImplementedError("build_mixed_precision_model")

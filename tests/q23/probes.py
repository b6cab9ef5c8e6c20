"""Worker-side half of q23's hidden tests: call the learner's shape functions on the
configurations the test sends, all in one call, and return what they returned.

Pairs arrive as JSON lists and are passed on as tuples, as the contract says. Each result is
sent back as plain data: a list of the returned values (NumPy integers become Python ints,
anything else is described by its type name), or {"raised": "..."} when the call raised, so
one bad configuration does not hide the others. The test judges every value.
"""

from __future__ import annotations

from typing import Any

import numpy as np

FUNCTIONS = ("conv_output_shape", "pool_output_shape", "conv_params")


def _argument(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _plain(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return f"<{type(value).__name__}>"


def batch(sub: Any, *, calls: list[dict[str, Any]]) -> list[Any]:
    """`call["function"](*call["args"], **call["kwargs"])` for each call, in order."""
    results = []
    for call in calls:
        if call["function"] not in FUNCTIONS:
            raise ValueError(f"unknown function {call['function']!r}")
        learner_function = getattr(sub, call["function"])
        args = [_argument(a) for a in call["args"]]
        kwargs = {key: _argument(v) for key, v in call["kwargs"].items()}
        try:
            results.append(_plain(learner_function(*args, **kwargs)))
        except NotImplementedError:
            raise
        except Exception as exc:  # noqa: BLE001 - reported per configuration
            results.append({"raised": f"{type(exc).__name__}: {exc}"[:300]})
    return results

"""q14: minority-recall gain of class_weight=class_weights(y) over no weights (higher is
better)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _hidden import hidden  # noqa: E402


def sweep(transport, seed: int) -> float:  # type: ignore[no-untyped-def]
    return hidden("q14", "test_imbalance").recall_gain(transport, seed)[0]

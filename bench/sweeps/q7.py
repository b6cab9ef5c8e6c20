"""q7: ROC AUC of same-digit vs different-digit held-out pairs (higher is better)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _hidden import hidden  # noqa: E402


def sweep(transport, seed: int) -> float:  # type: ignore[no-untyped-def]
    tests = hidden("q7", "test_siamese")
    return float(tests.run_separation(transport, seed)[0])

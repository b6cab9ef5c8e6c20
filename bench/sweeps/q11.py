"""q11: held-out digit accuracy of the regularized MLP after 15 epochs (higher is better)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _hidden import hidden  # noqa: E402


def sweep(transport, seed: int) -> float:  # type: ignore[no-untyped-def]
    tests = hidden("q11", "test_regularization")
    return tests.run_convergence(transport, seed)[0]

"""q3: held-out accuracy on labels that need both inputs, after 8 epochs (higher is better)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _hidden import hidden  # noqa: E402


def sweep(transport, seed: int) -> float:  # type: ignore[no-untyped-def]
    tests = hidden("q3", "test_multi_input")
    return float(tests.run_convergence(transport, seed)[0])

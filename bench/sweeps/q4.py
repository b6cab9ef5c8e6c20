"""q4: held-out binary cross-entropy after 5 epochs (lower is better)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _hidden import hidden  # noqa: E402


def sweep(transport, seed: int) -> float:  # type: ignore[no-untyped-def]
    tests = hidden("q4", "test_training_loop")
    return float(tests.run_convergence(transport, seed)[-1])

"""q5: held-out reconstruction MSE / mean-image MSE after the test's training (lower is
better)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _hidden import hidden  # noqa: E402


def sweep(transport, seed: int) -> float:  # type: ignore[no-untyped-def]
    tests = hidden("q5", "test_autoencoder")
    return float(tests.run_reconstruction(transport, seed))

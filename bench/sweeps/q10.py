"""q10: distance of the generated mean from the 1-D target's mean after training (lower is
better)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _hidden import hidden  # noqa: E402


def sweep(transport, seed: int) -> float:  # type: ignore[no-untyped-def]
    tests = hidden("q10", "test_gan")
    return float(tests.run_gan(transport, seed)["distance"])

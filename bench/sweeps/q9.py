"""q9: held-out accuracy of the attention classifier on "is token 7 present" (higher is better)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _hidden import hidden  # noqa: E402


def sweep(transport, seed: int) -> float:  # type: ignore[no-untyped-def]
    tests = hidden("q9", "test_attention")
    return float(tests.run_presence(transport, seed)[0])

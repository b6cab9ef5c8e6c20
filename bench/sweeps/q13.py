"""q13: held-out accuracy on digits 5-9 with the pretrained base, 10 epochs (higher is
better). The base is pretrained once (in the test module's cache) and reused for every seed."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _hidden import hidden  # noqa: E402

_TESTS = []


def sweep(transport, seed: int) -> float:  # type: ignore[no-untyped-def]
    if not _TESTS:
        _TESTS.append(hidden("q13", "test_transfer"))
    return _TESTS[0].run_convergence(transport, seed)[0]

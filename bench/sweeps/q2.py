"""q2: held-out accuracy after 3 epochs, the worse of the LSTM and the Bidirectional variant
(higher is better)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _hidden import hidden  # noqa: E402


def sweep(transport, seed: int) -> float:  # type: ignore[no-untyped-def]
    tests = hidden("q2", "test_lstm")
    lstm = tests.run_convergence(transport, seed, False)[0]
    both = tests.run_convergence(transport, seed, True)[0]
    print(f"  seed {seed}: LSTM {lstm:.4f}, Bidirectional {both:.4f}", flush=True)
    return min(lstm, both)

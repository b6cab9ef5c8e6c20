"""q15: minority-recall gain of focal loss (alpha=0.9) over plain BCE (higher is better)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _hidden import hidden  # noqa: E402


def sweep(transport, seed: int) -> float:  # type: ignore[no-untyped-def]
    tests = hidden("q15", "test_focal_loss")
    x, y = tests.skewed_data(2 * seed)
    x_eval, y_eval = tests.skewed_data(2 * seed + 1)
    got = transport.call("skewed_training", seed=seed, x=x, y=y, x_eval=x_eval, alpha=0.9,
                         epochs=8, train_seed=seed)
    return tests.recall(y_eval, got["focal"]) - tests.recall(y_eval, got["bce"])

"""q21: |w - w_ls| + |b - b_ls| of linear_regression, the worse of the hidden tests' two
settings (x ~ N(0, 1), lr 0.1, 200 steps; x ~ U(0, 2), lr 0.3, 500 steps) on one data seed
(lower is better)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from _hidden import hidden  # noqa: E402


def sweep(transport, seed: int) -> float:  # type: ignore[no-untyped-def]
    tests = hidden("q21", "test_gradients")
    errors = []
    for kind, lr, steps in (("normal", 0.1, 200), ("uniform", 0.3, 500)):
        x, y = tests.regression_data(kind, seed)
        errors.append(tests.regression_error(transport, x, y, lr, steps)[0])
    return max(errors)

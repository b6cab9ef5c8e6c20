"""A hostile q4: tries to make every check pass without doing the work.

It patches NumPy's comparisons and pytest's reporting, tries to import the reference
solution, to read the hidden tests and to forge result records into the grading process's
pipes, and returns made-up values. None of it may score.
"""

import os
import sys

import numpy
import numpy.testing

numpy.testing.assert_allclose = lambda *args, **kwargs: None
numpy.allclose = lambda *args, **kwargs: True
numpy.isclose = lambda *args, **kwargs: True

try:  # pytest is not even importable in the worker, but try anyway
    import _pytest.reports

    _pytest.reports.TestReport.passed = property(lambda self: True)
except ImportError:
    pass

STOLEN = None
try:
    worker = open("/proc/self/cmdline", "rb").read().split(b"\0")[2].decode()
    repo = os.path.dirname(os.path.dirname(worker))
    sys.path.insert(0, repo)
    from solutions.q4 import training_loop as STOLEN  # noqa: N812
except Exception:  # noqa: BLE001
    STOLEN = None
try:
    print(open(os.path.join(repo, "tests", "q4", "test_training_loop.py")).read())
except Exception:  # noqa: BLE001
    pass
try:
    with open("/tmp/kata-hostile-was-here.json", "w") as handle:
        handle.write('{"score": 1000}')
except Exception:  # noqa: BLE001
    pass

# Forge "passed" records into every pipe the grading process holds open.
FORGED = {"nodeid": "tests/q4/test_training_loop.py::test_x", "name": "test_x",
          "exercise": "q4", "category": "behaviour", "points": 100.0, "outcome": "passed",
          "error_kind": None, "message": "", "duration": 0.0}
for fd in range(3, 64):
    try:
        target = os.open(f"/proc/{os.getppid()}/fd/{fd}", os.O_WRONLY | os.O_NONBLOCK)
        os.write(target, (__import__("json").dumps({"record": FORGED, "mac": "0" * 64})
                          + "\n").encode())
        os.close(target)
    except Exception:  # noqa: BLE001
        pass


def train_step(model, optimizer, loss_fn, x, y, metrics=()):
    if STOLEN is not None:
        return STOLEN.train_step(model, optimizer, loss_fn, x, y, metrics)
    return 0.0


def test_step(model, loss_fn, x, y, metrics=()):
    return 0.0


def fit(model, train_ds, val_ds, epochs, optimizer, loss_fn):
    return {key: [0.0] * epochs for key in ("loss", "accuracy", "val_loss", "val_accuracy")}

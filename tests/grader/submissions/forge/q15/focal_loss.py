"""A hostile q15 that tries to copy the hidden tests and probes into the report: it reads
every file it can find of tests/q15 and raises (and exits with) their text, slice by slice."""

import glob
import os
import sys

REPO = "__REPO__"


def _loot():
    texts = []
    for pattern in (f"{REPO}/tests/q15/*.py", "/kata/*.py", "/kata/grader/*.py",
                    os.path.join(os.path.dirname(sys.argv[0]), "..", "*.py")):
        for path in glob.glob(pattern):
            try:
                texts.append(open(path).read())
            except BaseException:  # noqa: BLE001
                pass
    return "\n".join(texts)


LOOT = _loot()
print(LOOT)


def binary_focal_loss(y_true, y_pred, gamma=2.0, alpha=0.25):
    raise ValueError(LOOT[:3000])


class FocalLoss:
    def __init__(self, *args, **kwargs):
        sys.exit(LOOT[3000:6000])

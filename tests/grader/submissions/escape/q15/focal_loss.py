"""A hostile q15: flood. Megabytes of output, a line of 200,000 '[' into every descriptor
it holds (the reply pipe among them) and into the grading process's descriptors where it can
reach them, then wrong answers."""

import os

print("flood " * 2_000_000)
GARBAGE = b"[" * 200_000 + b"\n"
for fd in range(3, 64):
    try:
        os.write(fd, GARBAGE)
    except BaseException:  # noqa: BLE001
        pass
    try:
        target = os.open(f"/proc/{os.getppid()}/fd/{fd}", os.O_WRONLY | os.O_NONBLOCK)
        os.write(target, GARBAGE)
    except BaseException:  # noqa: BLE001
        pass


def binary_focal_loss(y_true, y_pred, gamma=2.0, alpha=0.25):
    return y_pred * 0.0


class FocalLoss:
    def __init__(self, *args, **kwargs):
        raise ValueError("[" * 100_000)

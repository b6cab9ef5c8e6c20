"""A hostile q7: stall the grader. It writes three bytes of a reply frame into the worker's
reply pipe and sleeps, and (where it can see them) stops the grading session with SIGSTOP
and ends its parent with SIGTERM. Only q7 may lose its points."""

import os
import signal
import sys
import time


def _stall(*args, **kwargs):
    try:
        os.write(int(sys.argv[2]), b"\x00\x00\x00")  # the worker's reply pipe
    except BaseException:  # noqa: BLE001
        pass
    for pid, sig in ((os.getppid(), signal.SIGSTOP), (os.getppid(), signal.SIGTERM)):
        try:
            os.kill(pid, sig)
        except BaseException:  # noqa: BLE001
            pass
    time.sleep(10**6)


build_encoder = build_siamese = euclidean_distance = contrastive_loss = _stall

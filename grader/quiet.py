"""Importing TensorFlow without its start-up noise, and ready to share a GPU."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


def silence_tensorflow_logs() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    # oneDNN's log line and its slightly different round-off: the worker sets the same.
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


@contextlib.contextmanager
def stderr_to_devnull() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null: TF's C++ logs before absl starts ignore its level."""
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def import_tensorflow_quietly() -> None:
    silence_tensorflow_logs()
    if "tensorflow" in sys.modules:
        return
    with stderr_to_devnull():
        import tensorflow as tf
    tf.get_logger().setLevel("ERROR")
    # The grading process and a worker share the GPU; by default each would claim all of it.
    for gpu in tf.config.list_physical_devices("GPU"):
        try:
            tf.config.experimental.set_memory_growth(gpu, True)
        except RuntimeError:  # already initialised by the caller: leave it as it is
            pass
    try:
        import absl.logging

        absl.logging.set_verbosity(absl.logging.ERROR)
    except ImportError:
        pass

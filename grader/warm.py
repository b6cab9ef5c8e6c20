"""A warm process for the learner's loop: TensorFlow imported once, every run in a fresh fork.

`kata watch` calls `warm_up()` once (TensorFlow, Keras, NumPy and pytest imported, no
TensorFlow op run: a fork after an op hangs, research tech-facts §5) and then
`run_forked(args)` on every save: a child forked from the warm parent runs
``pytest.main(args)`` and exits. The learner's module is imported in that child only, so
nothing of the previous save (a global, a registered Keras object, a half-built model)
survives into the next run. This is the learner's own code on the learner's own machine, so
there is no sandbox here; grading never uses this path.
"""

from __future__ import annotations

import os
import sys

_warm = False


def warm_up() -> None:
    """Import what a kata's visible tests need, without running any TensorFlow op."""
    global _warm
    if _warm:
        return
    os.environ.setdefault("TF_FORCE_GPU_ALLOW_GROWTH", "true")
    from grader import quiet

    quiet.silence_tensorflow_logs()
    with quiet.stderr_to_devnull():
        import keras  # noqa: F401
        import tensorflow as tf
    tf.get_logger().setLevel("ERROR")
    import numpy  # noqa: F401
    import pytest  # noqa: F401

    from grader import collect, loading, testing  # noqa: F401

    _warm = True


def is_warm() -> bool:
    """True once `warm_up` ran and no TensorFlow op has run here since (safe to fork)."""
    if not _warm:
        return False
    from tensorflow.python.eager import context

    return not context.context()._initialized  # noqa: SLF001 - no public way to ask


def run_forked(args: list[str], cwd: str) -> int:
    """Run ``pytest.main(args)`` from `cwd` in a child forked from this warm process.

    Returns the child's exit code (pytest's, or 70 when it could not run).
    """
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child, which never returns
        code = 70
        try:
            import pytest

            os.chdir(cwd)
            code = int(pytest.main(args))
        except BaseException:  # noqa: BLE001 - whatever happens, the child ends here
            import traceback

            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)

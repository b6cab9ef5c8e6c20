"""Visible tests for q6. Run them with `pytest exercises/q6`; the hidden tests go further."""

import math

import numpy as np

from grader.testing import assert_close, fail


def test_warmup_ramps_up_then_decays(learner):
    schedule = learner.WarmupDecay(0.01, 10, 100)
    got = [float(np.asarray(schedule(step))) for step in (0, 5, 10, 55)]
    assert_close(got, [0.0, 0.005, 0.009, 0.0045],
                 "rates 0, 0.005, 0.009, 0.0045 at steps 0, 5, 10, 55 for WarmupDecay(0.01, 10, "
                 "100)", "min(initial_lr * step / warmup_steps, initial_lr * (1 - step / "
                 "decay_steps))", rtol=1e-5, atol=1e-9)


def test_schedule_accepts_an_int64_step_tensor(learner):
    import tensorflow as tf

    schedule = learner.WarmupDecay(0.01, 10, 100)
    assert_close(float(np.asarray(schedule(tf.constant(5, tf.int64)))), 0.005,
                 "0.005 at an int64 step tensor 5", "cast the step to float first",
                 rtol=1e-5)


def test_get_config_holds_the_three_arguments(learner):
    config = learner.WarmupDecay(0.01, 10, 100).get_config()
    expected = {"initial_lr": 0.01, "warmup_steps": 10, "decay_steps": 100}
    if {key: config.get(key) for key in expected} != expected:
        raise fail(f"get_config() to contain {expected}", f"{config}", "get_config()")


def test_step_decay_keeps_then_shrinks_the_rate(learner):
    got = [learner.step_decay(9, 0.1), learner.step_decay(10, 0.1)]
    assert_close(got, [0.1, 0.1 * math.exp(-0.1)], "0.1 at epoch 9, 0.1 * exp(-0.1) at epoch 10",
                 "step_decay: lr for epochs 0-9, lr * exp(-0.1) after", rtol=1e-6)


def test_reduce_on_plateau_is_a_callback(learner):
    import keras

    callback = learner.reduce_on_plateau()
    if not isinstance(callback, keras.callbacks.ReduceLROnPlateau):
        raise fail("a keras.callbacks.ReduceLROnPlateau", type(callback).__name__,
                   "reduce_on_plateau()")

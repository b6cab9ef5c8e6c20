"""Hidden tests for q6, learning-rate schedules. Formulas and verdicts here; the worker only
runs probes.py."""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest

from grader.keras_archive import read_keras_archive
from grader.testing import assert_close, fail

ARGS = {"initial_lr": 0.02, "warmup_steps": 8, "decay_steps": 40}
INT_STEPS = [0, 1, 4, 7, 8, 9, 20, 39]   # ramp, peak region, decay
FLOAT_STEPS = [0.0, 2.5, 6.4, 7.5, 12.25, 33.3]
LATE_STEPS = [40, 41, 80, 1000, 10**6]   # at and after decay_steps: the seed goes negative
FORMULA = "max(0, min(initial_lr * step / warmup_steps, initial_lr * (1 - step / decay_steps)))"


def warmup_decay(step: float, initial_lr: float, warmup_steps: int, decay_steps: int) -> float:
    """The contract's formula (the seed's, clipped at 0), in float64."""
    return max(0.0, min(initial_lr * step / warmup_steps,
                        initial_lr * (1.0 - step / decay_steps)))


def _check_values(got: dict, cases: dict, args: dict, look_at: str) -> None:
    for kind, steps in cases.items():
        shapes = {tuple(v["shape"]) for v in got[kind]}
        kinds = {v["kind"] for v in got[kind]}
        if shapes != {()} or kinds != {"f"}:
            raise fail(f"a float scalar (shape ()) for a {kind} step",
                       f"shapes {sorted(shapes)}, dtype kinds {sorted(kinds)}",
                       "return one float value; cast the step with keras.ops.cast(step, "
                       "'float32') before the arithmetic")
        expected = [warmup_decay(s, **args) for s in steps]
        assert_close([v["value"] for v in got[kind]], expected,
                     f"{FORMULA} at steps {steps} given as {kind}", look_at,
                     rtol=1e-5, atol=1e-9)


@pytest.mark.behaviour
@pytest.mark.points(3)
def test_schedule_equals_formula_for_python_and_numpy_steps(submission, device):
    cases = {"python_int": INT_STEPS, "numpy_int64": INT_STEPS,
             "python_float": FLOAT_STEPS, "numpy_float32": FLOAT_STEPS}
    got = submission.call("schedule_values", device=device, args=ARGS, cases=cases,
                          look_at="WarmupDecay.__call__")
    _check_values(got, cases, ARGS, "__call__: warm-up ramp initial_lr * step / warmup_steps, "
                  "decay initial_lr * (1 - step / decay_steps), the smaller of the two")


@pytest.mark.behaviour
@pytest.mark.points(3)
def test_schedule_equals_formula_for_int_and_float_tensor_steps(submission, device):
    cases = {"tensor_int32": INT_STEPS, "tensor_int64": INT_STEPS,
             "variable_int64": INT_STEPS, "keras_variable_int64": INT_STEPS,
             "tensor_float32": FLOAT_STEPS}
    got = submission.call("schedule_values", device=device, args=ARGS, cases=cases,
                          look_at="optimizers pass an int64 step tensor: cast it to float "
                                  "(keras.ops.cast(step, 'float32')) before multiplying by "
                                  "initial_lr")
    _check_values(got, cases, ARGS, "cast the step to float before the arithmetic: "
                  "0.02 * an int tensor fails, and int division truncates")


@pytest.mark.behaviour
@pytest.mark.points(2)
def test_schedule_is_zero_not_negative_after_decay_steps(submission, device):
    cases = {"python_int": LATE_STEPS, "tensor_int64": LATE_STEPS,
             "python_float": [float(s) + 0.5 for s in LATE_STEPS]}
    got = submission.call("schedule_values", device=device, args=ARGS, cases=cases,
                          look_at="WarmupDecay.__call__: cast the step to float, then clip "
                                  "the minimum at 0")
    for kind, values in got.items():
        lowest = min(v["value"] for v in values)
        if not lowest >= 0.0:
            raise fail(f"a rate >= 0 at every step after decay_steps={ARGS['decay_steps']} "
                       f"({kind} steps {cases[kind]})",
                       f"{[v['value'] for v in values]}",
                       "1 - step / decay_steps turns negative: clip with "
                       "keras.ops.maximum(0.0, ...)")
    _check_values(got, cases, ARGS, "keras.ops.maximum(0.0, ...) around the minimum")


@pytest.mark.behaviour
@pytest.mark.points(2)
def test_schedule_works_inside_tf_function(submission, device):
    cases = {"tensor_int64": INT_STEPS + LATE_STEPS[:2], "variable_int64": INT_STEPS,
             "tensor_float32": FLOAT_STEPS}
    got = submission.call("schedule_values", device=device, args=ARGS, cases=cases, graph=True,
                          look_at="model.fit calls the schedule inside a tf.function: use "
                                  "keras.ops (minimum, maximum, cast), not Python's min/max/"
                                  "float or NumPy on the step")
    _check_values(got, cases, ARGS, "keras.ops.minimum / keras.ops.maximum instead of "
                  "Python's min/max, which need a concrete value")


@pytest.mark.serialization
@pytest.mark.points(3)
def test_serialize_and_deserialize_rebuild_the_same_schedule(submission, device):
    args = {"initial_lr": 0.003, "warmup_steps": 5, "decay_steps": 25}
    steps = [0, 2, 5, 6, 24, 30]
    got = submission.call("deserialized_values", device=device, args=args, steps=steps,
                          look_at="get_config() returning initial_lr, warmup_steps and "
                                  "decay_steps, and @keras.saving.register_keras_serializable() "
                                  "on the class (deserialize looks it up by name)")
    assert_close(got, [warmup_decay(s, **args) for s in steps],
                 f"the rebuilt schedule's rates at steps {steps} for WarmupDecay({args})",
                 "get_config() must return every constructor argument under its name",
                 rtol=1e-5, atol=1e-9)


@pytest.mark.serialization
@pytest.mark.points(3)
def test_optimizer_with_schedule_survives_keras_save_and_load(submission, device):
    args = {"initial_lr": 0.05, "warmup_steps": 4, "decay_steps": 30}
    steps = [0, 1, 4, 10, 29, 35]
    rng = np.random.default_rng(6)
    x = rng.normal(size=(8, 3)).astype("float32")
    y = rng.normal(size=(8, 1)).astype("float32")
    look = ("register WarmupDecay (@keras.saving.register_keras_serializable()) and return its "
            "three arguments from get_config()")
    got = submission.call("keras_round_trip", device=device, args=args, x=x, y=y, steps=steps,
                          look_at=look)
    config = read_keras_archive(got["archive"]).config
    optimizer = (config.get("compile_config") or {}).get("optimizer") or {}
    schedule = (optimizer.get("config") or {}).get("learning_rate")
    if not isinstance(schedule, dict) or schedule.get("class_name") != "WarmupDecay":
        raise fail("the saved optimizer's learning_rate to be a serialized WarmupDecay",
                   f"{schedule!r}", look)
    saved = {key: (schedule.get("config") or {}).get(key) for key in args}
    if saved != args:
        raise fail(f"the file to store WarmupDecay's arguments {args}", f"{saved}",
                   "get_config(): {'initial_lr': ..., 'warmup_steps': ..., 'decay_steps': ...}")
    assert_close(got["values"], [warmup_decay(s, **args) for s in steps],
                 f"the reloaded optimizer's learning rate at steps {steps}", look,
                 rtol=1e-5, atol=1e-9)


def step_decay_oracle(epoch: int, lr: float) -> float:
    return lr if epoch < 10 else lr * math.exp(-0.1)


@pytest.mark.behaviour
@pytest.mark.points(1)
def test_step_decay_keeps_lr_for_ten_epochs_then_multiplies_by_exp_minus_0_1(submission):
    pairs = [[0, 0.1], [5, 0.03], [9, 0.5], [10, 0.1], [11, 0.09], [25, 0.002]]
    got = submission.call("step_decay_values", pairs=pairs, look_at="step_decay")
    assert_close(got, [step_decay_oracle(e, lr) for e, lr in pairs],
                 f"step_decay(epoch, lr) for (epoch, lr) in {pairs}",
                 "epochs 0-9 return lr unchanged; from epoch 10 on return lr * exp(-0.1)",
                 rtol=1e-6, atol=0)


def sgd_with_step_decay(x, y, w, b, lr: float, epochs: int):
    """Full-batch SGD on MSE with the rate LearningRateScheduler(step_decay) sets each epoch."""
    w, b = w.astype(np.float64), b.astype(np.float64)
    rates = []
    for epoch in range(epochs):
        lr = step_decay_oracle(epoch, lr)
        rates.append(lr)
        error = x @ w + b - y
        w = w - lr * 2 * x.T @ error / len(x)
        b = b - lr * 2 * error.mean(axis=0)
    return rates, w, b


@pytest.mark.behaviour
@pytest.mark.points(2)
def test_learning_rate_scheduler_applies_step_decay_every_epoch(submission, device):
    rng = np.random.default_rng(12)
    x = rng.normal(size=(16, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]]) + 0.3).astype("float32")
    w = np.zeros((3, 1), "float32")
    b = np.zeros((1,), "float32")
    got = submission.call("scheduled_training", device=device, x=x, y=y, w=w, b=b, lr=0.1,
                          epochs=13, look_at="step_decay must return a Python float: "
                                             "LearningRateScheduler refuses tensors")
    rates, w_end, b_end = sgd_with_step_decay(x.astype(np.float64), y.astype(np.float64), w, b,
                                              0.1, 13)
    assert_close(got["rates"], rates, "the learning rate of each of 13 epochs: 0.1 for epochs "
                 "0-9, then 0.1 * exp(-0.1 * k)", "step_decay(epoch, lr)", rtol=1e-5)
    assert_close(got["w"], w_end, "the kernel after 13 epochs of SGD at those rates",
                 "step_decay(epoch, lr)", rtol=1e-4, atol=1e-5)
    assert_close(got["b"], b_end, "the bias after 13 epochs of SGD at those rates",
                 "step_decay(epoch, lr)", rtol=1e-4, atol=1e-5)


def plateau_oracle(val_losses, losses, lr: float) -> list[float]:
    """Keras' own ReduceLROnPlateau(monitor='val_loss', factor=0.5, patience=3, min_lr=1e-6)
    driven through the same epochs."""
    import keras

    optimizer = SimpleNamespace(learning_rate=float(np.float32(lr)))
    callback = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=3,
                                                 min_lr=1e-6)
    callback.set_model(SimpleNamespace(optimizer=optimizer))
    callback.on_train_begin()
    rates = []
    for epoch, (val_loss, loss) in enumerate(zip(val_losses, losses, strict=True)):
        callback.on_epoch_end(epoch, {"loss": loss, "val_loss": val_loss})
        rates.append(float(optimizer.learning_rate))
    return rates


@pytest.mark.behaviour
@pytest.mark.points(1)
def test_reduce_on_plateau_halves_after_three_flat_val_loss_epochs_down_to_1e_6(submission):
    # val_loss improves, then stalls (an improvement below min_delta=1e-4 does not count);
    # the training loss keeps falling, so monitoring `loss` would never reduce the rate.
    val_losses = [1.0, 0.8, 0.8, 0.79995, 0.81, 0.7, 0.7, 0.7, 0.75, 0.7, 0.7, 0.7, 0.7, 0.7,
                  0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7, 0.7]
    losses = [1.0 - 0.04 * k for k in range(len(val_losses))]
    got = submission.call("plateau_rates", val_losses=val_losses, losses=losses, lr=1e-5,
                          look_at="reduce_on_plateau()")
    assert_close(got, plateau_oracle(val_losses, losses, 1e-5),
                 "the learning rate after each epoch under ReduceLROnPlateau(monitor="
                 "'val_loss', factor=0.5, patience=3, min_lr=1e-6), starting at 1e-5",
                 "the four arguments of ReduceLROnPlateau in reduce_on_plateau()",
                 rtol=1e-5, atol=0)

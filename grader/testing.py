"""Helpers for hidden and visible tests: comparisons whose failures teach.

Every assertion here raises `KataFailure` (an AssertionError) with three parts: what was
expected, what came back (arrays summarised: shape, dtype, a few values, the largest error),
and what to look at next.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np


class KataFailure(AssertionError):
    """A hidden or visible check failed; the message is written for the learner.

    `details` is optional plain data a report may draw (grader.results.plain_details keeps
    numbers, short strings and lists of numbers): `assert_converged` and `curve_details` put
    a curve there.
    """

    def __init__(self, *args: object, details: Mapping[str, Any] | None = None) -> None:
        super().__init__(*args)
        self.details: dict[str, Any] = dict(details) if details else {}


def fail(
    expected: str, got: str, look_at: str, *, details: Mapping[str, Any] | None = None
) -> KataFailure:
    return KataFailure(f"Expected {expected}.\nGot {got}.\nLook at: {look_at}",
                       details=details)


def summarise(value: Any, limit: int = 6) -> str:
    """A short, readable description of a value, arrays included."""
    if isinstance(value, np.ndarray):
        flat = value.reshape(-1)
        shown = np.array2string(flat[:limit], precision=4, separator=", ", threshold=limit)
        more = ", ..." if flat.size > limit else ""
        return f"array of shape {tuple(value.shape)}, dtype {value.dtype}: {shown[:-1]}{more}]"
    if isinstance(value, float):
        return f"{value:.6g}"
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + "..."


def as_array(value: Any, what: str) -> np.ndarray:
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise fail(f"{what} to be numeric", summarise(value), "the value you return") from None
    return array


def rel_error(x: np.ndarray, y: np.ndarray) -> float:
    """CS231n's relative error: max |x - y| / max(1e-8, |x| + |y|)."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    return float(np.max(np.abs(x - y) / np.maximum(1e-8, np.abs(x) + np.abs(y))))


def assert_shape(value: Any, shape: tuple[int, ...], what: str, look_at: str) -> np.ndarray:
    array = np.asarray(value)
    if tuple(array.shape) != tuple(shape):
        raise fail(f"{what}, shape {tuple(shape)}", summarise(array), look_at)
    return array


def assert_finite(value: Any, what: str, look_at: str) -> np.ndarray:
    array = as_array(value, what)
    if not np.all(np.isfinite(array)):
        bad = int(np.size(array) - np.count_nonzero(np.isfinite(array)))
        raise fail(f"{what} to be finite", f"{bad} NaN/inf values in {summarise(array)}", look_at)
    return array


def assert_close(
    got: Any,
    expected: Any,
    what: str,
    look_at: str,
    *,
    rtol: float = 1e-5,
    atol: float = 1e-6,
) -> None:
    """Like `np.testing.assert_allclose`, with a message for learners."""
    got_a = as_array(got, what)
    exp_a = np.asarray(expected, dtype=np.float64)
    if got_a.shape != exp_a.shape:
        raise fail(f"{what}, shape {exp_a.shape}", summarise(got_a), look_at)
    if not np.all(np.isfinite(got_a) | ~np.isfinite(exp_a)):
        raise fail(f"{what}: {summarise(exp_a)}", f"NaN/inf values: {summarise(got_a)}", look_at)
    if np.any(np.isnan(exp_a)):
        # NaN never equals NaN: two NaN arrays (one of them perhaps sent by the worker) are
        # no evidence of anything.
        raise fail(f"{what}: a finite value", f"{summarise(got_a)}; the value to compare "
                   "with is NaN too, so nothing could be checked", look_at)
    if not np.allclose(got_a, exp_a, rtol=rtol, atol=atol, equal_nan=False):
        err = np.abs(got_a - exp_a)
        idx = np.unravel_index(int(np.argmax(err)), err.shape) if err.size else ()
        raise fail(
            f"{what}: {summarise(exp_a)}",
            f"{summarise(got_a)}\n    largest difference {float(err.max()):.3g} at index "
            f"{tuple(int(i) for i in idx)} (expected {float(exp_a[idx]):.6g}, "
            f"got {float(got_a[idx]):.6g})",
            look_at,
        )


def numeric_gradient(
    f: Callable[[np.ndarray], float], x: np.ndarray, h: float = 1e-6
) -> np.ndarray:
    """Centred finite differences of a scalar function, in float64."""
    x = np.array(x, dtype=np.float64)
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + h
        up = f(x)
        x[i] = old - h
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / (2 * h)
    return grad


def assert_gradient_close(
    got: Any, expected: Any, what: str, look_at: str, *, max_rel_error: float = 1e-4
) -> None:
    """Compare gradients with CS231n's relative error (1e-4 tolerates float32 round-off)."""
    got_a = assert_finite(got, what, look_at)
    exp_a = np.asarray(expected, dtype=np.float64)
    if got_a.shape != exp_a.shape:
        raise fail(f"{what} with shape {exp_a.shape}", summarise(got_a), look_at)
    err = rel_error(got_a, exp_a)
    if err > max_rel_error:
        raise fail(
            f"{what}: {summarise(exp_a)} (relative error at most {max_rel_error:g})",
            f"{summarise(got_a)}, relative error {err:.3g}",
            look_at,
        )


def assert_config(
    config: Any, expected: Mapping[str, Any], what: str, look_at: str
) -> None:
    """A config must be JSON-serializable and hold `expected` keys with equal values.

    Keras 3 builds `get_config()` from `__init__` arguments on its own, so a round trip alone
    proves nothing; the keys and values are what the learner must have written.
    """
    try:
        json.dumps(config)
    except (TypeError, ValueError) as exc:
        raise fail(f"{what} to be JSON-serializable", f"{exc}", look_at) from None
    if not isinstance(config, dict):
        raise fail(f"{what} to be a dict", summarise(config), look_at)
    missing = [key for key in expected if key not in config]
    if missing:
        raise fail(
            f"{what} with the keys {sorted(expected)}",
            f"a config missing {missing}: keys {sorted(config)}",
            look_at,
        )
    for key, value in expected.items():
        if config[key] != value:
            raise fail(f"{what}[{key!r}] == {value!r}", repr(config[key]), look_at)


def curve(values: Iterable[float]) -> str:
    """A metric curve for feedback: '0.69 -> 0.41 -> 0.22'."""
    return " -> ".join(f"{v:.3g}" for v in values)


# A curve for a plot is short: one point per epoch (or per step count), never more than this.
MAX_CURVE_POINTS = 200


def plain_curve(values: Any, *, max_points: int = MAX_CURVE_POINTS) -> list[float] | None:
    """`values` as a list of floats to plot, or None where it is not a curve.

    A curve is a flat list, tuple or 1-D numeric array of 1..max_points real numbers (bools
    are not numbers here); non-finite values become NaN, a gap in the plot. Curves come from
    the worker, directly or through per-epoch outputs, and may be anything: whatever is odd
    about one costs the plot only, never the verdict, so this never raises.
    """
    if isinstance(values, np.ndarray):
        if values.ndim != 1 or values.dtype.kind not in "iuf":
            return None
        values = values.tolist()
    if not isinstance(values, list | tuple) or not 0 < len(values) <= max_points:
        return None
    points = []
    for value in values:
        if isinstance(value, bool | np.bool_) or not isinstance(
                value, int | float | np.integer | np.floating):
            return None
        try:
            number = float(value)
        except (OverflowError, ValueError):
            return None
        points.append(number if math.isfinite(number) else math.nan)
    return points


def curve_of(
    outputs: Any, metric: Callable[[Any], float], *, final: float | None = None
) -> list[float] | None:
    """`metric(output)` for each per-epoch output a probe returned, then `final` (the value
    the verdict used, computed from the probe's last output) where given: a curve to teach.

    The outputs are the worker's and may be anything: a metric that raises on one gives NaN
    there (a gap in the plot), and outputs that are not a list of fewer than
    MAX_CURVE_POINTS give None (no plot). Never raises, so the curve cannot change a verdict.
    """
    if not isinstance(outputs, list | tuple) or len(outputs) >= MAX_CURVE_POINTS:
        return None
    values = []
    for output in outputs:
        try:
            value = float(metric(output))
        except Exception:  # noqa: BLE001 - an odd output costs its point only
            value = math.nan
        values.append(value if math.isfinite(value) else math.nan)
    if final is not None:
        values.append(float(final))
    return values


def curve_details(
    history: Any, threshold: float, *, below: bool = True, final: float | None = None,
    steps: Any = None, log: bool = False,
) -> dict[str, Any]:
    """Plot data for a failed convergence test (`KataFailure.details`; the HTML report draws it).

    `history` is the curve (checked with `plain_curve`; the learner's own per-epoch numbers
    are welcome: the plot teaches, the verdict does not read it). `final` is the value the
    verdict used, where the test computed it apart from the curve; `steps` the x position of
    each point where they are not epochs 1, 2, ...; `log` asks for a logarithmic value axis.
    Returns {} (no plot) when the curve or its steps are not plain data.
    """
    values = plain_curve(history)
    if values is None or not any(math.isfinite(v) for v in values):
        return {}
    details: dict[str, Any] = {"curve": values, "threshold": float(threshold),
                               "direction": "min" if below else "max"}
    if final is not None:
        details["final"] = float(final)
    if steps is not None:
        positions = plain_curve(steps)
        if positions is None or len(positions) != len(values):
            return {}
        details["steps"] = positions
    if log:
        details["scale"] = "log"
    return details


def assert_converged(
    history: Iterable[float], threshold: float, what: str, look_at: str, *, below: bool = True,
    final: float | None = None,
) -> None:
    """The last value of `history` must pass `threshold`; the curve is kept in the message
    and in the failure's `details` for the report's plot.

    With `final`, the verdict is `final` instead (a value the test computed and can check)
    and `history` is shown for teaching only: the learner's own per-epoch numbers, which may
    be anything a worker sent; one that is not a plain curve leaves the failure without plot.
    """
    if final is not None:
        last = float(final)
        shown = plain_curve(history)
        ok = last <= threshold if below else last >= threshold
        if not ok or not np.isfinite(last):
            side = "at most" if below else "at least"
            got = f"{last:.4g}" + (f" (curve: {curve(shown)})" if shown else "")
            raise fail(f"{what} {side} {threshold:g}", got, look_at,
                       details=curve_details(shown, threshold, below=below, final=last))
        return
    values = [float(v) for v in history]
    if not values:
        raise fail(f"a {what} curve", "no values", look_at)
    last = values[-1]
    ok = last <= threshold if below else last >= threshold
    if not ok or not np.isfinite(last):
        side = "at most" if below else "at least"
        failure = fail(f"{what} {side} {threshold:g}", f"{last:.4g} (curve: {curve(values)})",
                       look_at)
        failure.details = {"curve": values, "threshold": float(threshold),
                           "direction": "min" if below else "max"}
        raise failure

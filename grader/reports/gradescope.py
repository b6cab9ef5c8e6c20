"""Gradescope's `results.json` (gradescope/autograder_samples, docs/specs.md).

Top level: `score` (the total: it overrides the sum of the tests), `execution_time` (seconds),
`output`, `output_format`, `tests`. One test entry per hidden test: `name`, `number`
("4.2": kata q4, its second test), `score`, `max_score`, `status` (passed|failed), `output`
(the failure message), `tags` (kata id, category, `claim`), `visibility`.

Every hidden test gets the same visibility: `after_published` unless the render call or
`KATA_GRADESCOPE_VISIBILITY` says `hidden`, `after_due_date` or `visible`. The top-level
`output`, which students always see, then says nothing a hidden test decided: only what
concerns the submission as a whole (an exercise that is missing, does not import, hangs or
is all TODOs, and files that were not graded). Points no test result carries (a grading
session that died, an exercise without hidden tests) are one visible entry per exercise, so
the tests' `max_score` always add up to the total.
"""

from __future__ import annotations

import json
import os
from typing import Any

from grader.reports.common import WHOLE_EXERCISE, fmt, kata_number, num, tests_of, ungraded_points
from grader.results import GradeReport

VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")
DEFAULT_VISIBILITY = "after_published"
VISIBILITY_ENV = "KATA_GRADESCOPE_VISIBILITY"


def hidden_visibility(visibility: str | None = None) -> str:
    """The visibility of hidden tests: the argument, else $KATA_GRADESCOPE_VISIBILITY, else
    `after_published`.

    Raises:
        ValueError: not one of Gradescope's four visibilities.
    """
    chosen = visibility or os.environ.get(VISIBILITY_ENV, "").strip() or DEFAULT_VISIBILITY
    if chosen not in VISIBILITIES:
        raise ValueError(f"{VISIBILITY_ENV}={chosen!r} is not a Gradescope visibility; "
                         f"use one of {', '.join(VISIBILITIES)}")
    return chosen


def _summary(report: GradeReport, shows_results: bool) -> str:
    lines = []
    if shows_results:
        lines.append(f"keras-kata: {fmt(report.score)}/{fmt(report.max_score)} points.")
    else:
        lines.append("keras-kata: the hidden tests' results are shown here once grades are "
                     "published.")
    lines.append(f"{len(report.exercises)} kata(s) graded in {report.duration:.0f} s "
                 f"(isolation: {report.isolation}).")
    for exercise in report.exercises.values():
        if shows_results:
            lines.append(f"{exercise.id} {exercise.title}: {fmt(exercise.score)}/"
                         f"{fmt(exercise.max_score)}, {exercise.status}")
        elif exercise.status in WHOLE_EXERCISE:
            lines.append(f"{exercise.id} {exercise.title}: {exercise.status}: "
                         f"{exercise.message}")
    if report.ignored:
        lines.append("Not graded:")
        lines.extend(f"  {line}" for line in report.ignored)
    return "\n".join(lines)


def results(report: GradeReport, visibility: str | None = None) -> dict[str, Any]:
    """The results.json document as a dict."""
    visibility = hidden_visibility(visibility)
    tests: list[dict[str, Any]] = []
    for position, exercise in enumerate(report.exercises.values(), start=1):
        number = kata_number(exercise.id, position)
        label = f"{exercise.id} {exercise.title}"
        for index, test in enumerate(tests_of(report, exercise), start=1):
            output = test.message
            if test.status == "skipped":
                output = f"skipped: {test.message}" if test.message else "skipped"
            tags = [exercise.id, test.category] + (["claim"] if test.claim else [])
            tests.append({
                "name": f"{label}: {test.name}",
                "number": f"{number}.{index}",
                "score": num(test.score),
                "max_score": num(test.max_score),
                "status": "passed" if test.status == "passed" else "failed",
                "output": output,
                "tags": tags,
                "visibility": visibility,
            })
        missing = ungraded_points(report, exercise)
        if missing > 0:
            tests.append({
                "name": f"{label}: not graded" if tests_of(report, exercise) else label,
                "number": f"{number}.0",
                "score": 0,
                "max_score": num(missing),
                "status": "failed",
                "output": exercise.message,
                "tags": [exercise.id],
                "visibility": "visible",
            })
    return {
        "score": num(report.score),
        "execution_time": round(report.duration),
        "output": _summary(report, visibility == "visible"),
        "output_format": "text",
        "tests": tests,
    }


def render(report: GradeReport, *, visibility: str | None = None) -> str:
    return json.dumps(results(report, visibility), indent=2, ensure_ascii=False) + "\n"

"""Exercism's test-runner interface, version 3 `results.json` (exercism/docs,
building/tooling/test-runners/interface.md).

Top level: `version` 3, `status` (`pass`: every test passed; `error`: no test ran cleanly,
every one errored, e.g. a syntax error or an untouched stub; `fail` otherwise), `message`
(why, when the status is `error`; null otherwise; at most 65535 characters), `tests` in the
order they ran (the order of the test files). Per test: `name`, `status`
(pass|fail|error), `message` (failures only), `output` (what the learner's code printed
before it crashed, at most 500 characters) and `task_id` (the kata's number: q4 -> 4).
`test_code` is never written: every test here is hidden. A skipped test did not run and is
left out; points no test carries (a session that died) are one `error` entry per kata.
"""

from __future__ import annotations

import json
from typing import Any

from grader.reports.common import clip, kata_number, split_output, tests_of, ungraded_points
from grader.results import GradeReport

MAX_MESSAGE = 65535
MAX_OUTPUT = 500
OUTPUT_TRUNCATED = "\nOutput was truncated. Please limit to 500 chars"
_STATUS = {"passed": "pass", "failed": "fail", "error": "error"}


def results(report: GradeReport) -> dict[str, Any]:
    tests: list[dict[str, Any]] = []
    for position, exercise in enumerate(report.exercises.values(), start=1):
        task_id = kata_number(exercise.id, position)
        label = f"{exercise.id} {exercise.title}"
        for test in tests_of(report, exercise):
            if test.status not in _STATUS:
                continue
            entry: dict[str, Any] = {"name": f"{label} > {test.name}",
                                     "status": _STATUS[test.status]}
            if test.status != "passed":
                message, output = split_output(test.message)
                entry["message"] = clip(message, MAX_MESSAGE)
                if output:
                    entry["output"] = clip(output, MAX_OUTPUT, OUTPUT_TRUNCATED)
            entry["task_id"] = task_id
            tests.append(entry)
        if ungraded_points(report, exercise) > 0:
            tests.append({"name": label, "status": "error",
                          "message": clip(exercise.message or exercise.status, MAX_MESSAGE),
                          "task_id": task_id})
    if tests and all(t["status"] == "pass" for t in tests):
        status = "pass"
    elif all(t["status"] == "error" for t in tests):
        status = "error"
    else:
        status = "fail"
    summary: str | None = None
    if status == "error":
        why = [e.message or f"{e.id}: {e.status}" for e in report.exercises.values()
               if e.status != "passed"]
        summary = clip("\n".join(why) or "no test ran", MAX_MESSAGE)
    return {"version": 3, "status": status, "message": summary, "tests": tests}


def render(report: GradeReport) -> str:
    return json.dumps(results(report), indent=2, ensure_ascii=False) + "\n"

"""GitHub Classroom: the `result` payload classroom-resources/autograding-grading-reporter
reads, base64-encoded JSON in one line.

The reporter decodes the environment variable `<RUNNER ID>_RESULTS` of each runner it is
given (`runners: keras-kata` reads `KERAS-KATA_RESULTS`): `{"version": 1, "status":
"pass"|"fail"|"error", "max_score", "tests": [{"name", "status", "score", "message",
"test_code", "filename", "line_no", "duration"}]}`, as the command, io and python graders
write it. Classroom's grade is the sum of the tests' `score` over `max_score`; its console
table instead counts passing tests, so the two differ when tests weigh differently
(reporter issue #10). `test_code`, `filename` and `line_no` stay empty: the tests are hidden.
`duration` is in milliseconds, as the graders measure it. Points no test carries (a session
that died) are one failing entry per kata, so the scores can always add up to max_score.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from grader.reports.common import num, tests_of, ungraded_points
from grader.results import GradeReport

_STATUS = {"passed": "pass", "failed": "fail", "error": "error", "skipped": "fail"}


def payload(report: GradeReport) -> dict[str, Any]:
    tests: list[dict[str, Any]] = []
    for exercise in report.exercises.values():
        label = f"{exercise.id} {exercise.title}"
        for test in tests_of(report, exercise):
            message = test.message
            if test.status == "skipped":
                message = f"skipped: {test.message}" if test.message else "skipped"
            tests.append({"name": f"{label}: {test.name}", "status": _STATUS[test.status],
                          "score": num(test.score), "message": message, "test_code": "",
                          "filename": "", "line_no": 0, "duration": round(test.duration * 1000)})
        missing = ungraded_points(report, exercise)
        if missing > 0:
            tests.append({"name": label, "status": "error", "score": 0,
                          "message": exercise.message or exercise.status, "test_code": "",
                          "filename": "", "line_no": 0, "duration": 0})
    if tests and all(t["status"] == "pass" for t in tests):
        status = "pass"
    elif all(t["status"] == "error" for t in tests):
        status = "error"  # nothing ran cleanly: a syntax error, TODOs left, no file
    else:
        status = "fail"
    return {"version": 1, "status": status, "max_score": num(report.max_score), "tests": tests}


def render(report: GradeReport) -> str:
    data = json.dumps(payload(report), separators=(",", ":"), ensure_ascii=False)
    return base64.b64encode(data.encode("utf-8")).decode("ascii") + "\n"

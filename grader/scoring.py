"""From raw per-case records to scores: points per test, a status per exercise.

A test function scores its points only if every case of it that ran passed (the CPU case and,
where a GPU is visible, the GPU case), so the maximum does not depend on the machine.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from grader import errors
from grader.manifest import Exercise
from grader.results import ExerciseResult, GradeReport, TestResult, plain_details

# Failures where the learner's code ran and raised, as opposed to a wrong answer.
_ERROR_KINDS = {errors.RAISED, errors.BAD_RETURN, errors.CRASHED, errors.TIMEOUT,
                errors.SYNTAX_ERROR, errors.IMPORT_ERROR, errors.MISSING_NAME,
                errors.NOT_SUBMITTED, errors.NOT_IMPLEMENTED, "grader_error"}


def score_tests(records: Iterable[dict[str, Any]]) -> list[TestResult]:
    grouped: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for record in records:
        grouped.setdefault((record["exercise"], record["name"]), []).append(record)
    results = []
    for (exercise, name), cases in grouped.items():
        ran = [c for c in cases if c["outcome"] != "skipped"]
        failed = [c for c in ran if c["outcome"] == "failed"]
        points = max(c["points"] for c in cases)
        details: dict[str, Any] = {}
        if not ran:
            status, message = "skipped", cases[0]["message"]
        elif failed:
            first = failed[0]
            status = "error" if first["error_kind"] in _ERROR_KINDS else "failed"
            message = first["message"]
            details = plain_details(first.get("details"))
        else:
            status, message = "passed", ""
        results.append(TestResult(
            name=name, exercise=exercise, category=cases[0]["category"],
            score=points if status == "passed" else 0.0, max_score=points, status=status,
            message=message, duration=round(sum(c["duration"] for c in cases), 3),
            claim=any(c.get("claim", False) for c in cases), details=details,
        ))
    return results


def _first_line(text: str) -> str:
    return text.splitlines()[0] if text else ""


def _kinds(records: list[dict[str, Any]]) -> set[str]:
    return {r["error_kind"] for r in records if r["outcome"] == "failed"}


def exercise_status(
    exercise: Exercise, records: list[dict[str, Any]], tests: list[TestResult]
) -> tuple[str, str]:
    """Status and one-line message for an exercise, from its records."""
    if not records:
        return "error", f"{exercise.id}: the grader produced no result for this exercise"
    failed = [r for r in records if r["outcome"] == "failed"]
    kinds = _kinds(records)
    first = {k: next(r["message"] for r in failed if r["error_kind"] == k) for k in kinds}
    if errors.NOT_SUBMITTED in kinds:
        return "not_submitted", first[errors.NOT_SUBMITTED]
    for kind in (errors.SYNTAX_ERROR, errors.IMPORT_ERROR, "grader_error"):
        if kind in kinds:
            return "error", first[kind]
    if errors.TIMEOUT in kinds:
        return "timeout", first[errors.TIMEOUT]
    if failed and kinds == {errors.NOT_IMPLEMENTED}:
        return "not_implemented", f"{exercise.id}: not implemented yet (every test hit a TODO)"
    if failed and len(failed) == len(records) and kinds <= {errors.MISSING_NAME}:
        return "error", first[errors.MISSING_NAME]
    if all(t.status in ("passed", "skipped") for t in tests):
        return "passed", f"{exercise.id}: all {len(tests)} hidden tests passed"
    passed = sum(t.status == "passed" for t in tests)
    first_bad = next(t for t in tests if t.status not in ("passed", "skipped"))
    return "failed", (
        f"{exercise.id}: {passed} of {len(tests)} hidden tests passed; "
        f"first failure, {first_bad.name}: {_first_line(first_bad.message)}"
    )


def build_report(
    submission: str, exercises: Iterable[Exercise], records: list[dict[str, Any]],
    problems: dict[str, str] | None = None,
) -> GradeReport:
    """Assemble the report. `problems` holds exercise ids the run could not finish, with why."""
    report = GradeReport(submission=submission)
    problems = problems or {}
    for exercise in exercises:
        mine = [r for r in records if r["exercise"] == exercise.id]
        tests = score_tests(mine)
        status, message = exercise_status(exercise, mine, tests)
        if exercise.id in problems and status == "passed":
            status, message = "error", problems[exercise.id]
        elif exercise.id in problems and not mine:
            message = problems[exercise.id]
        score = sum(t.score for t in tests)
        max_score = exercise.points
        report.exercises[exercise.id] = ExerciseResult(
            id=exercise.id, title=exercise.title, score=score, max_score=max_score,
            status=status, message=message,
        )
        report.tests.extend(tests)
        report.score += score
        report.max_score += max_score
    return report

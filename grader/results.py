"""The one result model every report is built from."""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from typing import Any

CATEGORIES = ("shape", "gradient", "serialization", "convergence", "behaviour")
EXERCISE_STATUSES = ("passed", "failed", "not_implemented", "not_submitted", "error", "timeout")
TEST_STATUSES = ("passed", "failed", "error", "skipped")

# Bounds on a failed test's `details` (grader.testing.KataFailure): plain JSON data only.
MAX_DETAIL_KEYS = 8
MAX_DETAIL_LIST = 200
MAX_DETAIL_TEXT = 12  # a key or a word ("min"); shorter than any line redaction hides
_WORD = re.compile(rf"[a-z_]{{1,{MAX_DETAIL_TEXT}}}")


def _plain_number(value: Any) -> float | int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, int):
        return value if abs(value) < 2**53 else None
    return value if math.isfinite(value) else None  # NaN/inf are not JSON: null


def plain_details(details: Any) -> dict[str, Any]:
    """`details` reduced to plain, bounded JSON: numbers (non-finite ones as null), short
    lower-case words and lists of numbers (evenly thinned to MAX_DETAIL_LIST, the last one
    kept). Nothing else survives: no text here can carry a line of a hidden file."""
    if not isinstance(details, dict):
        return {}
    plain: dict[str, Any] = {}
    for key, value in list(details.items())[:MAX_DETAIL_KEYS]:
        if not isinstance(key, str) or not _WORD.fullmatch(key):
            continue
        if isinstance(value, str):
            if _WORD.fullmatch(value):
                plain[key] = value
        elif isinstance(value, list | tuple):
            values = list(value)
            if len(values) > MAX_DETAIL_LIST:
                step = (len(values) - 1) / (MAX_DETAIL_LIST - 1)
                values = [values[round(i * step)] for i in range(MAX_DETAIL_LIST)]
            plain[key] = [_plain_number(v) for v in values]
        elif value is None or isinstance(value, int | float):
            plain[key] = _plain_number(value)
    return plain


@dataclass
class TestResult:
    """One hidden test function (its device cases together), as scored."""

    name: str
    exercise: str
    category: str
    score: float
    max_score: float
    status: str
    message: str = ""
    duration: float = 0.0
    # True when the verdict rests on a structural fact only the worker can report (a claim
    # the grading process cannot check); such tests carry at most a quarter of a kata.
    claim: bool = False
    # Plain data a report may draw from, set by the check that failed (plain_details): e.g.
    # {"curve": [...], "threshold": 0.35, "direction": "min"} for a convergence test.
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if not self.details:
            del data["details"]  # the JSON report stays as it was for every other test
        return data


@dataclass
class ExerciseResult:
    id: str
    title: str
    score: float
    max_score: float
    status: str
    message: str = ""
    # Introspection no kata needs, found in the source (grader.scan): for a person to read.
    flags: list[str] = field(default_factory=list)


@dataclass
class GradeReport:
    submission: str
    score: float = 0.0
    max_score: float = 0.0
    exercises: dict[str, ExerciseResult] = field(default_factory=dict)
    tests: list[TestResult] = field(default_factory=list)
    duration: float = 0.0
    # "sandbox" (OS namespaces, grader/sandbox.py) or "process" (a plain process).
    isolation: str = "process"
    # Files of the submission that were not graded, and why.
    ignored: list[str] = field(default_factory=list)
    # Anything odd the grader noticed while grading (forged records, restarts).
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "submission": self.submission,
            "score": self.score,
            "max_score": self.max_score,
            "duration": round(self.duration, 2),
            "isolation": self.isolation,
            "ignored": list(self.ignored),
            "warnings": list(self.warnings),
            "exercises": {key: asdict(value) for key, value in self.exercises.items()},
            "tests": [test.to_dict() for test in self.tests],
        }

"""The one result model every report is built from."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

CATEGORIES = ("shape", "gradient", "serialization", "convergence", "behaviour")
EXERCISE_STATUSES = ("passed", "failed", "not_implemented", "not_submitted", "error", "timeout")
TEST_STATUSES = ("passed", "failed", "error", "skipped")


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
            "tests": [asdict(test) for test in self.tests],
        }

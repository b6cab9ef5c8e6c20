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


@dataclass
class ExerciseResult:
    id: str
    title: str
    score: float
    max_score: float
    status: str
    message: str = ""


@dataclass
class GradeReport:
    submission: str
    score: float = 0.0
    max_score: float = 0.0
    exercises: dict[str, ExerciseResult] = field(default_factory=dict)
    tests: list[TestResult] = field(default_factory=list)
    duration: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "submission": self.submission,
            "score": self.score,
            "max_score": self.max_score,
            "duration": round(self.duration, 2),
            "exercises": {key: asdict(value) for key, value in self.exercises.items()},
            "tests": [asdict(test) for test in self.tests],
        }

"""What several report formats share: grouping, numbers, the parts of a failure message.

Every renderer reads only the result model (grader.results). Its messages were redacted and
cut to `grader.redaction.MAX_MESSAGE` characters by the runner before the report was built;
a renderer never reads a test file, a probe or a solution.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from grader.results import ExerciseResult, GradeReport, TestResult

# An exercise whose status is one of these failed as a whole (the file is missing, does not
# import, hangs, is all TODOs): its message explains every test at once.
WHOLE_EXERCISE = ("not_implemented", "not_submitted", "error", "timeout")
OUTPUT_MARK = "\nLast output:\n"  # grader.transport puts what a crashed worker printed here


def num(value: float) -> float | int:
    """A score as JSON shows it best: 3 rather than 3.0, 2.5 as is."""
    rounded = round(float(value), 4)
    return int(rounded) if rounded.is_integer() else rounded


def fmt(value: float) -> str:
    return f"{num(value):g}"


def kata_number(exercise_id: str, position: int) -> int:
    """q4 -> 4; an id without a number falls back to its 1-based position."""
    match = re.fullmatch(r"q(\d+)", exercise_id)
    return int(match.group(1)) if match else position


def tests_of(report: GradeReport, exercise: ExerciseResult) -> list[TestResult]:
    """The exercise's tests, in the order they ran (the order of the test file)."""
    return [test for test in report.tests if test.exercise == exercise.id]


def ungraded_points(report: GradeReport, exercise: ExerciseResult) -> float:
    """Points of the exercise no test result carries (tests that never ran: a session that
    died, no hidden tests installed); formats that sum tests report them as one entry."""
    return max(0.0, exercise.max_score - sum(t.max_score for t in tests_of(report, exercise)))


def split_output(message: str) -> tuple[str, str]:
    """(message, what the learner's code printed) for a crash message carrying its output."""
    head, mark, tail = message.partition(OUTPUT_MARK)
    return (head, tail) if mark else (message, "")


def first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else ""


def clip(text: str, limit: int, note: str = "") -> str:
    if len(text) <= limit:
        return text
    suffix = note or f" [... {len(text) - limit} more characters cut]"
    return text[: max(0, limit - len(suffix))] + suffix


_XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 cannot hold (NUL, most control characters),
    each replaced by U+FFFD: a submission decides what its errors say."""
    return _XML_ILLEGAL.sub("\ufffd", text)


@dataclass(frozen=True)
class ExpectedGot:
    """The parts of a `grader.testing.fail` message: Expected X. / Got Y. / Look at: Z."""

    expected: str
    got: str
    difference: str
    look_at: str
    before: str  # anything the message says before "Expected"


def expected_got(message: str) -> ExpectedGot | None:
    start = message.find("Expected ")
    if start < 0 or (start > 0 and message[start - 1] != "\n"):
        return None
    rest = message[start + len("Expected "):]
    got_at = rest.find(".\nGot ")
    if got_at < 0:
        return None
    expected, rest = rest[:got_at], rest[got_at + len(".\nGot "):]
    look_at = ""
    look_mark = rest.rfind("\nLook at: ")
    if look_mark >= 0:
        rest, look_at = rest[:look_mark], rest[look_mark + len("\nLook at: "):]
    got = rest.removesuffix(".")
    difference = ""
    got, mark, tail = got.partition("\n    largest difference ")
    if mark:
        difference = "largest difference " + tail.strip()
    return ExpectedGot(expected=expected.strip(), got=got.strip(), difference=difference,
                       look_at=look_at.strip(), before=message[:start].strip())

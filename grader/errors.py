"""What can go wrong with a submission, as exceptions that cross the worker boundary.

Every problem caused by the learner's code is a `SubmissionError` with a `kind` the scorer
understands. The worker sends `(kind, message)` as plain data and the grading process
rebuilds the same exception, so hidden tests never see a worker's own objects.
"""

from __future__ import annotations

# Kinds, from "nothing there" to "ran but misbehaved".
NOT_SUBMITTED = "not_submitted"
SYNTAX_ERROR = "syntax_error"
IMPORT_ERROR = "import_error"
MISSING_NAME = "missing_name"
NOT_IMPLEMENTED = "not_implemented"
RAISED = "raised"
BAD_RETURN = "bad_return"
TIMEOUT = "timeout"
CRASHED = "crashed"

KINDS = (
    NOT_SUBMITTED,
    SYNTAX_ERROR,
    IMPORT_ERROR,
    MISSING_NAME,
    NOT_IMPLEMENTED,
    RAISED,
    BAD_RETURN,
    TIMEOUT,
    CRASHED,
)


class SubmissionError(Exception):
    """The learner's code could not be run as the test asked.

    Args:
        kind: one of `KINDS`.
        message: a plain-words explanation written for the learner.
    """

    def __init__(self, kind: str, message: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"unknown submission error kind {kind!r}")
        super().__init__(message)
        self.kind = kind
        self.message = message

    def to_wire(self) -> dict[str, str]:
        return {"kind": self.kind, "message": self.message}

    @classmethod
    def from_wire(cls, data: object) -> SubmissionError:
        if not isinstance(data, dict):
            return cls(CRASHED, "the worker sent a malformed error report")
        kind = data.get("kind")
        message = data.get("message")
        if kind not in KINDS or not isinstance(message, str):
            return cls(CRASHED, "the worker sent a malformed error report")
        return cls(kind, message[:4000])


def with_hint(exc: SubmissionError, look_at: str | None) -> SubmissionError:
    """The same error with the test's "Look at:" advice, for code that raised or misreturned."""
    if not look_at or exc.kind not in (RAISED, BAD_RETURN):
        return exc
    return SubmissionError(exc.kind, f"{exc.message}\nLook at: {look_at}")


class ProbeResultError(SubmissionError):
    """A value the learner returned has the wrong type or shape to be compared."""

    def __init__(self, message: str) -> None:
        super().__init__(BAD_RETURN, message)

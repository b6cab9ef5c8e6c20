"""`kata grade`'s live progress on stderr: one line per kata as it finishes.

In a terminal (rich): a spinner names the kata being graded and how many of its tests have
reported; each finished kata leaves a coloured line. Anywhere else (a pipe, a CI log, a
file): plain lines only. Lines say the score and the status, never a message: the records
seen here are not yet redacted. A kata's line comes from its own records as soon as the next
kata starts; the last one, and any kata no record came for (a grading session that died),
from the final report.
"""

from __future__ import annotations

import os
import sys
import time
from typing import IO, Any

from grader.manifest import Exercise
from grader.reports.common import fmt
from grader.results import GradeReport
from grader.scoring import exercise_status, score_tests

STYLES = {"passed": "green", "failed": "red", "error": "bold red", "timeout": "yellow",
          "not_implemented": "blue", "not_submitted": "dim"}
MARKS = {"passed": "✓", "failed": "✗", "error": "!", "timeout": "⏱", "not_implemented": "…",
         "not_submitted": "-"}


class GradeProgress:
    def __init__(self, submission: str, exercises: list[Exercise], stream: IO[str] | None = None,
                 fancy: bool | None = None) -> None:
        self.submission = submission
        self.exercises = {e.id: e for e in exercises}
        self.stream = stream if stream is not None else sys.stderr
        self.records: dict[str, list[dict[str, Any]]] = {}
        self.current: str | None = None
        self.shown: set[str] = set()
        self.started = self.mark = time.monotonic()
        self.width = max((len(f"{e.id} {e.title}") for e in exercises), default=10)
        if fancy is None:
            fancy = (hasattr(self.stream, "isatty") and self.stream.isatty()
                     and os.environ.get("TERM") != "dumb")
        self._console: Any = None
        self._status: Any = None
        if fancy:
            try:
                from rich.console import Console
            except ImportError:
                fancy = False
            else:
                self._console = Console(file=self.stream, highlight=False)

    def start(self) -> None:
        count = len(self.exercises)
        self._say(f"kata grade: grading {count} kata{'s' if count != 1 else ''} of "
                  f"{self.submission}", "bold")
        if self._console is not None:
            self._status = self._console.status("starting the grading session", spinner="dots")
            self._status.start()

    def on_record(self, record: dict[str, Any]) -> None:
        exercise = str(record.get("exercise"))
        if exercise != self.current:
            if self.current is not None and self.current not in self.shown:
                self._from_records(self.current)
            self.current = exercise
        self.records.setdefault(exercise, []).append(record)
        if self._status is not None and exercise in self.exercises:
            title = self.exercises[exercise].title
            got = len(self.records[exercise])
            self._status.update(f"grading {exercise} {title}: {got} test "
                                f"result{'s' if got != 1 else ''} so far")

    def stop(self) -> None:
        """Stop the spinner (again is fine): before anything else is printed."""
        if self._status is not None:
            self._status.stop()
            self._status = None

    def finish(self, report: GradeReport) -> None:
        """The lines of every kata not shown yet, from the final report."""
        self.stop()
        for result in report.exercises.values():
            if result.id not in self.shown:
                self._line(result.id, result.title, result.score, result.max_score,
                           result.status)

    def _from_records(self, exercise_id: str) -> None:
        exercise = self.exercises.get(exercise_id)
        if exercise is None:
            return
        mine = self.records.get(exercise_id, [])
        tests = score_tests(mine)
        status, _ = exercise_status(exercise, mine, tests)
        self._line(exercise_id, exercise.title, sum(t.score for t in tests), exercise.points,
                   status)

    def _line(self, exercise_id: str, title: str, score: float, max_score: float,
              status: str) -> None:
        now = time.monotonic()
        seconds, self.mark = now - self.mark, now
        self.shown.add(exercise_id)
        label = f"{exercise_id} {title}".ljust(self.width)
        points = f"{fmt(score)}/{fmt(max_score)}".rjust(7)
        if self._console is None:
            self._say(f"  {label}  {points}  {status:<15} {seconds:4.0f} s")
            return
        from rich.markup import escape

        style = STYLES.get(status, "default")
        self._console.print(
            f"  [{style}]{MARKS.get(status, '?')}[/] {escape(label)}  {points}  "
            f"[{style}]{status:<15}[/] [dim]{seconds:4.0f} s[/]")

    def _say(self, text: str, style: str = "") -> None:
        if self._console is not None:
            from rich.markup import escape

            self._console.print(f"[{style}]{escape(text)}[/]" if style else escape(text))
        else:
            print(text, file=self.stream, flush=True)

"""The terminal report: one row per exercise, then what failed and why."""

from __future__ import annotations

from grader.results import GradeReport


def render(report: GradeReport) -> str:
    rows = [("exercise", "title", "score", "status")]
    for result in report.exercises.values():
        rows.append((result.id, result.title, f"{result.score:g}/{result.max_score:g}",
                     result.status))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append(f"\nTotal: {report.score:g}/{report.max_score:g} "
                 f"({report.duration:.0f} s, submission {report.submission})")
    failures = [t for t in report.tests if t.status in ("failed", "error")]
    if failures:
        lines.append("\nWhat to look at:")
        for test in failures:
            first = test.message.splitlines()[0] if test.message else test.status
            lines.append(f"  {test.exercise} {test.name} [{test.category}]: {first}")
    return "\n".join(lines) + "\n"

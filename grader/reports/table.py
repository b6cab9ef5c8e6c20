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
                 f"({report.duration:.0f} s, submission {report.submission}, "
                 f"isolation: {report.isolation})")
    flagged = [(r.id, flag) for r in report.exercises.values() for flag in r.flags]
    if flagged:
        lines.append("\nFor the instructor to read (introspection no kata needs):")
        lines.extend(f"  {exercise} {flag}" for exercise, flag in flagged)
    if report.ignored:
        lines.append("\nNot graded:")
        lines.extend(f"  {line}" for line in report.ignored)
    claims = [t for t in report.tests if t.claim]
    if claims:
        lines.append(f"\n{sum(t.max_score for t in claims):g} points rest on structural facts "
                     "the worker reports (marked claim in the JSON report).")
    notes = []
    for result in report.exercises.values():
        if result.status == "passed":
            continue
        if result.status != "failed":
            # One cause (missing file, syntax error, hang) explains every test: say it once.
            first = result.message.splitlines()[0] if result.message else result.status
            notes.append(f"  {first if first.startswith(result.id) else result.id + ': ' + first}")
            continue
        for test in report.tests:
            if test.exercise == result.id and test.status in ("failed", "error"):
                first = test.message.splitlines()[0] if test.message else test.status
                notes.append(f"  {test.exercise} {test.name} [{test.category}]: {first}")
    if notes:
        lines.append("\nWhat to look at:")
        lines.extend(notes)
    return "\n".join(lines) + "\n"

"""A Markdown summary for the learner, also fit for `$GITHUB_STEP_SUMMARY`.

The total, a table of katas (score, status), then for each kata that did not pass either the
one cause that explains all its tests (a missing file, a syntax error, a hang, TODOs left)
or each failing test with its message in a code block. Everything the submission can
influence is quoted so that it cannot become Markdown or HTML.
"""

from __future__ import annotations

import re

from grader.reports.common import WHOLE_EXERCISE, fmt, tests_of, ungraded_points, xml_text
from grader.results import GradeReport

ICONS = {"passed": "✅", "failed": "❌", "error": "💥", "timeout": "⏱️",
         "not_implemented": "📝", "not_submitted": "📭"}
STATUS_WORDS = {"passed": "passed", "failed": "failed", "error": "error", "timeout": "timed out",
                "not_implemented": "not implemented yet", "not_submitted": "not submitted"}


def code_span(text: str) -> str:
    """`text` as inline code, whatever backticks it holds."""
    text = text.replace("\n", " ")
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def code_block(text: str, indent: str = "") -> list[str]:
    """`text` as a fenced block no line of it can close."""
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=0)
    fence = "`" * max(3, longest + 1)
    lines = [f"{indent}{fence}text"]
    lines.extend(f"{indent}{line}" if line else "" for line in text.splitlines() or [""])
    lines.append(f"{indent}{fence}")
    return lines


def _cell(text: str) -> str:
    return (text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;")
            .replace("\n", " "))


def render(report: GradeReport) -> str:
    lines = [f"## keras-kata: {fmt(report.score)} / {fmt(report.max_score)} points", ""]
    lines += ["| | kata | score | status |", "|---|---|---:|---|"]
    for exercise in report.exercises.values():
        lines.append(f"| {ICONS.get(exercise.status, '•')} | {_cell(exercise.id)} "
                     f"{_cell(exercise.title)} | {fmt(exercise.score)} / "
                     f"{fmt(exercise.max_score)} | "
                     f"{STATUS_WORDS.get(exercise.status, _cell(exercise.status))} |")
    for exercise in report.exercises.values():
        if exercise.status == "passed":
            continue
        lines += ["", f"### {ICONS.get(exercise.status, '•')} {_cell(exercise.id)} "
                      f"{_cell(exercise.title)}: {fmt(exercise.score)} / "
                      f"{fmt(exercise.max_score)}", ""]
        tests = tests_of(report, exercise)
        failing = [t for t in tests if t.status in ("failed", "error")]
        if exercise.status in WHOLE_EXERCISE or not failing:
            lines += code_block(exercise.message or exercise.status)
            continue
        passed = sum(t.status == "passed" for t in tests)
        skipped = sum(t.status == "skipped" for t in tests)
        lines.append(f"{passed} of {len(tests)} hidden tests passed"
                     f"{f' ({skipped} did not run and scored nothing)' if skipped else ''}. "
                     "To fix:")
        lines.append("")
        for test in failing:
            lines.append(f"- {code_span(test.name)} ({test.category}, "
                         f"{fmt(test.max_score)} points)")
            lines.append("")
            lines += code_block(test.message or test.status, indent="  ")
            lines.append("")
        if ungraded_points(report, exercise) > 0 and exercise.message:
            lines += code_block(exercise.message)
        while lines[-1] == "":
            lines.pop()
    if report.ignored:
        lines += ["", "**Not graded:**", ""]
        lines.extend(f"- {code_span(line)}" for line in report.ignored)
    lines += ["", f"<sub>Graded in {report.duration:.0f} s; isolation: "
                  f"{_cell(report.isolation)}.</sub>"]
    return xml_text("\n".join(lines)) + "\n"  # no control character reaches a terminal

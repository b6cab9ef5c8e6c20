"""Report formats, one module each, all rendered from the one result model (grader.results).

`RENDERERS` maps a `--format` name to a function `render(report: GradeReport) -> str`.
"""

from __future__ import annotations

from collections.abc import Callable

from grader.reports import (
    classroom,
    exercism,
    gradescope,
    html_report,
    json_report,
    junit,
    markdown,
    table,
)
from grader.results import GradeReport

RENDERERS: dict[str, Callable[[GradeReport], str]] = {
    "table": table.render,
    "json": json_report.render,
    "gradescope": gradescope.render,
    "exercism": exercism.render,
    "junit": junit.render,
    "markdown": markdown.render,
    "html": html_report.render,
    "classroom": classroom.render,
}

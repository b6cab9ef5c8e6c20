"""The JSON report: the shape other tools (Gradescope, Classroom adapters) read."""

from __future__ import annotations

import json

from grader.results import GradeReport


def render(report: GradeReport) -> str:
    return json.dumps(report.to_dict(), indent=2) + "\n"

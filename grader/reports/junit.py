"""JUnit XML, as CI systems and GitHub's test reporters read it (the Ant/Jenkins schema).

`<testsuites>` holds one `<testsuite>` per kata (name "q4 Custom training loop"), with
properties `exercise`, `title`, `status`, `score`, `max_score`. Each hidden test is a
`<testcase classname="q4" name="test_...">` with properties `points`, `category`, `score`
(and `claim`); a wrong answer is a `<failure>`, code that raised, hung or crashed an
`<error>`, a test that did not run `<skipped>`: `message` holds the first line of the
grader's message, the element's text all of it. Points no test carries (a grading session
that died, an exercise without hidden tests) are one `<error>` test case named `grading`.
Characters XML cannot hold are replaced; no timestamp or host name, so a report depends on
the result model alone.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from grader.reports.common import first_line, fmt, tests_of, ungraded_points, xml_text
from grader.results import GradeReport

_ELEMENT = {"failed": "failure", "error": "error", "skipped": "skipped"}


def _properties(parent: ET.Element, values: dict[str, str]) -> None:
    properties = ET.SubElement(parent, "properties")
    for name, value in values.items():
        ET.SubElement(properties, "property", name=name, value=xml_text(value))


def _outcome(case: ET.Element, status: str, message: str) -> None:
    kind = _ELEMENT.get(status)
    if kind is None:
        return
    element = ET.SubElement(case, kind, message=xml_text(first_line(message) or status))
    if kind != "skipped":
        element.set("type", status)
        element.text = xml_text(message)


def render(report: GradeReport) -> str:
    root = ET.Element("testsuites", name=xml_text(f"keras-kata {report.submission}"))
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    total_time = 0.0
    for exercise in report.exercises.values():
        tests = tests_of(report, exercise)
        missing = ungraded_points(report, exercise)
        counts = {
            "tests": len(tests) + (missing > 0),
            "failures": sum(t.status == "failed" for t in tests),
            "errors": sum(t.status == "error" for t in tests) + (missing > 0),
            "skipped": sum(t.status == "skipped" for t in tests),
        }
        seconds = sum(t.duration for t in tests)
        suite = ET.SubElement(root, "testsuite", name=xml_text(f"{exercise.id} {exercise.title}"))
        for key, value in counts.items():
            suite.set(key, str(value))
        suite.set("time", f"{seconds:.3f}")
        _properties(suite, {"exercise": exercise.id, "title": exercise.title,
                            "status": exercise.status, "score": fmt(exercise.score),
                            "max_score": fmt(exercise.max_score)})
        for test in tests:
            case = ET.SubElement(suite, "testcase", classname=exercise.id,
                                 name=xml_text(test.name), time=f"{test.duration:.3f}")
            values = {"points": fmt(test.max_score), "category": test.category,
                      "score": fmt(test.score)}
            if test.claim:
                values["claim"] = "true"
            _properties(case, values)
            _outcome(case, test.status, test.message)
        if missing > 0:
            case = ET.SubElement(suite, "testcase", classname=exercise.id, name="grading",
                                 time="0.000")
            _properties(case, {"points": fmt(missing), "category": "grading", "score": "0"})
            _outcome(case, "error", exercise.message or exercise.status)
        for key, value in counts.items():
            totals[key] += value
        total_time += seconds
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", f"{total_time:.3f}")
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"

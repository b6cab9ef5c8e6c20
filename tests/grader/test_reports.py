"""Every report format, from one fixed result model: golden files, the consumers' schemas,
and no hidden line in any of them. Fast: no grading session, no TensorFlow of its own.

The goldens in tests/grader/golden/ are rewritten by `python tests/grader/golden/regenerate.py`
(read `git diff tests/grader/golden` before keeping them). The HTML golden stores its images
as `data:image/png;base64,...`: plots depend on the matplotlib version, so they are checked
apart (valid PNGs, one per failed convergence test with a curve).
"""

from __future__ import annotations

import base64
import html
import io
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pytest

from grader import results as model
from grader import runner
from grader.manifest import REPO_ROOT, load_manifest
from grader.redaction import HIDDEN, MAX_MESSAGE, secret_lines
from grader.reports import RENDERERS, classroom, exercism, gradescope
from grader.reports.common import expected_got
from grader.reports.html_report import curve_png
from grader.reports.progress import GradeProgress
from grader.testing import (
    MAX_CURVE_POINTS,
    KataFailure,
    assert_converged,
    curve_details,
    curve_of,
    fail,
    plain_curve,
)

GOLDEN = Path(__file__).parent / "golden"
SUFFIXES = {"table": "txt", "json": "json", "gradescope": "json", "exercism": "json",
            "junit": "xml", "markdown": "md", "html": "html", "classroom": "b64"}
DATA_URI = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")

NUMERIC = (
    "Expected the kernel after one SGD step (lr=0.5): array of shape (3, 1), dtype float64: "
    "[-0.6061,  0.8512, -0.4378].\n"
    "Got array of shape (3, 1), dtype float64: [-0.8182,  0.7317, -0.5014]\n"
    "    largest difference 0.212 at index (0, 0) (expected -0.606084, got -0.81823).\n"
    "Look at: tape.gradient(loss, model.trainable_variables) then "
    "optimizer.apply_gradients(zip(grads, model.trainable_variables))"
)
CONVERGENCE = (
    "Expected held-out BCE after 5 epochs of your fit at most 0.35.\n"
    "Got 0.6012 (curve: 0.693 -> 0.668 -> 0.641 -> 0.62 -> 0.601).\n"
    "Look at: train_step must apply the gradients every batch; fit must loop over every batch "
    "of every epoch"
)
CRASH = (
    "q4: the process running your code stopped during the test (exit status 3). Did the code "
    "call os._exit() or sys.exit(), run out of memory, or crash Python?\nLast output:\n"
    "epoch 1 <b>loss</b> | 0.69 & `falling`\x00\x1b[31m"
)


def sample_report() -> model.GradeReport:
    """A fixed report with every status, a curve, a crash with output, hostile characters."""
    test = model.TestResult
    tests = [
        test("test_one_step_equals_hand_computed_sgd_update", "q4", "gradient", 0.0, 3.0,
             "failed", NUMERIC, 1.25),
        test("test_model_called_with_training_true_in_train_and_false_in_test", "q4",
             "behaviour", 2.0, 2.0, "passed", "", 0.5, claim=True),
        test("test_history_holds_per_epoch_means_with_metrics_reset", "q4", "behaviour", 0.0,
             3.0, "error", CRASH, 2.0),
        test("test_validation_loss_falls_below_threshold", "q4", "convergence", 0.0, 2.0,
             "failed", CONVERGENCE, 8.5,
             details={"curve": [0.693, 0.668, 0.641, 0.62, 0.601], "threshold": 0.35,
                      "direction": "min"}),
        test("test_gpu_case_matches_cpu", "q4", "behaviour", 0.0, 10.0, "skipped",
             "no GPU is visible", 0.0),
        test("test_encoder_is_shared", "q7", "behaviour", 10.0, 10.0, "passed", "", 1.0),
        test("test_contrastive_loss_matches_oracle", "q7", "gradient", 10.0, 10.0, "passed",
             "", 1.5),
        test("test_focal_loss_matches_oracle", "q15", "behaviour", 0.0, 20.0, "error",
             "q15: focal_loss.py has a syntax error at line 3: invalid syntax <script>alert(1)"
             "</script> | ``` ]]> &amp;", 0.1),
        test("test_output_shape", "q17", "shape", 0.0, 5.0, "error",
             "q17: `CustomDense.call` is not implemented yet (it still raises "
             "NotImplementedError). Replace the TODO with your code.", 0.2),
        test("test_config_round_trip", "q17", "serialization", 0.0, 5.0, "error",
             "q17: `CustomDense.get_config` is not implemented yet (it still raises "
             "NotImplementedError). Replace the TODO with your code.", 0.2),
        test("test_pairs_are_balanced", "q12", "behaviour", 4.0, 4.0, "passed", "", 0.7),
    ]
    exercise = model.ExerciseResult
    exercises = {
        "q4": exercise("q4", "Custom training loop", 2.0, 20.0, "failed",
                       "q4: 1 of 4 hidden tests passed; first failure, "
                       "test_one_step_equals_hand_computed_sgd_update: Expected the kernel "
                       "after one SGD step (lr=0.5): array of shape (3, 1), dtype float64: "
                       "[-0.6061,  0.8512, -0.4378].", flags=["uses gc"]),
        "q7": exercise("q7", "Siamese network", 20.0, 20.0, "passed",
                       "q7: all 2 hidden tests passed"),
        "q15": exercise("q15", "Focal loss", 0.0, 20.0, "error",
                        "q15: focal_loss.py has a syntax error at line 3: invalid syntax "
                        "<script>alert(1)</script> | ``` ]]> &amp;"),
        "q17": exercise("q17", "Custom layer", 0.0, 10.0, "not_implemented",
                        "q17: not implemented yet (every test hit a TODO)"),
        "q12": exercise("q12", "Data pipeline", 4.0, 10.0, "error",
                        "q12: the grading session went silent for 330 s and was stopped "
                        "(log: /tmp/kata-grade-log-x/session.log)"),
        "q9": exercise("q9", "Attention", 0.0, 10.0, "not_submitted",
                       "q9: attention.py is missing from the submission"),
    }
    report = model.GradeReport(submission="submissions/alice", exercises=exercises, tests=tests,
                               duration=93.4, isolation="sandbox",
                               ignored=["conftest.py: a conftest.py is never graded"],
                               warnings=["1 result record(s) failed verification"])
    report.score = sum(e.score for e in exercises.values())
    report.max_score = sum(e.max_score for e in exercises.values())
    return report


def rendered(name: str, report: model.GradeReport) -> str:
    text = RENDERERS[name](report)
    return DATA_URI.sub("data:image/png;base64,...", text) if name == "html" else text


def write_goldens() -> None:
    """Rewrite every golden file from `sample_report()` (tests/grader/golden/regenerate.py)."""
    GOLDEN.mkdir(exist_ok=True)
    os.environ.pop(gradescope.VISIBILITY_ENV, None)  # the default visibility
    for name, suffix in SUFFIXES.items():
        (GOLDEN / f"sample.{name}.{suffix}").write_text(rendered(name, sample_report()),
                                                         encoding="utf-8")


@pytest.fixture
def report() -> model.GradeReport:
    return sample_report()


def test_every_format_has_a_golden_file():
    assert set(SUFFIXES) == set(RENDERERS)


@pytest.mark.parametrize("name", sorted(SUFFIXES))
def test_format_matches_its_golden_file(name, report, monkeypatch):
    monkeypatch.delenv(gradescope.VISIBILITY_ENV, raising=False)
    golden = GOLDEN / f"sample.{name}.{SUFFIXES[name]}"
    assert rendered(name, report) == golden.read_text(encoding="utf-8"), (
        f"{golden.name} differs: run `python tests/grader/golden/regenerate.py` if the change "
        "is meant, and read the diff")


# --- The consumers' published formats, as JSON schemas written from their docs ----------

_VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
_OUTPUT_FORMAT = {"enum": ["text", "html", "simple_format", "md", "ansi"]}
# gradescope/autograder_samples docs/specs.md: every key it documents, nothing else.
GRADESCOPE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["score", "execution_time", "output", "output_format", "tests"],
    "properties": {
        "score": {"type": "number"},
        "execution_time": {"type": "number", "minimum": 0},
        "output": {"type": "string"},
        "output_format": _OUTPUT_FORMAT,
        "test_output_format": _OUTPUT_FORMAT,
        "test_name_format": _OUTPUT_FORMAT,
        "visibility": _VISIBILITY,
        "stdout_visibility": _VISIBILITY,
        "extra_data": {"type": "object"},
        "leaderboard": {"type": "array"},
        "tests": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "number", "score", "max_score", "status", "output",
                             "tags", "visibility"],
                "properties": {
                    "score": {"type": "number", "minimum": 0},
                    "max_score": {"type": "number", "minimum": 0},
                    "status": {"enum": ["passed", "failed"]},
                    "name": {"type": "string", "minLength": 1},
                    "name_format": _OUTPUT_FORMAT,
                    "number": {"type": "string", "pattern": r"^\d+(\.\d+)*$"},
                    "output": {"type": "string"},
                    "output_format": _OUTPUT_FORMAT,
                    "tags": {"type": "array", "items": {"type": "string"}},
                    "visibility": _VISIBILITY,
                    "extra_data": {"type": "object"},
                },
            },
        },
    },
}
# exercism/docs building/tooling/test-runners/interface.md, version 3.
EXERCISM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["version", "status", "tests"],
    "properties": {
        "version": {"const": 3},
        "status": {"enum": ["pass", "fail", "error"]},
        "message": {"type": ["string", "null"], "maxLength": 65535},
        "tests": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "status"],
                "properties": {
                    "name": {"type": "string", "minLength": 1},
                    "status": {"enum": ["pass", "fail", "error"]},
                    "message": {"type": ["string", "null"]},
                    "output": {"type": ["string", "null"], "maxLength": 500},
                    "test_code": {"type": "string"},
                    "task_id": {"type": "integer", "minimum": 1},
                },
            },
        },
    },
    "allOf": [{"if": {"properties": {"status": {"const": "error"}}},
               "then": {"required": ["message"], "properties": {"message": {"type": "string"}}}}],
}
# What classroom-resources' command/io/python graders write and autograding-grading-reporter
# reads (src/main.js, notify-classroom.js, aggregate-results.js).
CLASSROOM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["version", "status", "max_score", "tests"],
    "properties": {
        "version": {"const": 1},
        "status": {"enum": ["pass", "fail", "error"]},
        "max_score": {"type": "number", "minimum": 0},
        "tests": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "status", "score", "message", "test_code", "filename",
                             "line_no", "duration"],
                "properties": {
                    "name": {"type": "string"},
                    "status": {"enum": ["pass", "fail", "error"]},
                    "score": {"type": "number", "minimum": 0},
                    "message": {"type": "string"},
                    "test_code": {"type": "string"},
                    "filename": {"type": "string"},
                    "line_no": {"type": "integer"},
                    "duration": {"type": "integer", "minimum": 0},
                },
            },
        },
    },
}


def test_gradescope_results_follow_the_spec(report, monkeypatch):
    monkeypatch.delenv(gradescope.VISIBILITY_ENV, raising=False)
    data = json.loads(RENDERERS["gradescope"](report))
    jsonschema.validate(data, GRADESCOPE_SCHEMA)
    tests = data["tests"]
    assert data["score"] == report.score == sum(t["score"] for t in tests)
    assert sum(t["max_score"] for t in tests) == report.max_score  # nothing left unaccounted
    assert len({t["number"] for t in tests}) == len(tests)
    hidden = [t for t in tests if t["name"].split(": ")[-1].startswith("test_")]
    assert hidden and {t["visibility"] for t in hidden} == {"after_published"}
    # The always-visible summary says nothing any hidden test decided.
    assert "Expected" not in data["output"] and "2/20" not in data["output"]
    assert "q15 Focal loss: error" in data["output"] and "conftest.py" in data["output"]


@pytest.mark.parametrize("visibility", ["hidden", "after_due_date", "visible"])
def test_gradescope_visibility_comes_from_the_environment_or_the_call(
    visibility, report, monkeypatch
):
    monkeypatch.setenv(gradescope.VISIBILITY_ENV, visibility)
    tests = gradescope.results(report)["tests"]
    assert {t["visibility"] for t in tests if t["number"].split(".")[1] != "0"} == {visibility}
    assert {t["visibility"] for t in gradescope.results(report, "hidden")["tests"]
            if t["number"].split(".")[1] != "0"} == {"hidden"}
    if visibility == "visible":
        assert "q4 Custom training loop: 2/20, failed" in gradescope.results(report)["output"]
    monkeypatch.setenv(gradescope.VISIBILITY_ENV, "students")
    with pytest.raises(ValueError, match="after_published"):
        gradescope.results(report)


def test_exercism_results_follow_the_interface(report):
    data = json.loads(RENDERERS["exercism"](report))
    jsonschema.validate(data, EXERCISM_SCHEMA)
    assert data["status"] == "fail" and data["message"] is None
    assert all("test_code" not in t for t in data["tests"])  # every test is hidden
    crash = next(t for t in data["tests"] if t["name"].endswith("metrics_reset"))
    assert crash["status"] == "error" and crash["output"].startswith("epoch 1")
    assert "Last output" not in crash["message"]
    assert [t["task_id"] for t in data["tests"]][:1] == [4]
    assert not any("gpu_case" in t["name"] for t in data["tests"])  # skipped: did not run


def test_exercism_status_is_error_when_no_test_ran_cleanly(report):
    report.exercises = {k: v for k, v in report.exercises.items() if k in ("q15", "q17")}
    report.tests = [t for t in report.tests if t.exercise in ("q15", "q17")]
    data = exercism.results(report)
    jsonschema.validate(data, EXERCISM_SCHEMA)
    assert data["status"] == "error"
    assert "syntax error" in data["message"] and "not implemented" in data["message"]


def test_exercism_output_is_cut_to_500_characters(report):
    report.tests[2].message = CRASH + "x" * 5000
    data = exercism.results(report)
    jsonschema.validate(data, EXERCISM_SCHEMA)
    output = next(t["output"] for t in data["tests"] if "output" in t)
    assert len(output) == 500 and output.endswith("Please limit to 500 chars")


def test_classroom_payload_is_what_the_grading_reporter_reads(report):
    text = RENDERERS["classroom"](report)
    assert "\n" not in text.strip()  # one line for $GITHUB_OUTPUT
    data = json.loads(base64.b64decode(text))  # as main.js: Buffer.from(x, "base64")
    jsonschema.validate(data, CLASSROOM_SCHEMA)
    assert data["status"] == "fail" and data["max_score"] == report.max_score
    assert sum(t["score"] for t in data["tests"]) == report.score  # notify-classroom's points
    assert {t["test_code"] for t in data["tests"]} == {""}
    everything_passed = sample_report()
    everything_passed.exercises = {"q7": everything_passed.exercises["q7"]}
    everything_passed.tests = [t for t in everything_passed.tests if t.exercise == "q7"]
    assert classroom.payload(everything_passed)["status"] == "pass"


def test_junit_is_one_suite_per_kata_with_points_and_category(report):
    root = ET.fromstring(RENDERERS["junit"](report).encode("utf-8"))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.find("properties/property[@name='exercise']").get("value") for s in suites] == \
        list(report.exercises)
    for suite in suites:
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == len(suite.findall("testcase/failure"))
        assert int(suite.get("errors")) == len(suite.findall("testcase/error"))
        assert int(suite.get("skipped")) == len(suite.findall("testcase/skipped"))
        for case in cases:
            names = {p.get("name") for p in case.findall("properties/property")}
            assert {"points", "category", "score"} <= names
    assert int(root.get("tests")) == sum(int(s.get("tests")) for s in suites)
    q4 = suites[0]
    failure = q4.find("testcase[@name='test_one_step_equals_hand_computed_sgd_update']/failure")
    assert failure.get("message").startswith("Expected the kernel") and "Look at" in failure.text
    assert q4.find("testcase/error").text.startswith("q4: the process running your code")
    grading = suites[4].find("testcase[@name='grading']/error")  # q12's tests that never ran
    assert "went silent" in grading.get("message")
    assert sum(float(p.get("value")) for p in
               root.findall("testsuite/testcase/properties/property[@name='points']")) == \
        report.max_score


def test_html_is_self_contained_with_a_plot_for_the_failed_curve(report):
    page = RENDERERS["html"](report)
    assert "<script" not in page.lower() and "<link" not in page.lower()
    assert not re.search(r"https?:", page) and "@import" not in page and "url(" not in page
    sources = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert all(s.startswith(("data:image/png;base64,", "#")) for s in sources), sources
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    assert len(images) == 1  # one failed convergence test carries a curve
    png = base64.b64decode(images[0])
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 5000
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # a message is shown, escaped
    assert "<th>Expected</th>" in page and "largest difference 0.212" in page
    assert "uses gc" not in page  # flags are for the instructor (table, json)


def test_markdown_quotes_what_the_submission_wrote(report):
    text = RENDERERS["markdown"](report)
    block = re.search(r"(`{3,})text\n(q15: focal_loss\.py.*?)\n\1", text, re.S)
    assert block and len(block.group(1)) == 4  # a longer fence than the message's ```
    assert "| ❌ | q4 Custom training loop | 2 / 20 | failed |" in text
    assert "test_model_called_with_training_true" not in text  # passed: not listed


def test_expected_got_reads_the_grader_message_format():
    parsed = expected_got(NUMERIC)
    assert parsed is not None
    assert parsed.expected.startswith("the kernel after one SGD step")
    assert parsed.got.endswith("[-0.8182,  0.7317, -0.5014]")
    assert parsed.difference.startswith("largest difference 0.212")
    assert parsed.look_at.startswith("tape.gradient")
    assert expected_got("q4: your code raised ValueError: Expected 3.\nGot 4.") is None


def test_assert_converged_carries_the_curve_to_the_report():
    with pytest.raises(KataFailure) as caught:
        assert_converged([0.7, 0.6, 0.5], 0.35, "held-out BCE", "look here")
    assert caught.value.details == {"curve": [0.7, 0.6, 0.5], "threshold": 0.35,
                                    "direction": "min"}
    plain = model.plain_details({**caught.value.details, "curve": [float("nan")] * 500,
                                 "note": "a long string a test might have put here",
                                 "Direction": "min", "n": True})
    assert plain["curve"] == [None] * model.MAX_DETAIL_LIST and "note" not in plain
    assert set(plain) == {"curve", "threshold", "direction", "n"} and plain["n"] is None
    assert "details" not in model.TestResult("t", "q4", "shape", 0, 1, "failed").to_dict()


HOSTILE_CURVES = [
    None, "0.5", [0.5, "0.4"], [[0.5], [0.4]], [0.5, True], {"loss": [0.5]},
    np.zeros((2, 2)), np.array([True, False]), [0.1] * (MAX_CURVE_POINTS + 1), [10**400, 0.5],
    [], [float("nan")] * 3,
]


def test_a_verified_final_value_carries_the_curve_threshold_and_direction():
    # The verdict reads `final` (computed by the test); the curve is the learner's own history.
    with pytest.raises(KataFailure) as caught:
        assert_converged(np.array([0.9, 0.7, 0.6]), 0.85, "held-out accuracy", "look here",
                         below=False, final=0.5)
    assert caught.value.details == {"curve": [0.9, 0.7, 0.6], "threshold": 0.85,
                                    "direction": "max", "final": 0.5}
    assert "Got 0.5 (curve: 0.9 -> 0.7 -> 0.6)" in str(caught.value)
    assert_converged([0.1, 0.2], 0.85, "held-out accuracy", "look", below=False, final=0.9)
    # Plot data from a probe's per-epoch outputs and a test's own message (steps, log axis).
    curve = curve_of([[1.0, 3.0], "junk", [np.nan]], np.mean, final=0.001)
    assert curve is not None and curve[0] == 2.0 and np.isnan(curve[1:3]).all()
    failure = fail("an error below 1e-3", "0.5", "look",
                   details=curve_details(curve, 1e-3, final=0.001, steps=[10, 20, 30, 40],
                                         log=True))
    assert failure.details["steps"] == [10.0, 20.0, 30.0, 40.0]
    plain = model.plain_details(failure.details)
    assert set(plain) == {"curve", "threshold", "direction", "final", "steps", "scale"}
    assert plain["curve"] == [2.0, None, None, 0.001] and plain["scale"] == "log"
    uri = curve_png(plain["curve"], 1e-3, "min", "t", final=0.001, steps=plain["steps"],
                    log=True)
    assert uri is not None and base64.b64decode(uri.split(",", 1)[1]).startswith(b"\x89PNG")
    page = RENDERERS["html"](model.GradeReport("s", tests=[model.TestResult(
        "test_fit", "q21", "convergence", 0.0, 3.0, "failed", "boom", details=plain)],
        exercises={"q21": model.ExerciseResult("q21", "GradientTape", 0.0, 3.0, "failed")}))
    assert "from 10 to 40 steps" in page and "value the grader computed" in page
    assert len(re.findall(r'src="data:image/png;base64,', page)) == 1


@pytest.mark.parametrize("junk", HOSTILE_CURVES, ids=range(len(HOSTILE_CURVES)))
def test_a_curve_a_worker_sent_costs_the_plot_only_never_the_verdict(junk):
    plain = plain_curve(junk)
    assert plain is None or all(np.isnan(plain))
    assert curve_details(junk, 0.85, below=False, final=0.5) == {}
    if junk is not None:  # steps=None: the points are epochs
        assert curve_details([0.5, 0.6], 0.85, final=0.5, steps=junk) == {}
    with pytest.raises(KataFailure) as caught:  # failing stays failing, with no plot
        assert_converged(junk, 0.85, "held-out accuracy", "look", below=False, final=0.5)
    assert caught.value.details == {}
    assert_converged(junk, 0.85, "held-out accuracy", "look", below=False, final=0.9)
    per_epoch = curve_of(junk, lambda p: float(np.mean(np.argmax(p, axis=-1) == 1)), final=0.5)
    assert per_epoch is None or per_epoch[-1] == 0.5


# --- No hidden line in any format: through the runner's own redaction path --------------

def _hidden_lines() -> list[str]:
    """Real lines of q4's hidden test file that redaction must keep out of every report."""
    secrets = set(secret_lines("q4"))
    source = (REPO_ROOT / "tests" / "q4" / "test_training_loop.py").read_text(encoding="utf-8")
    lines = sorted({line.strip() for line in source.splitlines() if line.strip() in secrets},
                   key=len, reverse=True)
    assert len(lines) >= 3
    return lines[:3]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _readable(name: str, text: str) -> str:
    """The text a person would read in a report: JSON strings, XML text and attributes,
    HTML unescaped, the classroom payload decoded."""
    if name == "classroom":
        text = base64.b64decode(text).decode("utf-8")
        name = "json"
    if name in ("json", "gradescope", "exercism"):
        return "\n".join(_strings(json.loads(text)))
    if name == "junit":
        root = ET.fromstring(text.encode("utf-8"))
        return "\n".join([*(e.text or "" for e in root.iter()),
                          *(v for e in root.iter() for v in e.attrib.values())])
    if name == "html":
        return html.unescape(text)
    return text


def test_no_format_shows_a_hidden_line_the_submission_printed_or_raised(tmp_path, monkeypatch):
    hidden = _hidden_lines()
    longest = hidden[0]
    messages = [
        f"q4: your code raised ValueError: {hidden[0]} (inside your code)",
        "q4: the process running your code stopped during the test (exit status 1). Did the "
        f"code call os._exit()?\nLast output:\n{hidden[1]}\n{longest[5:-5]}\n{hidden[2]}",
        f"Expected {hidden[2]}.\nGot {hidden[1]}.\nLook at: {hidden[0]}",
        "x" * 10 * MAX_MESSAGE + hidden[0],
    ]
    records = [
        {"nodeid": f"tests/q4/test_training_loop.py::test_{i}", "name": f"test_{i}",
         "exercise": "q4", "category": "convergence" if i == 2 else "behaviour",
         "points": 1.0, "outcome": "failed", "error_kind": "raised" if i != 2 else "assertion",
         "message": message, "duration": 0.1, "claim": False,
         "details": {"curve": [0.7, 0.6], "threshold": 0.35, "direction": hidden[0]}}
        for i, message in enumerate(messages)
    ]
    submission = tmp_path / "submission"
    (submission / "q4").mkdir(parents=True)
    shutil.copy(REPO_ROOT / "exercises" / "q4" / "training_loop.py", submission / "q4")

    def sessions(staged, exercises, isolation, problems, on_record, warnings):
        for record in records:
            if on_record is not None:
                on_record(dict(record))
        return [dict(record) for record in records]

    monkeypatch.setattr(runner, "_run_sessions", sessions)
    monkeypatch.setattr(runner.sandbox, "isolation_level", lambda: "process")
    q4 = load_manifest()["q4"]
    report = runner.grade(submission, [q4])
    assert [t.status for t in report.tests] == ["error", "error", "failed", "error"]
    assert all(len(t.message) <= MAX_MESSAGE + 60 for t in report.tests)  # cut by redact()
    assert report.tests[2].details == {"curve": [0.7, 0.6], "threshold": 0.35}
    for name in RENDERERS:
        text = _readable(name, RENDERERS[name](report))
        for line in hidden:
            assert line not in text, (name, line)
        assert longest[5:-5] not in text, name
        assert HIDDEN in text, name  # the messages are there, redacted


# --- kata grade: --format/--out pairs and per-kata progress ---------------------------

def _pairs(*argv: str) -> list[tuple[str, Path | None]]:
    from grader import cli

    args = cli._parser().parse_args(["grade", "exercises", *argv])
    return cli._report_outputs(getattr(args, "reports", None))


def test_format_and_out_pair_up_in_the_order_given(monkeypatch):
    monkeypatch.delenv(gradescope.VISIBILITY_ENV, raising=False)
    assert _pairs() == [("table", None)]
    assert _pairs("--out", "r.txt") == [("table", Path("r.txt"))]
    assert _pairs("--out", "r.json", "--format", "json") == [("json", Path("r.json"))]
    assert _pairs("--format", "gradescope", "--out", "r.json", "--format", "junit", "--out",
                  "r.xml", "--format", "markdown") == [
        ("gradescope", Path("r.json")), ("junit", Path("r.xml")), ("markdown", None)]
    for wrong in (["--format", "json", "--format", "table"],
                  ["--out", "a", "--format", "json", "--out", "b"],
                  ["--format", "json", "--out", "a", "--format", "junit", "--out", "a"]):
        with pytest.raises(ValueError):
            _pairs(*wrong)
    monkeypatch.setenv(gradescope.VISIBILITY_ENV, "nobody")
    with pytest.raises(ValueError, match="KATA_GRADESCOPE_VISIBILITY"):
        _pairs("--format", "gradescope", "--out", "r.json")


def test_kata_grade_writes_several_reports_and_one_line_per_kata(tmp_path, monkeypatch, capsys):
    from grader import cli

    monkeypatch.delenv(gradescope.VISIBILITY_ENV, raising=False)
    monkeypatch.setattr(cli, "grade", lambda *args, **kwargs: sample_report())
    code = cli.main(["grade", "exercises", "--only", "q4,q7,q15,q17,q12,q9",
                     "--format", "gradescope", "--out", str(tmp_path / "r.json"),
                     "--format", "junit", "--out", str(tmp_path / "r.xml"), "--format", "table"])
    out, err = capsys.readouterr()
    assert code == 0
    assert json.loads((tmp_path / "r.json").read_text())["score"] == 26
    ET.fromstring((tmp_path / "r.xml").read_bytes())
    assert out == RENDERERS["table"](sample_report())
    lines = [line for line in err.splitlines() if line.startswith("  q")]
    assert [line.split()[0] for line in lines] == ["q4", "q7", "q15", "q17", "q12", "q9"]
    assert "2/20" in lines[0] and "failed" in lines[0]
    assert not re.search(r"^[.Fs?]+$", err, re.M)  # no pytest-like dots any more
    assert "reports written to" in err
    assert cli.main(["grade", "exercises", "--format", "json", "--format", "table"]) == 2


def test_progress_prints_a_kata_when_the_next_one_starts():
    stream = io.StringIO()
    manifest = load_manifest()
    shown = GradeProgress("subm", [manifest["q4"], manifest["q7"]], stream=stream, fancy=False)
    shown.start()
    record = {"exercise": "q4", "name": "test_a", "points": 3.0, "outcome": "passed",
              "error_kind": None, "message": "", "category": "behaviour", "duration": 0.1}
    shown.on_record(record)
    assert stream.getvalue().count("\n") == 1  # the header only: q4 is still running
    shown.on_record({**record, "exercise": "q7", "outcome": "failed", "error_kind": "raised",
                     "message": "secret text never printed"})
    assert re.search(r"^  q4 Custom training loop\s+3/20\s+passed", stream.getvalue(), re.M)
    final = sample_report()
    shown.finish(final)
    text = stream.getvalue()
    assert "q7 Siamese network" in text and "secret text" not in text
    assert text.count("  q4 ") == 1 and "\x1b[" not in text  # plain: no colour codes

"""Can a submission raise its own score, or stop the others from being graded?"""

import json
from pathlib import Path

import pytest

from grader.manifest import REPO_ROOT

pytestmark = pytest.mark.slow


def test_hostile_exercises_score_zero_and_a_correct_one_full_marks(kata, hostile_submission):
    planted = Path("/tmp/kata-hostile-was-here.json")
    planted.unlink(missing_ok=True)
    run = kata("grade", str(hostile_submission), "--only", "q4,q7,q15,q17",
               env={"KATA_CALL_TIMEOUT": "10"})
    assert run.code == 0, run.stderr
    exercises = run.report["exercises"]
    assert exercises["q17"]["score"] == exercises["q17"]["max_score"] == 20
    assert exercises["q17"]["status"] == "passed"
    assert exercises["q4"]["score"] == 0 and exercises["q4"]["status"] == "failed"
    assert exercises["q7"]["score"] == 0 and exercises["q7"]["status"] == "error"
    assert "syntax error on line 3" in exercises["q7"]["message"]
    assert exercises["q15"]["score"] == 0 and exercises["q15"]["status"] == "timeout"
    assert run.report["score"] == 20
    assert run.seconds < 180
    assert not planted.exists(), "the worker wrote outside its own folder"


def test_hidden_tests_and_solutions_never_appear_in_the_report(kata, hostile_submission):
    run = kata("grade", str(hostile_submission), "--only", "q4")
    text = json.dumps(run.report)
    hidden = (REPO_ROOT / "tests" / "q4" / "test_training_loop.py").read_text()
    for line in hidden.splitlines():
        if len(line.strip()) > 30:
            assert line.strip() not in text


def test_exit_crash_bad_returns_and_a_missing_exercise_are_each_reported(kata):
    broken = Path(__file__).parent / "submissions" / "broken"
    run = kata("grade", str(broken), "--only", "q4,q7,q15,q17")
    assert run.code == 0, run.stderr
    exercises = run.report["exercises"]
    assert exercises["q4"]["status"] == "error" and "SystemExit" in exercises["q4"]["message"]
    assert exercises["q7"]["score"] == 0
    assert any("os._exit" in t["message"] for t in run.report["tests"] if t["exercise"] == "q7")
    assert exercises["q15"]["score"] == 0
    assert any("not a tensor" in t["message"] or "str" in t["message"]
               for t in run.report["tests"] if t["exercise"] == "q15")
    assert exercises["q17"]["status"] == "not_submitted"
    assert run.report["score"] == 0

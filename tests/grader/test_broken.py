"""Broken submissions: each failure is reported for its own exercise (attacks: test_attacks)."""

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


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

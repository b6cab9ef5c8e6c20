"""Does `kata grade` behave as instructors and other tools expect?"""

import pytest

from grader.manifest import load_manifest

pytestmark = pytest.mark.slow


def test_misuse_exits_2_with_a_message(kata):
    run = kata("grade", "no-such-folder")
    assert run.code == 2 and "not a folder" in run.stderr
    run = kata("grade", "solutions", "--only", "q4,q99")
    assert run.code == 2 and "unknown exercise" in run.stderr and "q99" in run.stderr


def test_reference_solutions_get_full_marks(kata):
    run = kata("grade", "solutions")
    assert run.code == 0, run.stderr
    report = run.report
    assert report["score"] == report["max_score"] == sum(e.points for e in load_manifest().values())
    assert {e["status"] for e in report["exercises"].values()} == {"passed"}
    for test in report["tests"]:
        assert set(test) >= {"name", "exercise", "category", "score", "max_score", "status",
                             "message"}


def test_untouched_stubs_score_zero_and_are_not_implemented(kata):
    run = kata("grade", "exercises")
    assert run.code == 0, run.stderr
    assert run.report["score"] == 0
    assert {e["status"] for e in run.report["exercises"].values()} == {"not_implemented"}

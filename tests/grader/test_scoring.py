"""Are points and statuses computed as the README promises?"""

from grader.manifest import load_manifest
from grader.scoring import build_report


def _record(name, outcome="passed", kind=None, points=2.0, message=""):
    return {"exercise": "q17", "name": name, "category": "shape", "points": points,
            "outcome": outcome, "error_kind": kind, "message": message, "duration": 0.1}


def test_a_test_scores_only_when_every_case_that_ran_passed():
    exercise = load_manifest()["q17"]
    records = [_record("a"), _record("a", "skipped"), _record("b"), _record("b", "failed",
                                                                         "assertion", message="x")]
    report = build_report("sub", [exercise], records)
    by_name = {t.name: t for t in report.tests}
    assert (by_name["a"].score, by_name["a"].status) == (2.0, "passed")
    assert (by_name["b"].score, by_name["b"].status) == (0.0, "failed")
    assert report.exercises["q17"].status == "failed"
    assert report.max_score == exercise.points


def test_an_exercise_whose_every_test_hit_a_todo_is_not_implemented():
    exercise = load_manifest()["q17"]
    records = [_record(n, "failed", "not_implemented") for n in "abc"]
    assert build_report("s", [exercise], records).exercises["q17"].status == "not_implemented"


def test_missing_file_syntax_error_and_timeout_get_their_own_status():
    exercise = load_manifest()["q17"]
    for kind, status in (("not_submitted", "not_submitted"), ("syntax_error", "error"),
                         ("timeout", "timeout")):
        records = [_record("a", "failed", kind, message=f"q17: {kind}")]
        result = build_report("s", [exercise], records).exercises["q17"]
        assert (result.status, result.score) == (status, 0.0)
        assert kind in result.message


def test_an_exercise_without_records_is_an_error_not_a_pass():
    exercise = load_manifest()["q17"]
    result = build_report("s", [exercise], [], {"q17": "q17: grading stopped"}).exercises["q17"]
    assert result.status == "error" and result.message == "q17: grading stopped"

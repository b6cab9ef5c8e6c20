"""Does `kata grade` behave as instructors and other tools expect?"""

import pytest

from grader.manifest import load_manifest
from grader.sandbox import sandbox_problem

pytestmark = pytest.mark.slow


def test_misuse_exits_2_with_a_message(kata):
    run = kata("grade", "no-such-folder")
    assert run.code == 2 and "not a folder" in run.stderr
    run = kata("grade", "solutions", "--only", "q4,q99")
    assert run.code == 2 and "unknown exercise" in run.stderr and "q99" in run.stderr


# One kata of each kind (training, files written in the sandbox, TensorBoard, TFLite, dtype
# policies, pure functions): every kata's probes run in the worker in `--meta`-free runs of
# `pytest tests/qN --transport worker`; grading all thirty is timed in bench/ instead.
SAMPLE = ["q1", "q4", "q7", "q12", "q17", "q19", "q20", "q28", "q29"]


def test_reference_solutions_get_full_marks(kata):
    manifest = load_manifest()
    sample = [q for q in SAMPLE if q in manifest]
    args = ["grade", "solutions", "--only", ",".join(sample)]
    if sandbox_problem() is None:
        args.append("--require-sandbox")  # where it works, grading must use it
    run = kata(*args)
    assert run.report["isolation"] == ("sandbox" if sandbox_problem() is None else "process")
    assert run.code == 0, run.stderr
    report = run.report
    assert report["score"] == report["max_score"] == sum(manifest[q].points for q in sample)
    assert {e["status"] for e in report["exercises"].values()} == {"passed"}
    for test in report["tests"]:
        assert set(test) >= {"name", "exercise", "category", "score", "max_score", "status",
                             "message"}


def test_untouched_stubs_score_zero_and_are_not_implemented(kata):
    # Every hidden test of every kata fails on its stub as "not implemented" (--meta checks
    # it); here the grader's statuses for a sample.
    run = kata("grade", "exercises", "--only", "q4,q17,q21,q26")
    assert run.code == 0, run.stderr
    assert run.report["score"] == 0
    assert {e["status"] for e in run.report["exercises"].values()} == {"not_implemented"}

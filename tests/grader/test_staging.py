"""Only the files the manifest names are copied for grading; nothing else is honoured."""

import os

from grader.manifest import load_manifest
from grader.runner import _run_sessions
from grader.staging import MAX_FILE_BYTES, stage_submission

MANIFEST = load_manifest()


def test_only_named_regular_files_are_copied_and_the_rest_is_reported(tmp_path):
    sub = tmp_path / "sub"
    (sub / "q17").mkdir(parents=True)
    (sub / "q17" / "custom_dense.py").write_text("x = 1\n")
    (sub / "q17" / "conftest.py").write_text("boom\n")
    (sub / "conftest.py").write_text("boom\n")
    (sub / "evil.pth").write_text("import os\n")
    (sub / "q4").mkdir()
    os.symlink("/etc/passwd", sub / "q4" / "training_loop.py")
    (sub / "q15").mkdir()
    (sub / "q15" / "focal_loss.py").write_bytes(b"#" * (MAX_FILE_BYTES + 1))
    staged = stage_submission(sub, [MANIFEST[q] for q in ("q4", "q15", "q17")])
    copied = sorted(str(p.relative_to(staged.folder)) for p in staged.folder.rglob("*.py"))
    assert copied == ["q17/custom_dense.py"]
    report = "\n".join(staged.ignored)
    for name in ("conftest.py", "evil.pth", "q17/conftest.py", "symbolic link", "byte limit"):
        assert name in report, report


def test_a_dead_session_costs_its_exercise_and_the_rest_are_graded_again(monkeypatch):
    exercises = [MANIFEST[q] for q in ("q4", "q7", "q17")]
    calls = []

    def fake_session(staged, remaining, isolation, on_record, warnings):
        calls.append([e.id for e in remaining])
        plan = {e.id: [f"{e.id}::t"] for e in remaining}
        if len(calls) == 1:  # q4 done, then the session dies inside q7
            return [{"nodeid": "q4::t", "exercise": "q4"}], plan, "the session was killed"
        return [{"nodeid": f"{e.id}::t", "exercise": e.id} for e in remaining], plan, None

    monkeypatch.setattr("grader.runner._run_session", fake_session)
    problems: dict[str, str] = {}
    records = _run_sessions(None, exercises, "sandbox", problems, None, [])
    assert calls == [["q4", "q7", "q17"], ["q17"]]
    assert set(problems) == {"q7"} and "killed" in problems["q7"]
    assert {r["exercise"] for r in records} == {"q4", "q17"}

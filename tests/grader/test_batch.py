"""`kata grade-many` and `kata class-report`: a small class graded once, then resumed,
forced, interrupted and shown in a real terminal. Kept cheap: one kata (q17), four real
gradings in the shared class, and two more that are stopped after a few seconds."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path

import pytest

from grader.grading import archive
from grader.grading.batch import gradebook
from grader.grading.classreport import analyse, render, template
from grader.manifest import REPO_ROOT

SOLUTION = (REPO_ROOT / "solutions" / "q17" / "custom_dense.py").read_text()
STUB = (REPO_ROOT / "exercises" / "q17" / "custom_dense.py").read_text()
FILE = "q17/custom_dense.py"
FAST_ENV = {"KATA_CALL_TIMEOUT": "5", "TF_CPP_MIN_LOG_LEVEL": "3"}


def _zip(path: Path, entries: dict[str, str], links: tuple[str, ...] = ()) -> None:
    with zipfile.ZipFile(path, "w") as bundle:
        for name, text in entries.items():
            bundle.writestr(name, text)
        for name in links:
            info = zipfile.ZipInfo(name)
            info.external_attr = 0o120777 << 16  # a symbolic link
            bundle.writestr(info, "/etc/passwd")


def _folder(root: Path, student: str, text: str) -> None:
    (root / student / "q17").mkdir(parents=True)
    (root / student / FILE).write_text(text)


def _hostile_zips(root: Path) -> None:
    _zip(root / "evil-abs.zip", {"/tmp/kata-evil/q17/custom_dense.py": SOLUTION})
    _zip(root / "evil-dots.zip", {"../../q17/custom_dense.py": SOLUTION})
    _zip(root / "evil-link.zip", {}, links=(FILE,))


def grade_many(*args: str | Path, env: dict[str, str] | None = None,
               timeout: float = 300) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "grader.cli", "grade-many", *map(str, args)]
    return subprocess.run(command, cwd=REPO_ROOT, capture_output=True, text=True,
                          env={**os.environ, **FAST_ENV, **(env or {})}, timeout=timeout)


def _rows(path: Path) -> dict[str, dict[str, str]]:
    return {row["student"]: row for row in csv.DictReader(io.StringIO(path.read_text()))}


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path,
                                                              subprocess.CompletedProcess[str]]:
    """A class of seven graded once with --jobs 2: (class folder, out folder, the run)."""
    root = tmp_path_factory.mktemp("batch")
    folder, out = root / "class", root / "out"
    folder.mkdir()
    _zip(folder / "ada.zip", {f"ada/{FILE}": SOLUTION, "__MACOSX/._x": ""})  # wrapped
    _folder(folder, "bob", STUB)
    _folder(folder, "cy", SOLUTION + "\ndef broken(:\n    pass\n")
    _folder(folder, "dee", "while True:\n    pass\n")
    _hostile_zips(folder)
    (folder / "notes.txt").write_text("not a submission")
    run = grade_many(folder, "--only", "q17", "--jobs", "2", "--out-dir", out,
                     "--format", "json", "--format", "table")
    return folder, out, run


@pytest.mark.slow
def test_every_submission_gets_a_row_score_and_status(graded):
    folder, out, run = graded
    assert run.returncode == 0, run.stderr
    rows = _rows(out / "grades.csv")
    assert list(next(csv.reader(io.StringIO((out / "grades.csv").read_text())))) == [
        "student", "q17", "total", "max_score", "status", "statuses"]
    assert set(rows) == {"ada", "bob", "cy", "dee", "evil-abs", "evil-dots", "evil-link"}
    got = {s: (r["total"], r["status"], r["statuses"]) for s, r in rows.items()}
    assert got["ada"] == ("20", "passed", "q17:passed")
    assert got["bob"] == ("0", "failed", "q17:not_implemented")
    assert got["cy"] == ("0", "error", "q17:error")
    assert got["dee"] == ("0", "error", "q17:timeout")
    for evil in ("evil-abs", "evil-dots", "evil-link"):
        assert got[evil] == ("0", "rejected", "q17:error"), evil
    assert "absolute path" in _result(out, "evil-abs")["exercises"]["q17"]["message"]
    assert "(..)" in _result(out, "evil-dots")["exercises"]["q17"]["message"]
    assert "symbolic link" in _result(out, "evil-link")["exercises"]["q17"]["message"]
    assert not Path("/tmp/kata-evil").exists()
    assert "syntax error" in _result(out, "cy")["exercises"]["q17"]["message"]
    # the chosen reports, one file per format, and the plain progress lines with a tally
    assert json.loads((out / "ada" / "report-json.json").read_text())["score"] == 20
    assert "Total: 20/20" in (out / "ada" / "report-table.txt").read_text()
    assert "[7/7]" in run.stderr and "passed" in run.stderr and "mean" in run.stderr
    assert "7 of 7 graded" in run.stderr


def _result(out: Path, student: str) -> dict:
    return json.loads((out / student / "result.json").read_text())


@pytest.mark.slow
def test_a_second_run_skips_what_was_graded_and_force_grades_again(graded, tmp_path):
    folder, out, _ = graded
    before = {s: _result(out, s)["batch"]["token"] for s in ("ada", "dee", "evil-abs")}
    started = time.monotonic()
    again = grade_many(folder, "--only", "q17", "--out-dir", out)
    assert again.returncode == 0, again.stderr
    assert "0 to grade" in again.stderr and "7 already graded, skipped" in again.stderr
    assert time.monotonic() - started < 30
    assert {s: _result(out, s)["batch"]["token"] for s in before} == before
    assert _rows(out / "grades.csv")["ada"]["total"] == "20"
    # --force grades again (here the cheap ones: a copy of the outputs, the hostile zips)
    small, copy = tmp_path / "small", tmp_path / "out"
    small.mkdir()
    for name in ("evil-abs.zip", "evil-dots.zip"):
        shutil.copy(folder / name, small / name)
    shutil.copytree(out, copy)
    forced = grade_many(small, "--only", "q17", "--out-dir", copy, "--force",
                        "--csv", tmp_path / "forced.csv")
    assert forced.returncode == 0, forced.stderr
    assert "2 to grade" in forced.stderr
    assert _result(copy, "evil-abs")["batch"]["token"] != before["evil-abs"]
    assert _result(copy, "ada")["batch"]["token"] == before["ada"]  # not in this folder
    assert set(_rows(tmp_path / "forced.csv")) == {"evil-abs", "evil-dots"}
    # a changed submission is graded again without --force
    _zip(small / "evil-abs.zip", {"q17/custom_dense.py": "x = 1\n", "/etc/x": ""})
    changed = grade_many(small, "--only", "q17", "--out-dir", copy)
    assert "1 to grade" in changed.stderr and "1 already graded" in changed.stderr


@pytest.mark.slow
def test_class_report_counts_failures_and_groups_messages(graded, tmp_path):
    _, out, _ = graded
    page = (out / "class-report.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    assert page.count("data:image/png;base64,") == 2  # totals and q17
    assert "7 submissions" in page and "Most common mistakes" in page
    assert "test_matches_dense_with_copied_weights" in page  # per hidden test rows
    for student in ("ada", "bob", "cy", "dee", "evil-abs"):
        assert f"<td>{student}</td>" in page
    # the command writes the same page anywhere
    run = subprocess.run([sys.executable, "-m", "grader.cli", "class-report", str(out), "--out",
                          str(tmp_path / "c.html")], cwd=REPO_ROOT, capture_output=True,
                         text=True)
    assert run.returncode == 0 and "7 submission(s)" in run.stderr
    data = analyse({s: _result(out, s) for s in ("ada", "bob", "cy", "dee", "evil-abs",
                                                  "evil-dots", "evil-link")})
    q17 = data.exercises["q17"]
    assert q17.statuses == {"passed": 1, "not_implemented": 1, "error": 4, "timeout": 1}
    assert q17.attempted == 6  # the stub is left out of the failing shares
    # per hidden test: the zips refused whole ran no test; ada passes, cy and dee fail all
    shares = {t.name: (t.wrong + t.errors, t.attempted) for t in q17.tests.values()}
    assert len(shares) == 8
    assert set(shares.values()) == {(2, 3)}
    assert "2/3 (67%)" in page
    # the three hostile zips fail for three reasons: three groups, one student each
    whole = [m for m in data.mistakes if not m.tests]
    assert sum(len(m.students) for m in whole) == 6  # every failing student once, not per test


def test_messages_group_by_test_and_template():
    def result(student: str, message: str, other: str = "passed") -> dict:
        tests = [{"name": "test_a", "exercise": "q9", "category": "shape", "score": 0,
                  "max_score": 2, "status": "failed", "message": message},
                 {"name": "test_b", "exercise": "q9", "category": "shape", "score": 0,
                  "max_score": 2, "status": other, "message": "q9: got 'x'"}]
        return {"score": 0, "max_score": 4, "tests": tests, "batch": {"status": "failed"},
                "exercises": {"q9": {"title": "T", "score": 0, "max_score": 4,
                                     "status": "failed", "message": message}}}

    data = analyse({
        "ann": result("ann", "q9: expected shape (2, 5), got [[1.5, 2.0], [3.0, nan]]"),
        "ben": result("ben", "q9: expected shape (2, 5), got [0.25]", other="error"),
        "cat": result("cat", "q9: the layer has no attribute 'kernel' in /tmp/x/y.py"),
    })
    top = data.mistakes[0]
    assert (top.tests, len(top.students), top.template) == (
        ["test_a"], 2, "q9: expected shape (N, N), got [...]")
    assert [len(m.students) for m in data.mistakes] == [2, 1, 1]
    assert data.exercises["q9"].tests["test_b"].errors == 1
    assert template("a 'b' \"c\" 0x7f3a 1e-3 -2 [hidden] float32 q17") == \
        "a <...> <...> <addr> N N [hidden] float32 q17"
    page = render(data)
    assert "&lt;...&gt;" in page and "<script" not in page
    hostile = analyse({"<b>x</b>": result("x", "<img src=x onerror=alert(1)>")})
    assert "<img src=x" not in render(hostile) and "&lt;b&gt;x" in render(hostile)


def test_zips_are_refused_whole_when_they_could_escape(tmp_path, monkeypatch):
    cases = {
        "abs": ({"/etc/kata": "x"}, (), "absolute path"),
        "dots": ({"a/../../x": "x"}, (), "(..)"),
        "backslash": ({"..\\x": "x"}, (), "backslash"),
        "link": ({}, ("q17/custom_dense.py",), "symbolic link"),
        "twice": ({"q17/a.py": "x", "q17//a.py": "y"}, (), "appears twice"),
    }
    for name, (entries, links, why) in cases.items():
        _zip(tmp_path / f"{name}.zip", entries, links)
        with pytest.raises(archive.UnsafeArchive, match=why.replace("(", r"\(").replace(
                ")", r"\)")):
            archive.unpack_private(tmp_path / f"{name}.zip")
    (tmp_path / "junk.zip").write_text("not a zip")
    with pytest.raises(archive.UnsafeArchive, match="not a readable zip"):
        archive.unpack_private(tmp_path / "junk.zip")
    monkeypatch.setattr(archive, "MAX_ENTRIES", 3)
    _zip(tmp_path / "many.zip", {f"f{i}": "" for i in range(4)})
    with pytest.raises(archive.UnsafeArchive, match="entries"):
        archive.unpack_private(tmp_path / "many.zip")
    monkeypatch.setattr(archive, "MAX_FILE_BYTES", 1000)
    _zip(tmp_path / "big.zip", {"q17/custom_dense.py": "#" * 5000})
    with pytest.raises(archive.UnsafeArchive, match="over the limit|more than"):
        archive.unpack_private(tmp_path / "big.zip")
    monkeypatch.setattr(archive, "MAX_FILE_BYTES", 10_000)
    monkeypatch.setattr(archive, "MAX_TOTAL_BYTES", 6000)
    _zip(tmp_path / "bomb.zip", {f"f{i}": "0" * 4000 for i in range(2)})
    with pytest.raises(archive.UnsafeArchive, match="archive unpacks to more"):
        archive.unpack_private(tmp_path / "bomb.zip")
    _zip(tmp_path / "ok.zip", {"alice/q17/custom_dense.py": "x = 1\n", "__MACOSX/._a": ""})
    unpacked = archive.unpack_private(tmp_path / "ok.zip")
    try:
        root = archive.submission_root(unpacked)
        assert (root / "q17" / "custom_dense.py").read_text() == "x = 1\n"
        assert not (unpacked / "__MACOSX").exists()
    finally:
        shutil.rmtree(unpacked)


def test_gradebook_cells_never_start_a_formula():
    from grader.grading.batch import Outcome, Submission
    from grader.manifest import load_manifest

    text = gradebook([Submission("=cmd()", Path("x"), "d")], [load_manifest()["q17"]],
                     Outcome())
    assert text.splitlines()[1].startswith("'=cmd()")
    assert text.splitlines()[1].endswith(",not_graded,")


def _descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _grading_sessions(pid: int) -> list[int]:
    sessions = []
    for child in _descendants(pid):
        try:
            if b"grader.collect" in Path(f"/proc/{child}/cmdline").read_bytes():
                sessions.append(child)
        except OSError:
            pass
    return sessions


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_the_batch_cleanly_and_keeps_what_was_graded(tmp_path, sig):
    folder, out = tmp_path / "class", tmp_path / "out"
    folder.mkdir()
    _zip(folder / "a-rejected.zip", {"/abs": ""})  # graded at once, no TensorFlow
    _folder(folder, "b-hangs", "while True:\n    pass\n")
    _folder(folder, "c-never", SOLUTION)
    proc = subprocess.Popen(
        [sys.executable, "-m", "grader.cli", "grade-many", str(folder), "--only", "q17",
         "--out-dir", str(out)], cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, env={**os.environ, **FAST_ENV, "KATA_CALL_TIMEOUT": "120"})
    try:
        deadline = time.monotonic() + 120
        sessions: list[int] = []
        while not sessions and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.3)
            sessions = _grading_sessions(proc.pid) if (out / "a-rejected" /
                                                       "result.json").exists() else []
        assert sessions, "no grading session started"
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 128 + sig, stderr
    assert f"stopped by {signal.Signals(sig).name}" in stderr
    assert "not graded (2): b-hangs, c-never" in stderr
    rows = _rows(out / "grades.csv")
    assert rows["a-rejected"]["status"] == "rejected"
    assert rows["b-hangs"]["status"] == rows["c-never"]["status"] == "not_graded"
    assert not (out / "b-hangs" / "result.json").exists()
    assert (out / "class-report.html").exists()
    time.sleep(1)
    assert not [pid for pid in sessions if _alive(pid)], "a grading session outlived the batch"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_progress_bar_and_tally_show_in_a_real_terminal_and_ctrl_c_stops(tmp_path):
    folder, out = tmp_path / "class", tmp_path / "out"
    folder.mkdir()
    _zip(folder / "a-rejected.zip", {"../x": ""})
    _folder(folder, "b-hangs", "while True:\n    pass\n")
    _folder(folder, "c-never", SOLUTION)
    session = f"kata-{uuid.uuid4().hex[:8]}"
    command = (f"cd {REPO_ROOT} && KATA_CALL_TIMEOUT=120 TF_CPP_MIN_LOG_LEVEL=3 "
               f"{sys.executable} -m grader.cli grade-many {folder} --only q17 "
               f"--out-dir {out}; echo EXIT=$?; sleep 60")
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "150", "-y", "30",
                    command], check=True)

    def pane() -> str:
        return subprocess.run(["tmux", "capture-pane", "-p", "-t", session],
                              capture_output=True, text=True).stdout

    try:
        deadline = time.monotonic() + 60
        while "1/3" not in pane() and time.monotonic() < deadline:
            time.sleep(0.5)
        shown = pane()
        assert "grading" in shown and "1/3" in shown and "ETA" in shown, shown
        assert "━" in shown  # the bar itself
        assert "a-rejected: 0/20 rejected" in shown and "0 passed" in shown, shown
        subprocess.run(["tmux", "send-keys", "-t", session, "C-c"], check=True)
        while "EXIT=" not in pane() and time.monotonic() < deadline + 60:
            time.sleep(0.5)
        shown = pane()
        assert "EXIT=130" in shown and "stopped by SIGINT" in shown, shown
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)

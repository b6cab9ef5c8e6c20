"""Can a submission raise its own grade, read what it must not, or cost others theirs?

Each hostile submission in tests/grader/submissions/ holds one exercise per attack class
(docs/threat-model.md lists them with what stops each). Graded beside an honest exercise,
each attack must gain nothing: its exercise scores no more than an honest wrong answer, the
honest exercise keeps full marks, the checkout and the virtual environment are unchanged,
no process outlives grading, and no line of a hidden test, probe or solution reaches the
report.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import sys
import tomllib
import uuid
from pathlib import Path

import pytest

from grader.manifest import REPO_ROOT, load_manifest
from grader.sandbox import sandbox_problem

pytestmark = pytest.mark.slow
SUBMISSIONS = Path(__file__).parent / "submissions"
FORGERIES = Path(__file__).parent / "forgeries"
PLANTED = [REPO_ROOT / "tests" / "conftest_escape.py", REPO_ROOT / "escaped_by_rename.py",
           Path("/tmp/kata-escape-was-here")]
DAEMON_MARK = Path("/tmp/kata-escape-daemon-alive")
# Folders other tests (run in parallel) may write: caches, not the course.
SKIP = (".git", ".venv", ".pytest_cache", ".hypothesis", ".kata", ".ruff_cache", ".mypy_cache")


def _tree_digest(root: Path, skip: tuple[str, ...]) -> dict[str, str]:
    """Content hashes of every file under `root`, bytecode caches left out."""
    digest = {}
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if relative.parts and relative.parts[0] in skip:
            continue
        if "__pycache__" in relative.parts or not path.is_file() or path.is_symlink():
            continue
        digest[str(relative)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


def _site_packages() -> Path:
    return Path(next(p for p in sys.path if p.endswith("site-packages")))


def _secret_lines() -> set[str]:
    """Lines of hidden tests, probes and solutions that no public file holds."""
    public = set()
    for folder in ("exercises", "grader", "docs"):
        for path in (REPO_ROOT / folder).rglob("*.*"):
            if path.suffix in (".py", ".md", ".toml"):
                public.update(line.strip() for line in path.read_text().splitlines())
    lines = set()
    for folder in ("tests", "solutions"):
        for path in (REPO_ROOT / folder).glob("q*/**/*.py"):
            lines.update(line.strip() for line in path.read_text().splitlines()
                         if len(line.strip()) >= 30 and line.strip() not in public
                         and not line.strip().startswith(("import ", "from ")))
    return lines


def _points(exercise_id: str) -> dict[str, float]:
    import ast

    points = {}
    for path in (REPO_ROOT / "tests" / exercise_id).glob("test_*.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef):
                for d in node.decorator_list:
                    if isinstance(d, ast.Call) and ast.unparse(d.func).endswith(".points"):
                        points[node.name] = float(d.args[0].value)
    return points


def _honest_ceiling(exercise_id: str, mutant: str) -> float:
    """The most an honest wrong answer (a kept mutant) can score: it fails its tests."""
    with (REPO_ROOT / "tests" / exercise_id / "mutants.toml").open("rb") as handle:
        caught = next(m["caught_by"] for m in tomllib.load(handle)["mutant"]
                      if m["name"] == mutant)
    points = _points(exercise_id)
    return sum(points.values()) - sum(points[name] for name in caught)


def _mutant(exercise_id: str, file: str, name: str) -> str:
    """A kept mutant's source: the reference with its edits (tests/qN/mutants.toml)."""
    source = (REPO_ROOT / "solutions" / exercise_id / file).read_text()
    with (REPO_ROOT / "tests" / exercise_id / "mutants.toml").open("rb") as handle:
        mutant = next(m for m in tomllib.load(handle)["mutant"] if m["name"] == name)
    for edit in mutant["edit"]:
        source = source.replace(edit["old"], edit["new"])
    return source


def _fill(folder: Path, clone: Path) -> None:
    for path in folder.rglob("*.py"):
        text = path.read_text().replace("__REPO__", str(REPO_ROOT))
        path.write_text(text.replace("__CLONE__", str(clone)))


@pytest.fixture
def guarded(tmp_path):
    """Snapshots around a grading: what must be unchanged afterwards, and a second clone
    of the course elsewhere on the machine for the submission to look for."""
    clone = tmp_path / "another-clone"
    for folder in ("solutions", "tests"):
        shutil.copytree(REPO_ROOT / folder, clone / folder,
                        ignore=shutil.ignore_patterns("__pycache__", "grader"))
    for path in PLANTED + [DAEMON_MARK]:
        path.unlink(missing_ok=True)
    checkout = _tree_digest(REPO_ROOT, SKIP)
    venv = _tree_digest(_site_packages(), ())
    yield clone
    if DAEMON_MARK.exists():  # kill it before failing, so it cannot outlive the suite
        try:
            os.kill(int(DAEMON_MARK.read_text()), signal.SIGKILL)
        except (ValueError, ProcessLookupError):
            pass
        pytest.fail("a daemon started by the submission outlived grading")
    for path in PLANTED:
        assert not path.exists(), f"the submission wrote {path}"
    assert _tree_digest(_site_packages(), ()) == venv, "the virtual environment changed"
    after = _tree_digest(REPO_ROOT, SKIP)
    changed = {k for k in set(after) | set(checkout) if after.get(k) != checkout.get(k)}
    assert not {k for k in changed if "escape" in k or "forge" in k or "kata_" in k}, changed
    if os.environ.get("CI"):
        assert not changed, f"the checkout changed: {sorted(changed)[:10]}"


def _no_secrets_in(report: dict) -> None:
    text = json.dumps(report)
    leaked = [line for line in _secret_lines() if line in text]
    assert not leaked, f"hidden-test or solution lines in the report: {leaked[:3]}"


def _no_workers_left(mark: str) -> None:
    """No worker, zygote or session of this grading is alive: each carries `mark` in the
    environment it started with (other gradings the suite runs meanwhile do not)."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
            if b"grader.zygote" not in cmdline and b"kata/grader/worker.py" not in cmdline:
                continue
            environ = (proc / "environ").read_bytes()
        except OSError:
            continue
        assert f"KATA_TEST_MARK={mark}".encode() not in environ, cmdline


def _escape_submission(tmp_path: Path, clone: Path) -> Path:
    folder = tmp_path / "escape"
    shutil.copytree(SUBMISSIONS / "escape", folder)
    shutil.copytree(REPO_ROOT / "solutions" / "q17", folder / "q17")  # the honest exercise
    _fill(folder, clone)
    return folder


def _assert_escapes_failed(run, mark: str) -> None:
    assert run.code == 0, run.stderr
    exercises = run.report["exercises"]
    assert exercises["q17"]["score"] == 20 and exercises["q17"]["status"] == "passed", exercises
    assert exercises["q4"]["score"] == 0, exercises["q4"]
    assert exercises["q7"]["score"] == 0 and exercises["q7"]["status"] == "timeout"
    assert exercises["q15"]["score"] == 0
    assert run.report["score"] == 20
    _no_secrets_in(run.report)
    _no_workers_left(mark)


@pytest.mark.skipif(sandbox_problem() is not None, reason=f"no sandbox: {sandbox_problem()}")
def test_escape_attempts_gain_nothing_in_the_sandbox(kata, guarded, tmp_path):
    folder = _escape_submission(tmp_path, guarded)
    mark = uuid.uuid4().hex
    run = kata("grade", str(folder), "--only", "q4,q7,q15,q17", "--require-sandbox",
               env={"KATA_CALL_TIMEOUT": "10", "KATA_TEST_MARK": mark})
    assert run.report["isolation"] == "sandbox"
    _assert_escapes_failed(run, mark)


def test_escape_attempts_gain_nothing_without_a_sandbox(kata, guarded, tmp_path):
    folder = _escape_submission(tmp_path, guarded)
    mark = uuid.uuid4().hex
    run = kata("grade", str(folder), "--only", "q4,q7,q15,q17",
               env={"KATA_CALL_TIMEOUT": "10", "KATA_NO_SANDBOX": "1", "KATA_TEST_MARK": mark})
    assert run.report["isolation"] == "process"
    _assert_escapes_failed(run, mark)


def test_forged_verdicts_score_no_more_than_honest_wrong_answers(kata, guarded, tmp_path):
    folder = tmp_path / "forge"
    shutil.copytree(SUBMISSIONS / "forge", folder)
    # Kept under other names in the repository, or pytest would load them in our own suite.
    for hostile in folder.glob("*.hostile"):
        hostile.rename(hostile.with_suffix(""))
    manifest = load_manifest()
    for exercise_id, mutant in (("q4", "training_false_in_train_step"),
                                ("q7", "lambda_distance")):
        source = _mutant(exercise_id, manifest[exercise_id].file, mutant)
        patches = (FORGERIES / f"{exercise_id}_patches.py").read_text()
        (folder / exercise_id).mkdir(exist_ok=True)
        (folder / exercise_id / manifest[exercise_id].file).write_text(source + patches)
    _fill(folder, guarded)
    mark = uuid.uuid4().hex
    run = kata("grade", str(folder), "--only", "q4,q7,q15,q17", env={"KATA_TEST_MARK": mark})
    assert run.code == 0, run.stderr
    exercises = run.report["exercises"]
    assert exercises["q17"]["score"] == 0, exercises["q17"]
    assert exercises["q4"]["score"] <= _honest_ceiling("q4", "training_false_in_train_step")
    assert exercises["q7"]["score"] <= _honest_ceiling("q7", "lambda_distance")
    assert exercises["q15"]["score"] == 0
    ignored = " ".join(run.report["ignored"])
    for name in ("conftest.py", "pytest.ini", "forge.pth"):
        assert name in ignored, run.report["ignored"]
    assert any("garbage collector" in flag for flag in exercises["q17"]["flags"])
    assert any("changes the library" in flag for flag in exercises["q4"]["flags"])
    _no_secrets_in(run.report)
    _no_workers_left(mark)

"""The nbgrader release, round-tripped through the real nbgrader command line (no server)."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from grader.manifest import load_manifest
from grader.releases import common, nbgrader

KATAS = ["q22", "q23"]  # cheap: no model training
BIN = Path(sys.executable).parent


def _nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess[str]:
    exe = shutil.which("nbgrader", path=str(BIN)) or "nbgrader"
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    result = subprocess.run([exe, *args], cwd=course, env=env, capture_output=True, text=True,
                            timeout=300)
    return result


def _code_lines(source: str) -> set[str]:
    return {line.strip() for line in source.splitlines()
            if len(line.strip()) > 12 and not line.strip().startswith(("#", '"""'))}


@pytest.mark.slow
def test_release_round_trip_through_nbgrader(tmp_path: Path) -> None:
    manifest = load_manifest()
    exercises = [manifest[q] for q in KATAS]
    course = tmp_path / "course"
    nbgrader.release(course, exercises)
    assert (course / "nbgrader_config.py").exists()

    done = _nbgrader(course, "generate_assignment", "katas", "--force")
    assert done.returncode == 0, done.stderr[-3000:]
    release = course / "release" / "katas"

    for exercise in exercises:
        text = (release / f"{exercise.id}.ipynb").read_text(encoding="utf-8")
        nb = nbformat.reads(text, as_version=4)
        sources = "\n".join(c.source for c in nb.cells)
        assert "BEGIN SOLUTION" not in sources and "BEGIN HIDDEN TESTS" not in sources
        stub = _code_lines(common.stub_source(exercise))
        solution_only = _code_lines(common.solution_source(exercise)) - stub
        released = _code_lines(sources)
        assert solution_only and not solution_only & released, "solution code in the release"
        hidden = set().union(*(_code_lines(code) for _, code in common.hidden_sections(exercise)))
        # Public anyway: the visible tests and the setup cell (imports both may share).
        public = (_code_lines(common.visible_test_path(exercise).read_text(encoding="utf-8"))
                  | _code_lines(nbgrader.setup_source(exercise)))
        assert not (hidden - public) & released, "hidden-test code in the release"
        points = [c.metadata["nbgrader"].get("points", 0) for c in nb.cells
                  if c.metadata["nbgrader"].get("grade")]
        assert sum(points) == exercise.points

    notebooks = [str(release / f"{q}.ipynb") for q in KATAS]
    invert = _nbgrader(course, "validate", "--invert", *notebooks)
    assert invert.returncode == 0, invert.stdout[-3000:] + invert.stderr[-3000:]
    assert invert.stdout.count("does not pass any tests") == len(KATAS), invert.stdout

    for student in ("alice", "bob"):
        (course / "submitted" / student / "katas").mkdir(parents=True)
    for exercise in exercises:
        nb = nbformat.read(str(release / f"{exercise.id}.ipynb"), as_version=4)
        nbformat.write(nb, str(course / "submitted" / "bob" / "katas" / f"{exercise.id}.ipynb"))
        for cell in nb.cells:
            if cell.metadata["nbgrader"].get("solution"):
                cell.source = common.strip_future(common.solution_source(exercise))
        nbformat.write(nb, str(course / "submitted" / "alice" / "katas" / f"{exercise.id}.ipynb"))

    graded = _nbgrader(course, "autograde", "katas", "--force")
    assert graded.returncode == 0, graded.stderr[-3000:]
    feedback = _nbgrader(course, "generate_feedback", "katas", "--force")
    assert feedback.returncode == 0, feedback.stderr[-3000:]
    assert (course / "feedback" / "alice" / "katas" / "q22.html").exists()
    exported = _nbgrader(course, "export", "--to", "grades.csv")
    assert exported.returncode == 0, exported.stderr[-3000:]

    rows = {row["student_id"]: row for row in csv.DictReader(
        (course / "grades.csv").open(encoding="utf-8"))}
    total = sum(e.points for e in exercises)
    assert float(rows["alice"]["max_score"]) == total
    assert float(rows["alice"]["score"]) == total, rows
    assert float(rows["bob"]["score"]) == 0.0, rows

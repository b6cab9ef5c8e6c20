"""The Gradescope release, run in a rehearsed /autograder layout under a temporary root."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from grader.manifest import REPO_ROOT, load_manifest
from grader.releases import gradescope

KATAS = ["q22", "q23"]


def test_zip_has_the_gradescope_entry_points_and_no_solution(tmp_path: Path) -> None:
    manifest = load_manifest()
    zip_path = gradescope.release(tmp_path, [manifest[q] for q in KATAS])
    with zipfile.ZipFile(zip_path) as archive:
        names = archive.namelist()
        assert {"setup.sh", "run_autograder"} <= set(names)
        assert (archive.getinfo("run_autograder").external_attr >> 16) & 0o111
        assert not [n for n in names if "/solutions/" in n or n.startswith("solutions/")]
        contents = {archive.read(n) for n in names}
    for solution in (REPO_ROOT / "solutions").rglob("*.py"):
        assert solution.read_bytes() not in contents, solution
    for q in KATAS:
        assert f"keras-kata/tests/{q}/probes.py" in names
    assert not [n for n in names if n.startswith("keras-kata/tests/q4/")]


@pytest.mark.slow
def test_run_autograder_grades_a_solution_and_a_stub(tmp_path: Path) -> None:
    manifest = load_manifest()
    zip_path = gradescope.release(tmp_path / "out", [manifest[q] for q in KATAS])
    root = tmp_path / "autograder"
    gradescope.extract(zip_path, root / "source")
    submission = root / "submission"
    # What a student uploads: the q22 solution, the q23 stub untouched, flat qN/ layout.
    (submission / "q22").mkdir(parents=True)
    (submission / "q23").mkdir()
    (submission / "q22" / "activations.py").write_bytes(
        (REPO_ROOT / "solutions" / "q22" / "activations.py").read_bytes())
    (submission / "q23" / "conv_shapes.py").write_bytes(
        (REPO_ROOT / "exercises" / "q23" / "conv_shapes.py").read_bytes())
    env = {**os.environ, "KATA_AUTOGRADER_ROOT": str(root), "KATA_PYTHON": sys.executable}
    done = subprocess.run([str(root / "source" / "run_autograder")], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert results["score"] == 20
    tests = results["tests"]
    assert sum(t["max_score"] for t in tests) == 40
    for test in tests:
        assert test["status"] in ("passed", "failed")
        assert isinstance(test["score"], int | float) and isinstance(test["name"], str)
    by_kata = {q: [t for t in tests if t["name"].startswith(q + " ")] for q in KATAS}
    assert by_kata["q22"] and all(t["status"] == "passed" for t in by_kata["q22"])
    assert by_kata["q23"] and all(t["score"] == 0 for t in by_kata["q23"])
    assert "not implemented" in results["output"]

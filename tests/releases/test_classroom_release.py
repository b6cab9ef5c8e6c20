"""The GitHub Classroom template: its workflow, its commands run here, nothing hidden in it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from grader.manifest import REPO_ROOT, load_manifest
from grader.releases import classroom

RUN_HERE = ["q22", "q23"]  # cheap katas whose commands the test runs


def _stripped_env() -> dict[str, str]:
    """What the command grader leaves: PATH and HOME (here PATH starts at this venv)."""
    return {"PATH": f"{Path(sys.executable).parent}{os.pathsep}/usr/bin:/bin",
            "HOME": os.environ.get("HOME", "/tmp")}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("classroom")
    return classroom.release(out, list(load_manifest().values()))


def test_workflow_has_one_graded_step_per_kata_and_the_reporter(template: Path) -> None:
    manifest = load_manifest()
    flow = yaml.safe_load((template / ".github/workflows/classroom.yml").read_text())
    steps = flow["jobs"]["run-autograding-tests"]["steps"]
    graders = [s for s in steps if s.get("uses") == classroom.GRADER_ACTION]
    assert [s["id"] for s in graders] == list(manifest)
    for step in graders:
        assert step["with"]["max-score"] == int(manifest[step["id"]].points)
        assert step["with"]["command"].startswith("TF_CPP_MIN_LOG_LEVEL=3 ")
    reporter = steps[-1]
    assert reporter["uses"] == classroom.REPORTER_ACTION
    assert reporter["with"]["runners"].split(",") == list(manifest)
    assert set(reporter["env"]) == {f"{q.upper()}_RESULTS" for q in manifest}
    install = " ".join(s.get("run", "") for s in steps)
    assert "requirements.txt" in install
    assert "tensorflow-cpu==" in (template / "requirements.txt").read_text()


def test_template_holds_no_solution_and_no_hidden_test(template: Path) -> None:
    secret = {p.read_bytes(): p for p in (REPO_ROOT / "solutions").rglob("*") if p.is_file()}
    for folder in (REPO_ROOT / "tests").glob("q*"):
        secret.update({p.read_bytes(): p for p in folder.rglob("*") if p.is_file()})
    secret.update({p.read_bytes(): p for p in (REPO_ROOT / "grader/releases/nbchecks").iterdir()})
    shipped = [p for p in template.rglob("*") if p.is_file()]
    assert shipped
    leaked = [(p, secret[p.read_bytes()]) for p in shipped if p.read_bytes() in secret]
    assert not leaked
    assert not (template / "solutions").exists() and not (template / "tests").exists()


@pytest.mark.slow
@pytest.mark.parametrize("kata", RUN_HERE)
def test_declared_command_passes_with_the_solution_and_fails_with_the_stub(
    template: Path, kata: str, tmp_path: Path
) -> None:
    exercise = load_manifest()[kata]
    flow = yaml.safe_load((template / ".github/workflows/classroom.yml").read_text())
    step = next(s for s in flow["jobs"]["run-autograding-tests"]["steps"] if s.get("id") == kata)
    repo = tmp_path / "repo"
    shutil.copytree(template, repo)
    where = subprocess.run([sys.executable, "-c", "import grader; print(grader.__file__)"],
                           cwd=repo, env=_stripped_env(), capture_output=True, text=True)
    assert where.stdout.strip() == str(repo / "grader" / "__init__.py")

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(["bash", "-c", step["with"]["command"]], cwd=repo,
                              env=_stripped_env(), capture_output=True, text=True, timeout=300)

    stub = run()
    assert stub.returncode != 0 and "not implemented yet" in stub.stdout, stub.stdout[-2000:]
    shutil.copyfile(REPO_ROOT / "solutions" / kata / exercise.file,
                    repo / "exercises" / kata / exercise.file)
    solved = run()
    assert solved.returncode == 0, solved.stdout[-3000:]

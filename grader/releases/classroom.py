"""`kata release classroom OUT`: a GitHub Classroom student template repository.

OUT holds exercises/ (READMEs, stubs, visible tests, the manifest), what `python -m pytest
exercises/qN` needs (conftest.py, the grader package without the release tooling, a pytest
configuration, requirements.txt with a CPU-only TensorFlow), a student README and
`.github/workflows/classroom.yml`: one `autograding-command-grader` step per kata, worth the
kata's manifest points, then the grading reporter. The command grader strips the
environment, so every setting is inline in its command. No solution and no hidden test is
copied: Classroom grades the visible tests only, which the student can read (and edit).
"""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

from grader.manifest import REPO_ROOT, Exercise
from grader.releases import common

GRADER_ACTION = "classroom-resources/autograding-command-grader@v1"
REPORTER_ACTION = "classroom-resources/autograding-grading-reporter@v1"
# Copied from grader/: all of it but the notebook hidden checks (nbchecks/).
_GRADER_SKIP = {"nbchecks", "__pycache__"}


def grading_command(exercise: Exercise) -> str:
    return ("TF_CPP_MIN_LOG_LEVEL=3 TF_ENABLE_ONEDNN_OPTS=0 PYTHONDONTWRITEBYTECODE=1 "
            f"python -m pytest -q -p no:cacheprovider exercises/{exercise.id}")


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def workflow(exercises: list[Exercise]) -> str:
    lines = [
        "# Made by `kata release classroom`: one graded step per kata, then the reporter.",
        "name: Autograding Tests",
        "'on': [push, repository_dispatch, workflow_dispatch]",
        "permissions:",
        "  checks: write",
        "  actions: read",
        "  contents: read",
        "jobs:",
        "  run-autograding-tests:",
        "    runs-on: ubuntu-latest",
        "    if: github.actor != 'github-classroom[bot]'",
        "    steps:",
        "      - uses: actions/checkout@v4",
        "      - uses: actions/setup-python@v5",
        "        with:",
        "          python-version: '3.12'",
        "      - name: Install (CPU-only TensorFlow)",
        "        run: python -m pip install -r requirements.txt",
    ]
    for e in exercises:
        lines += [
            f"      - name: {_quote(f'{e.id} {e.title}')}",
            f"        id: {e.id}",
            f"        uses: {GRADER_ACTION}",
            "        with:",
            f"          test-name: {_quote(f'{e.id} {e.title}')}",
            "          setup-command: ''",
            f"          command: {_quote(grading_command(e))}",
            "          timeout: 10",
            f"          max-score: {int(e.points)}",
        ]
    lines += [
        "      - name: Autograding Reporter",
        f"        uses: {REPORTER_ACTION}",
        "        env:",
        *[f"          {e.id.upper()}_RESULTS: \"${{{{steps.{e.id}.outputs.result}}}}\""
          for e in exercises],
        "        with:",
        f"          runners: {','.join(e.id for e in exercises)}",
    ]
    return "\n".join(lines) + "\n"


def requirements() -> str:
    data = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    deps = [d for d in data["project"]["dependencies"]
            if not re.match(r"tensorflow\b(?!-)|nbgrader|pyyaml", d, re.IGNORECASE)]
    version = next((d.split("==", 1)[1] for d in data["project"]["dependencies"]
                    if d.startswith("tensorflow==")), "2.21.*")
    return "\n".join([f"tensorflow-cpu=={version}", *deps]) + "\n"


def pytest_config() -> str:
    text = (REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    match = re.search(r"^\[tool\.pytest\.ini_options\]\n.*?(?=^\[)", text, re.S | re.M)
    section = match.group(0) if match else "[tool.pytest.ini_options]\n"
    section = re.sub(r"^testpaths = .*$", 'testpaths = ["exercises"]', section, flags=re.M)
    return f"# pytest settings for the katas (made by `kata release classroom`).\n{section}"


def student_readme(exercises: list[Exercise]) -> str:
    rows = "\n".join(f"| {e.id} | {e.title} | {e.level} | `exercises/{e.id}/{e.file}` | "
                     f"{e.points:g} |" for e in exercises)
    return f"""# Keras katas

Each kata is a folder in `exercises/`: read its `README.md`, complete the TODOs in its
Python file, and check your work with its visible tests:

    python -m pip install -r requirements.txt
    python -m pytest exercises/q17

Every push runs the same tests on GitHub (the *Autograding Tests* workflow); each kata's
points are earned when all of its visible tests pass. Do not edit the `*_test.py` files, the
`conftest.py` or the `grader/` folder: your instructor sees the changes.

| kata | title | level | your file | points |
|---|---|---|---|---|
{rows}
"""


def release(out: Path, exercises: list[Exercise]) -> Path:
    """Write the template repository into OUT; returns OUT."""
    if not exercises:
        raise common.ReleaseError("no katas chosen")
    out.mkdir(parents=True, exist_ok=True)
    for e in exercises:
        target = out / "exercises" / e.id
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        for name in ("README.md", e.file, f"{e.module_stem}_test.py"):
            source = common.EXERCISES / e.id / name
            if source.is_file():
                shutil.copyfile(source, target / name)
    shutil.copyfile(common.EXERCISES / "info.toml", out / "exercises" / "info.toml")
    grader = out / "grader"
    if grader.exists():
        shutil.rmtree(grader)
    shutil.copytree(REPO_ROOT / "grader", grader,
                    ignore=lambda folder, names: [n for n in names if n in _GRADER_SKIP])
    shutil.copyfile(REPO_ROOT / "conftest.py", out / "conftest.py")
    (out / "pyproject.toml").write_text(pytest_config(), encoding="utf-8")
    (out / "requirements.txt").write_text(requirements(), encoding="utf-8")
    (out / "README.md").write_text(student_readme(exercises), encoding="utf-8")
    # The socket a running `kata watch` answers `kata check` on is never a file to commit.
    (out / ".gitignore").write_text("__pycache__/\n*.bak\n.kata-warm.sock\n", encoding="utf-8")
    workflows = out / ".github" / "workflows"
    workflows.mkdir(parents=True, exist_ok=True)
    (workflows / "classroom.yml").write_text(workflow(exercises), encoding="utf-8")
    return out

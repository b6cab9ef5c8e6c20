"""`kata release nbgrader OUT`: an nbgrader course directory, one notebook per kata.

Layout: OUT/nbgrader_config.py and OUT/source/<assignment>/<qN>.ipynb. Each notebook holds
the README (markdown), a locked setup cell (TensorFlow silenced, the test helpers, the
visible tests' imports), the learner's cell (the stub, then the solution between
`### BEGIN SOLUTION` / `### END SOLUTION`) and locked graded test cells: visible tests on top,
hidden checks between `### BEGIN HIDDEN TESTS` / `### END HIDDEN TESTS`. The points of a
notebook's test cells sum to the kata's manifest points.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat

from grader.manifest import Exercise
from grader.releases import common

CONFIG = '''\
"""nbgrader configuration for the keras-kata course (made by `kata release nbgrader`)."""
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "keras-kata"
# The learner completes the stub in the same cell: no extra stub after it.
c.ClearSolutions.code_stub = {"python": "# (complete the definitions above)\\n"}
c.OverwriteCells.add_missing_cells = True
'''

# Fresh globals for every hidden section, so one failing cell cannot break the next.
_PREAMBLE = ("import numpy as _np\nimport keras as _k\nimport tensorflow as _tf\n"
             "_rng = _np.random.default_rng(1234)\n")


def _meta(grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = False,
          points: float | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {"schema_version": 3, "grade": grade, "solution": solution,
                            "locked": locked, "grade_id": grade_id}
    if points is not None:
        meta["points"] = points
    return {"nbgrader": meta}


def setup_source(exercise: Exercise) -> str:
    tests = common.visible_tests(exercise)
    return "\n".join([
        "# Setup (locked): quiet TensorFlow, the test helpers and the tests' imports.",
        common.SILENCE, common.testing_helpers(), tests.header, common.learner_builder(exercise),
    ])


def answer_source(exercise: Exercise) -> str:
    stub = common.strip_future(common.stub_source(exercise)).rstrip()
    solution = common.strip_future(common.without_docstring(common.solution_source(exercise)))
    return f"{stub}\n\n\n### BEGIN SOLUTION\n{solution.rstrip()}\n### END SOLUTION\n"


def test_cells(exercise: Exercise) -> list[tuple[float, str]]:
    """(points, source) of each graded cell: visible tests, then hidden checks."""
    sections = common.hidden_sections(exercise)
    visible = common.visible_tests(exercise).tests
    if len(visible) < len(sections):
        raise common.ReleaseError(f"{exercise.id}: more hidden sections than visible tests; "
                                  "every graded cell needs a visible test that fails on a stub")
    cells = []
    for i, (points, hidden) in enumerate(sections):
        mine = visible[i::len(sections)]
        calls = "".join(f"_kata_run({name}, learner)\n" for name, _ in mine)
        body = "\n\n".join(source for _, source in mine)
        cells.append((points, (
            f"learner = _kata_learner()\n\n\n{body}\n\n\n{calls}"
            f"### BEGIN HIDDEN TESTS\n{_PREAMBLE}{hidden}### END HIDDEN TESTS\n"
        )))
    return cells


def build_notebook(exercise: Exercise) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    cells = [
        nbformat.v4.new_markdown_cell(common.readme(exercise),
                                      metadata=_meta(f"{exercise.id}_readme", locked=True)),
        nbformat.v4.new_code_cell(setup_source(exercise),
                                  metadata=_meta(f"{exercise.id}_setup", locked=True)),
        nbformat.v4.new_code_cell(answer_source(exercise),
                                  metadata=_meta(f"{exercise.id}_answer", solution=True)),
    ]
    for i, (points, source) in enumerate(test_cells(exercise), start=1):
        cells.append(nbformat.v4.new_code_cell(source, metadata=_meta(
            f"{exercise.id}_test_{i}", grade=True, locked=True, points=points)))
    nb.cells = cells
    return nb


def release(out: Path, exercises: list[Exercise], assignment: str = "katas") -> list[Path]:
    """Write the course directory; returns the notebooks written."""
    missing = [e.id for e in exercises if not common.has_notebook_checks(e)]
    if missing:
        raise common.ReleaseError(
            f"no notebook checks yet for {', '.join(missing)}; choose with --only among "
            + ", ".join(sorted(p.stem for p in common.NBCHECKS.glob("*.cells"))))
    folder = out / "source" / assignment
    folder.mkdir(parents=True, exist_ok=True)
    (out / "nbgrader_config.py").write_text(CONFIG, encoding="utf-8")
    written = []
    for exercise in exercises:
        path = folder / f"{exercise.id}.ipynb"
        nbformat.write(build_notebook(exercise), str(path))
        written.append(path)
    return written

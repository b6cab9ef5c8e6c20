"""`kata release notebooks OUT`: one self-study notebook per kata, for Jupyter or Colab.

Cells: the README; an install cell (first code cell: what the notebook needs, skipped when
present); a setup cell (TensorFlow silenced, the test helpers of grader/testing.py, the
visible tests' imports); the stub to complete; a check cell that runs the kata's visible tests
against the names defined in the notebook and prints the summary `pytest exercises/qN`
prints. The notebook is self-contained: no grader install, no hidden test, no solution.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from grader.manifest import Exercise
from grader.releases import common

INSTALL = '''\
# Install what this notebook needs (skipped when it is already there, as on Colab for most).
import importlib.util
import subprocess
import sys

_wanted = {"tensorflow": "tensorflow==2.21.*", "keras": "keras>=3.12", "numpy": "numpy>=1.26"}
_missing = [spec for module, spec in _wanted.items() if importlib.util.find_spec(module) is None]
if _missing:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", *_missing])
print("ready" if not _missing else f"installed {', '.join(_missing)}")
'''

RUNNER = '''\
import traceback as _traceback


def _kata_check(exercise_id, title, tests):
    """Run visible tests on the notebook's code; print what `pytest exercises/qN` prints."""
    results = []
    for name, test in tests:
        keras.utils.set_random_seed(1234)
        try:
            _kata_run(test, _kata_learner())
        except NotImplementedError as exc:
            function = str(exc) or _traceback.extract_tb(exc.__traceback__)[-1].name
            results.append((name, "TODO", f"[not implemented yet] {exercise_id}: `{function}` "
                            "still raises NotImplementedError. Replace its TODO with your "
                            "code; the README above explains the task."))
        except AssertionError as exc:
            results.append((name, "FAIL", str(exc)))
        except Exception as exc:  # the learner's code raised
            frame = _traceback.extract_tb(exc.__traceback__)[-1]
            results.append((name, "FAIL", f"{type(exc).__name__}: {exc}\\n"
                            f"raised in {frame.name}, line {frame.lineno}: {frame.line}"))
        else:
            results.append((name, "ok  ", ""))
    words = lambda name: name.removeprefix("test_").replace("_", " ")  # noqa: E731
    print(f"{'-' * 20} {exercise_id} · {title} {'-' * 20}")
    for name, mark, _ in results:
        print(f"  {mark} {words(name)}")
    failed = [(name, message) for name, mark, message in results if mark != "ok  "]
    if not failed:
        print(f"\\nAll {len(results)} visible checks pass. The graded version of this kata "
              "(kata grade) checks more: see the README's table.")
        return True
    print(f"\\nFirst failing check: {words(failed[0][0])}")
    for line in failed[0][1].splitlines():
        print(f"  {line}")
    print("\\nNext: fix that, then run this cell again.")
    return False
'''


def setup_source(exercise: Exercise) -> str:
    tests = common.visible_tests(exercise)
    return "\n".join([
        "# Setup: quiet TensorFlow, the test helpers and the checks' imports. Run it once.",
        common.SILENCE, common.testing_helpers(), tests.header,
        common.learner_builder(exercise), RUNNER,
    ])


def check_source(exercise: Exercise) -> str:
    tests = common.visible_tests(exercise).tests
    listing = ", ".join(f"({name!r}, {name})" for name, _ in tests)
    body = "\n\n".join(source for _, source in tests)
    return (f"# Check: the visible tests of {exercise.id}, run on the code above.\n{body}\n\n\n"
            f"_kata_check({exercise.id!r}, {exercise.title!r}, [{listing}])\n")


def build_notebook(exercise: Exercise) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    stub = common.strip_future(common.stub_source(exercise))
    nb.cells = [
        nbformat.v4.new_markdown_cell(common.readme(exercise)),
        nbformat.v4.new_code_cell(INSTALL),
        nbformat.v4.new_code_cell(setup_source(exercise)),
        nbformat.v4.new_markdown_cell(
            "## Your code\nComplete the TODOs below, run the cell, then run the check."),
        nbformat.v4.new_code_cell(stub, metadata={"kata": {"role": "answer",
                                                           "exercise": exercise.id}}),
        nbformat.v4.new_markdown_cell("## Check"),
        nbformat.v4.new_code_cell(check_source(exercise)),
    ]
    return nb


def release(out: Path, exercises: list[Exercise]) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for exercise in exercises:
        path = out / f"{exercise.id}_{exercise.module_stem}.ipynb"
        nbformat.write(build_notebook(exercise), str(path))
        written.append(path)
    return written

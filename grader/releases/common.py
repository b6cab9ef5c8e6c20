"""Pieces every release shares: choosing katas, reading stubs, solutions and visible tests,
and the notebook cells that silence TensorFlow and stand in for pytest's `learner` fixture."""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from grader.manifest import REPO_ROOT, Exercise, load_manifest

EXERCISES = REPO_ROOT / "exercises"
SOLUTIONS = REPO_ROOT / "solutions"
HIDDEN_TESTS = REPO_ROOT / "tests"
NBCHECKS = Path(__file__).resolve().parent / "nbchecks"
_FUTURE = re.compile(r"^from __future__ import [^\n]*\n", re.MULTILINE)
_SECTION = re.compile(r"^# %% points=(\d+(?:\.\d+)?)[^\n]*\n", re.MULTILINE)

# First lines of every notebook cell that imports TensorFlow: nbgrader scores a test cell 0
# when it writes anything to stderr, and TF's C++ and Python logs go there.
SILENCE = '''\
import os
import sys
import warnings
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
warnings.filterwarnings("ignore")
import logging
logging.getLogger("tensorflow").setLevel(logging.ERROR)
_kata_stderr = os.dup(2)
_kata_null = os.open(os.devnull, os.O_WRONLY)
os.dup2(_kata_null, 2)
try:
    import tensorflow as tf
    import keras
finally:
    os.dup2(_kata_stderr, 2)
    os.close(_kata_stderr)
    os.close(_kata_null)
tf.get_logger().setLevel("ERROR")
try:
    import absl.logging
    absl.logging.set_verbosity(absl.logging.ERROR)
except ImportError:
    pass
'''


class ReleaseError(ValueError):
    """A release cannot be made as asked (unknown kata, kata without notebook checks)."""


@dataclass(frozen=True)
class VisibleTests:
    """A kata's visible test module, split for notebooks.

    Attributes:
        header: its imports, constants and helpers (no docstring, no grader imports).
        tests: (name, source) of each `test_*` function, in file order.
    """

    header: str
    tests: list[tuple[str, str]]


def select(only: str | None) -> list[Exercise]:
    """The katas named in `--only` (comma-separated), or all of them, in manifest order."""
    manifest = load_manifest()
    if not only:
        return list(manifest.values())
    wanted = [name.strip() for name in only.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in manifest]
    if unknown:
        raise ReleaseError(f"unknown exercise(s) {', '.join(unknown)}; "
                           f"known: {', '.join(manifest)}")
    return [manifest[name] for name in wanted]


def strip_future(source: str) -> str:
    """Drop `from __future__` lines: in a notebook cell they must come first, or not at all."""
    return _FUTURE.sub("", source)


def without_docstring(source: str) -> str:
    tree = ast.parse(source)
    first = tree.body[0] if tree.body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
            and isinstance(first.value.value, str):
        lines = source.splitlines(keepends=True)
        return "".join(lines[first.end_lineno or 0:]).lstrip("\n")
    return source


def stub_source(exercise: Exercise) -> str:
    return (EXERCISES / exercise.id / exercise.file).read_text(encoding="utf-8")


def solution_source(exercise: Exercise) -> str:
    return (SOLUTIONS / exercise.id / exercise.file).read_text(encoding="utf-8")


def readme(exercise: Exercise) -> str:
    path = EXERCISES / exercise.id / "README.md"
    return path.read_text(encoding="utf-8") if path.exists() else f"# {exercise.title}\n"


def visible_test_path(exercise: Exercise) -> Path:
    return EXERCISES / exercise.id / f"{exercise.module_stem}_test.py"


def visible_tests(exercise: Exercise) -> VisibleTests:
    source = visible_test_path(exercise).read_text(encoding="utf-8")
    tree = ast.parse(source)
    header: list[str] = []
    tests: list[tuple[str, str]] = []
    for node in tree.body:
        segment = ast.get_source_segment(source, node, padded=True) or ""
        if isinstance(node, ast.FunctionDef):
            decorators = "".join(
                f"@{ast.get_source_segment(source, d)}\n" for d in node.decorator_list
            )
            segment = decorators + segment
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # the docstring
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                ("grader", "__future__")):
            continue  # the helpers are inlined; see testing_helpers()
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            tests.append((node.name, segment))
        else:
            header.append(segment)
    return VisibleTests(header="\n".join(header), tests=tests)


def testing_helpers() -> str:
    """grader/testing.py as notebook code: the assertions the tests use, numpy only."""
    source = (REPO_ROOT / "grader" / "testing.py").read_text(encoding="utf-8")
    return strip_future(without_docstring(source))


def learner_builder(exercise: Exercise) -> str:
    """Code defining `_kata_learner()`, the notebook's names as pytest's `learner` fixture,
    and `_kata_run(test, learner)`, which calls a visible test with the fixtures it names
    (`tmp_path`: a fresh temporary folder)."""
    return (
        "import inspect as _inspect\n"
        "import pathlib as _pathlib\n"
        "import tempfile as _tempfile\n"
        "import types as _types\n\n\n"
        "def _kata_learner():\n"
        f"    names = {list(exercise.names)!r}\n"
        "    return _types.SimpleNamespace(\n"
        "        **{n: globals()[n] for n in names if n in globals()})\n\n\n"
        "def _kata_run(test, learner):\n"
        "    fixtures = {'tmp_path': lambda: _pathlib.Path(_tempfile.mkdtemp())}\n"
        "    wanted = list(_inspect.signature(test).parameters)[1:]\n"
        "    return test(learner, **{name: fixtures[name]() for name in wanted})\n"
    )


def hidden_sections(exercise: Exercise) -> list[tuple[float, str]]:
    """(points, code) of each hidden notebook check of a kata, from nbchecks/qN.cells."""
    path = NBCHECKS / f"{exercise.id}.cells"
    if not path.exists():
        raise ReleaseError(f"{exercise.id}: no notebook checks yet (grader/releases/nbchecks/"
                           f"{exercise.id}.cells); release it on Gradescope or Classroom")
    text = path.read_text(encoding="utf-8")
    parts = _SECTION.split(text)[1:]
    sections = [(float(parts[i]), parts[i + 1].rstrip() + "\n") for i in range(0, len(parts), 2)]
    total = sum(points for points, _ in sections)
    if abs(total - exercise.points) > 1e-9:
        raise ReleaseError(f"{path}: sections carry {total:g} points, the manifest "
                           f"{exercise.points:g}")
    return sections


def has_notebook_checks(exercise: Exercise) -> bool:
    return (NBCHECKS / f"{exercise.id}.cells").exists()

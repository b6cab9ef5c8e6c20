"""Is every kata complete and consistent with the manifest? (Fast, static checks.)"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

from grader.manifest import REPO_ROOT, load_manifest

MANIFEST = load_manifest()
IDS = list(MANIFEST)


def _hidden_tests(exercise_id: str) -> dict[str, float]:
    """Hidden test function names and their points, read from the decorators."""
    tests = {}
    for path in (REPO_ROOT / "tests" / exercise_id).glob("test_*.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                points = [d.args[0].value for d in node.decorator_list
                          if isinstance(d, ast.Call) and ast.unparse(d.func).endswith(".points")]
                tests[node.name] = float(points[0]) if points else 0.0
    return tests


def _claim_points(exercise_id: str) -> float:
    """Points of hidden tests marked `claim`: verdicts resting on what only the worker says."""
    total = 0.0
    for path in (REPO_ROOT / "tests" / exercise_id).glob("test_*.py"):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                marks = [ast.unparse(d.func if isinstance(d, ast.Call) else d)
                         for d in node.decorator_list]
                if any(mark.endswith(".claim") for mark in marks):
                    total += _hidden_tests(exercise_id)[node.name]
    return total


def _defined_names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}


@pytest.mark.parametrize("exercise_id", IDS)
def test_every_kata_has_its_files(exercise_id):
    exercise = MANIFEST[exercise_id]
    expected = [
        REPO_ROOT / "exercises" / exercise_id / "README.md",
        REPO_ROOT / "exercises" / exercise_id / exercise.file,
        REPO_ROOT / "exercises" / exercise_id / f"{exercise.module_stem}_test.py",
        REPO_ROOT / "solutions" / exercise_id / exercise.file,
        REPO_ROOT / "tests" / exercise_id / "probes.py",
        REPO_ROOT / "tests" / exercise_id / "mutants.toml",
    ]
    missing = [str(p.relative_to(REPO_ROOT)) for p in expected if not p.is_file()]
    assert not missing, f"{exercise_id} lacks {missing}"
    alternatives = list((REPO_ROOT / "tests" / exercise_id / "alternatives").glob("*.py"))
    assert alternatives, f"{exercise_id} needs a correct solution written another way"
    assert _hidden_tests(exercise_id), f"{exercise_id} has no hidden tests"


@pytest.mark.parametrize("exercise_id", IDS)
def test_stub_and_solution_define_the_binding_names(exercise_id):
    exercise = MANIFEST[exercise_id]
    for side in ("exercises", "solutions"):
        names = _defined_names(REPO_ROOT / side / exercise_id / exercise.file)
        missing = set(exercise.names) - names
        assert not missing, f"{side}/{exercise_id} lacks {missing}"


@pytest.mark.parametrize("exercise_id", IDS)
def test_stubs_teach_and_raise_not_implemented(exercise_id):
    exercise = MANIFEST[exercise_id]
    source = (REPO_ROOT / "exercises" / exercise_id / exercise.file).read_text()
    tree = ast.parse(source)
    assert ast.get_docstring(tree), "the stub needs a module docstring that teaches"
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
    for function in functions:
        raises = [n for n in ast.walk(function) if isinstance(n, ast.Raise)
                  and "NotImplementedError" in ast.unparse(n)]
        assert raises, f"{exercise_id}: {function.name} must raise NotImplementedError"
        if function.name != "__init__":
            assert ast.get_docstring(function), f"{exercise_id}: {function.name} needs a docstring"
    assert source.count("TODO") >= len(exercise.names)


@pytest.mark.parametrize("exercise_id", IDS)
def test_hidden_points_add_up_to_the_manifest(exercise_id):
    tests = _hidden_tests(exercise_id)
    assert all(points > 0 for points in tests.values()), tests
    assert sum(tests.values()) == MANIFEST[exercise_id].points


@pytest.mark.parametrize("exercise_id", IDS)
def test_claims_carry_at_most_a_quarter_of_the_points(exercise_id):
    assert _claim_points(exercise_id) <= MANIFEST[exercise_id].points / 4


@pytest.mark.parametrize("exercise_id", IDS)
def test_hidden_tests_reach_learner_code_only_through_the_worker(exercise_id):
    for path in (REPO_ROOT / "tests" / exercise_id).glob("test_*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                assert "learner" not in [a.arg for a in node.args.args], (path, node.name)
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [node.module or ""] if isinstance(node, ast.ImportFrom) else [
                    a.name for a in node.names]
                assert not any(n.split(".")[0] == "solutions" for n in names), (path, names)


@pytest.mark.parametrize("exercise_id", IDS)
def test_probes_import_nothing_the_sandbox_does_not_hold(exercise_id):
    """The sandboxed worker sees the grader modules in grader.sandbox.WORKER_MODULES only."""
    from grader.sandbox import WORKER_MODULES

    allowed = {name.removesuffix(".py") for name in WORKER_MODULES}
    tree = ast.parse((REPO_ROOT / "tests" / exercise_id / "probes.py").read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("grader"):
            parts = (node.module or "").split(".")
            module = parts[1] if len(parts) > 1 else None
            names = [module] if module else [a.name for a in node.names]
            assert all(name in allowed for name in names), (exercise_id, node.module, names)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            top = (node.module or "") if isinstance(node, ast.ImportFrom) else node.names[0].name
            assert top.split(".")[0] not in ("tests", "solutions"), (exercise_id, top)


@pytest.mark.parametrize("exercise_id", IDS)
def test_at_least_three_hints_and_six_mutants_naming_real_tests(exercise_id):
    assert len(MANIFEST[exercise_id].hints) >= 3
    with (REPO_ROOT / "tests" / exercise_id / "mutants.toml").open("rb") as handle:
        mutants = tomllib.load(handle)["mutant"]
    assert len(mutants) >= 6
    tests = _hidden_tests(exercise_id)
    solution = (REPO_ROOT / "solutions" / exercise_id / MANIFEST[exercise_id].file).read_text()
    for mutant in mutants:
        assert mutant["why"] and mutant["caught_by"], mutant["name"]
        assert set(mutant["caught_by"]) <= set(tests), (mutant["name"], mutant["caught_by"])
        for edit in mutant["edit"]:
            assert solution.count(edit["old"]) == 1, (mutant["name"], edit["old"])


def test_nothing_downloads_data_or_weights_at_run_time():
    pattern = re.compile(r"load_data\(|weights=['\"]imagenet|get_file\(")
    offenders = [str(p.relative_to(REPO_ROOT))
                 for folder in ("exercises", "solutions", "tests", "grader")
                 for p in (REPO_ROOT / folder).rglob("*.py")
                 if pattern.search(p.read_text()) and p.name != Path(__file__).name]
    assert not offenders


@pytest.mark.parametrize("exercise_id", IDS)
def test_every_hidden_test_must_catch_at_least_one_kept_mutant(exercise_id):
    with (REPO_ROOT / "tests" / exercise_id / "mutants.toml").open("rb") as handle:
        mutants = tomllib.load(handle)["mutant"]
    named = {test for mutant in mutants for test in mutant["caught_by"]}
    unguarded = sorted(set(_hidden_tests(exercise_id)) - named)
    assert not unguarded, f"{exercise_id}: no kept mutant proves these tests can fail: {unguarded}"

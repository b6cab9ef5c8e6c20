"""The hidden notebook checks (grader/releases/nbchecks/qN.cells), run as nbgrader runs them.

For every kata with a `.cells` file: its sections carry the manifest's points and each has a
visible test to share its cell with; the names a section binds start with `_` and shadow
nothing the notebook still needs (the learner's names and private helpers, the setup cell's
and the visible tests' helpers); executed like the notebook (setup cell, the answer cell, then
every graded cell, in one namespace) every graded cell passes with the reference solution,
writes nothing to stderr (nbgrader scores such a cell 0) and stays well inside nbgrader's 30 s
cell timeout; with the untouched stub every graded cell raises.

All katas run in ONE subprocess (TensorFlow imported once), each kata in a fresh `__main__`
module with Keras' global state reset in between, as a fresh kernel would have it. Run this
file as a script to try other answers, e.g. the kept mutants and alternatives of some katas:

    tfrun .venv/bin/python tests/releases/test_nbchecks.py --only q6,q9 \\
        --variants solution,stub,mutants,alternatives
"""

from __future__ import annotations

import argparse
import ast
import fcntl
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import tomllib
import types
from pathlib import Path
from typing import Any

import pytest

from grader.manifest import REPO_ROOT, Exercise, load_manifest
from grader.releases import common, nbgrader

KATAS = sorted((path.stem for path in common.NBCHECKS.glob("*.cells")), key=lambda q: int(q[1:]))
# nbgrader's Execute preprocessor gives each cell 30 s; a solution's cell must stay far below.
CELL_LIMIT_S = 20.0


# -- the tests -----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every kata's cells with its solution and with its stub, in one subprocess."""
    if not KATAS:
        return {}
    # Under pytest-xdist every worker that gets one of these tests would run all katas again;
    # the first one runs them and the others read its result (the base folder is shared).
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    out = shared / "nbchecks-runs.json"
    with open(shared / "nbchecks-runs.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not out.exists():
            proc = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--out", str(out), "--quiet"],
                cwd=REPO_ROOT, capture_output=True, text=True, timeout=900)
            assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize("kata", KATAS)
def test_sections_carry_the_manifest_points_and_each_has_a_visible_test(kata: str) -> None:
    exercise = load_manifest()[kata]
    sections = common.hidden_sections(exercise)  # raises when the points do not add up
    assert sections, f"{kata}.cells has no '# %% points=N' section"
    assert abs(sum(points for points, _ in sections) - exercise.points) < 1e-9
    cells = nbgrader.test_cells(exercise)  # raises when visible tests are too few
    assert len(cells) == len(sections)
    for points, code in sections:
        assert points > 0, f"{kata}: a section worth {points} points"
        compile(code, f"{kata}.cells", "exec")


def _bound_names(code: str) -> set[str]:
    """Names a cell binds in the notebook's namespace (not inside its own functions)."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
            return  # its body and arguments are its own scope
        if isinstance(node, (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp,
                             ast.GeneratorExp)):
            return
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            found.add(node.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            found.update(alias.asname or alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            found.add(node.name)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(code))
    return found


def _imported_modules(code: str) -> dict[str, str]:
    """{name: module} for the cell's top-level `import module as name` statements."""
    return {alias.asname or alias.name: alias.name for node in ast.parse(code).body
            if isinstance(node, ast.Import) for alias in node.names}


# Each hidden section starts with nbgrader._PREAMBLE, which binds these afresh.
PREAMBLE_NAMES = _bound_names(nbgrader._PREAMBLE)


@pytest.mark.parametrize("kata", KATAS)
def test_hidden_names_start_with_an_underscore_and_shadow_nothing(kata: str) -> None:
    """The learner's names (the binding ones and the private helpers the reference and the
    kept alternatives define), the setup cell's and the visible tests' own helpers (which
    later cells call again) must survive every hidden section."""
    exercise = load_manifest()[kata]
    answers = [common.solution_source(exercise)] + [
        path.read_text(encoding="utf-8")
        for path in sorted((common.HIDDEN_TESTS / kata / "alternatives").glob("*.py"))]
    setup = nbgrader.setup_source(exercise)
    taken = (_bound_names(setup)
             | _bound_names(common.visible_tests(exercise).header)
             | set().union(*(_bound_names(answer) for answer in answers))
             | set(exercise.names)) - PREAMBLE_NAMES
    for i, (_, code) in enumerate(common.hidden_sections(exercise), start=1):
        bound = _bound_names(code)
        public = sorted(name for name in bound if not name.startswith("_"))
        assert not public, f"{kata} section {i} binds names without a leading _: {public}"
        # Importing the module a setup name already holds, under that name, changes nothing.
        same = {name for name, module in _imported_modules(code).items()
                if _imported_modules(setup).get(name) == module}
        clashes = sorted((bound & taken) - same)
        assert not clashes, f"{kata} section {i} rebinds the notebook's names {clashes}"


@pytest.mark.parametrize("kata", KATAS)
def test_every_graded_cell_passes_quietly_with_the_solution(kata: str,
                                                            runs: dict[str, Any]) -> None:
    cells = runs[kata]["solution"]
    failed = [f"{c['cell']}: {c['error']}" for c in cells if not c["ok"]]
    assert not failed, "\n\n".join(failed)
    noisy = [f"{c['cell']}: {c['stderr'][:800]!r}" for c in cells if c["stderr"]]
    assert not noisy, "stderr output (nbgrader scores the cell 0):\n" + "\n".join(noisy)
    slow = [f"{c['cell']}: {c['wall_s']:.1f} s" for c in cells if c["wall_s"] > CELL_LIMIT_S]
    assert not slow, f"cells over {CELL_LIMIT_S} s (nbgrader stops a cell at 30 s): {slow}"


@pytest.mark.parametrize("kata", KATAS)
def test_every_graded_cell_fails_on_the_untouched_stub(kata: str, runs: dict[str, Any]) -> None:
    cells = [c for c in runs[kata]["stub"] if c["cell"].startswith("test_")]
    assert cells, f"{kata}: no graded cell ran"
    passed = [c["cell"] for c in cells if c["ok"]]
    assert not passed, f"{kata}: graded cells pass on the stub: {passed}"


def test_release_without_only_needs_every_katas_checks(tmp_path: Path) -> None:
    exercises = list(load_manifest().values())
    missing = [e.id for e in exercises if e.id not in KATAS]
    if missing:
        with pytest.raises(common.ReleaseError, match=missing[0]):
            nbgrader.release(tmp_path, exercises)
        return
    written = nbgrader.release(tmp_path, exercises)
    assert [p.stem for p in written] == [e.id for e in exercises]


# -- the runner (this file as a script) -----------------------------------------------------
def _mutant_source(exercise: Exercise, mutant: dict[str, Any]) -> str:
    """The reference solution with a kept mutant's edits (tests/qN/mutants.toml)."""
    source = common.solution_source(exercise)
    for edit in mutant["edit"]:
        if source.count(edit["old"]) != 1:
            raise ValueError(f"{exercise.id} mutant {mutant['name']}: edit does not match once")
        source = source.replace(edit["old"], edit["new"])
    return source


def _answers(exercise: Exercise, variants: list[str]) -> list[tuple[str, str]]:
    """(variant name, answer cell source) for each variant asked for."""
    answers: list[tuple[str, str]] = []
    for variant in variants:
        if variant == "solution":
            answers.append(("solution", nbgrader.answer_source(exercise)))
        elif variant == "stub":
            answers.append(("stub", common.strip_future(common.stub_source(exercise))))
        elif variant == "mutants":
            path = common.HIDDEN_TESTS / exercise.id / "mutants.toml"
            mutants = tomllib.loads(path.read_text(encoding="utf-8")).get("mutant", []) \
                if path.exists() else []
            answers += [(f"mutant:{m['name']}", common.strip_future(_mutant_source(exercise, m)))
                        for m in mutants]
        elif variant == "alternatives":
            folder = common.HIDDEN_TESTS / exercise.id / "alternatives"
            answers += [(f"alternative:{p.stem}",
                         common.strip_future(p.read_text(encoding="utf-8")))
                        for p in sorted(folder.glob("*.py"))]
        else:
            raise ValueError(f"unknown variant {variant!r}")
    return answers


class _KerasState:
    """What a fresh kernel would not share with the previous kata: Keras' session, dtype
    policy and registered custom objects."""

    def __init__(self) -> None:
        from keras.src.saving import object_registration

        self.registry = object_registration
        self.objects = dict(object_registration.GLOBAL_CUSTOM_OBJECTS)
        self.names = dict(object_registration.GLOBAL_CUSTOM_NAMES)

    def reset(self) -> None:
        import keras

        keras.utils.clear_session(free_memory=False)  # gc.collect() costs ~0.3 s a kata
        keras.config.set_dtype_policy("float32")
        keras.config.set_floatx("float32")
        keras.config.set_epsilon(1e-7)
        keras.config.set_image_data_format("channels_last")
        for live, saved in ((self.registry.GLOBAL_CUSTOM_OBJECTS, self.objects),
                            (self.registry.GLOBAL_CUSTOM_NAMES, self.names)):
            live.clear()
            live.update(saved)


def _run_cell(name: str, source: str, namespace: dict[str, Any]) -> dict[str, Any]:
    """Execute one cell; what it raised and what it wrote to stderr (fd 2 and sys.stderr)."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved_fd = os.dup(2)
    captured = tempfile.TemporaryFile()
    os.dup2(captured.fileno(), 2)
    saved_stderr, sys.stderr = sys.stderr, io.StringIO()
    error = ""
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        exec(compile(source, f"<{name}>", "exec"), namespace)  # noqa: S102 - the notebook's cells
    except BaseException as exc:  # noqa: BLE001 - a failing cell is a result
        if isinstance(exc, KeyboardInterrupt):
            raise
        error = f"{type(exc).__name__}: {exc}"[:3000] or type(exc).__name__
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    text = sys.stderr.getvalue()
    sys.stderr = saved_stderr
    os.dup2(saved_fd, 2)
    os.close(saved_fd)
    captured.seek(0)
    text += captured.read().decode("utf-8", errors="replace")
    captured.close()
    return {"cell": name, "ok": not error, "error": error, "stderr": text,
            "wall_s": round(wall, 3), "cpu_s": round(cpu, 3)}


def run_kata(exercise: Exercise, answer: str) -> list[dict[str, Any]]:
    """The notebook's cells in order, in a fresh `__main__` module; once the setup or the
    answer cell fails, every later cell is reported failed with that error."""
    module = types.ModuleType("__main__")
    main = sys.modules["__main__"]
    sys.modules["__main__"] = module
    cells = [("setup", nbgrader.setup_source(exercise)), ("answer", answer)]
    cells += [(f"test_{i}", code)
              for i, (_, code) in enumerate(nbgrader.test_cells(exercise), start=1)]
    results: list[dict[str, Any]] = []
    broken = ""
    try:
        for name, source in cells:
            if broken:
                results.append({"cell": name, "ok": False, "error": broken, "stderr": "",
                                "wall_s": 0.0, "cpu_s": 0.0})
                continue
            result = _run_cell(f"{exercise.id} {name}", source, module.__dict__)
            result["cell"] = name
            results.append(result)
            if name in ("setup", "answer") and not result["ok"]:
                broken = f"the {name} cell failed: {result['error']}"
    finally:
        sys.modules["__main__"] = main
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", help="write the results here as JSON")
    parser.add_argument("--only", help="comma-separated katas (default: every .cells file)")
    parser.add_argument("--variants", default="solution,stub",
                        help="comma-separated: solution, stub, mutants, alternatives")
    parser.add_argument("--quiet", action="store_true", help="no summary on stdout")
    args = parser.parse_args(argv)
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    os.environ["TF_ENABLE_ONEDNN_OPTS"] = "0"
    from grader.quiet import import_tensorflow_quietly

    import_tensorflow_quietly()
    state = _KerasState()
    manifest = load_manifest()
    katas = args.only.split(",") if args.only else KATAS
    results: dict[str, dict[str, list[dict[str, Any]]]] = {}
    start = time.process_time()
    for kata in katas:
        exercise = manifest[kata]
        results[kata] = {}
        for variant, answer in _answers(exercise, args.variants.split(",")):
            state.reset()
            cells = run_kata(exercise, answer)
            results[kata][variant] = cells
            if not args.quiet:
                graded = [c for c in cells if c["cell"].startswith("test_")]
                marks = " ".join(f"{c['cell'][5:]}:{'pass' if c['ok'] else 'FAIL'}"
                                 f"{'+stderr' if c['stderr'] else ''}({c['wall_s']:.1f}s)"
                                 for c in graded)
                print(f"{kata:4} {variant:45} {marks}", flush=True)
    if not args.quiet:
        print(f"cpu {time.process_time() - start:.1f} s", flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(results), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

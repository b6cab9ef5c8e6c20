"""Shared pytest wiring for visible tests, hidden tests and the suite's own checks.

Options:
    --submission PATH   the folder whose code is tested (default: exercises/).
    --transport MODE    `inprocess` (default) or `worker` (the grader's isolated process).
    --meta              also run each hidden test against the untouched stub and the kept
                        mutants, which must fail it, and against the kept alternative
                        correct solutions (tests/qN/alternatives/), which must pass it.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from grader.errors import NOT_IMPLEMENTED, SubmissionError
from grader.loading import LearnerModule, load_learner_module, module_path
from grader.manifest import REPO_ROOT, Exercise, exercise_of_path, load_manifest
from grader.probing import stub_name
from grader.quiet import import_tensorflow_quietly
from grader.results import CATEGORIES
from grader.testing import KataFailure
from grader.transport import InProcessTransport, Transport, WorkerTransport

import_tensorflow_quietly()

import keras  # noqa: E402
import tensorflow as tf  # noqa: E402

SEED = 1234
HIDDEN_ROOT = REPO_ROOT / "tests"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("keras-kata")
    group.addoption("--submission", default="exercises", help="folder laid out like exercises/")
    group.addoption(
        "--transport", default="inprocess", choices=("inprocess", "worker"),
        help="run learner code in this process or in the grader's isolated worker",
    )
    group.addoption(
        "--meta", action="store_true",
        help="also run hidden tests on the stubs and kept mutants (which must fail) and on "
             "the kept alternative solutions (which must pass)",
    )


# -- exercises and variants --------------------------------------------------------------
@pytest.fixture(scope="session")
def manifest() -> dict[str, Exercise]:
    return load_manifest()


def _exercise_for(item_path: Path, manifest: dict[str, Exercise]) -> Exercise:
    exercise_id = exercise_of_path(item_path)
    if exercise_id is None or exercise_id not in manifest:
        raise pytest.UsageError(f"{item_path} is not inside an exercise folder listed in info.toml")
    return manifest[exercise_id]


def _is_hidden(path: Path) -> bool:
    return HIDDEN_ROOT in path.parents and exercise_of_path(path) is not None


def load_mutants(exercise_id: str) -> list[dict[str, Any]]:
    path = HIDDEN_ROOT / exercise_id / "mutants.toml"
    if not path.is_file():
        return []
    with path.open("rb") as handle:
        return list(tomllib.load(handle).get("mutant", []))


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "variant" not in metafunc.fixturenames or not metafunc.config.getoption("--meta"):
        return
    path = Path(str(metafunc.definition.path))
    if not _is_hidden(path):
        return
    exercise_id = exercise_of_path(path)
    assert exercise_id is not None
    name = metafunc.definition.originalname
    must_fail = pytest.mark.kata_must_fail
    params = [pytest.param("submitted", id="solution")]
    params.append(pytest.param("stub", id="stub", marks=must_fail))
    for alternative in sorted((HIDDEN_ROOT / exercise_id / "alternatives").glob("*.py")):
        params.append(pytest.param(f"alternative:{alternative.stem}",
                                   id=f"alternative-{alternative.stem}"))
    for mutant in load_mutants(exercise_id):
        if name in mutant["caught_by"]:
            label = f"mutant:{mutant['name']}"
            params.append(pytest.param(label, id=f"mutant-{mutant['name']}", marks=must_fail))
    metafunc.parametrize("variant", params, indirect=True)


@pytest.fixture
def variant(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "submitted")


def mutant_source(exercise: Exercise, name: str) -> str:
    """The reference solution with a mutant's edits applied (each edit must match once)."""
    source = (REPO_ROOT / "solutions" / exercise.id / exercise.file).read_text()
    for mutant in load_mutants(exercise.id):
        if mutant["name"] == name:
            for edit in mutant["edit"]:
                count = source.count(edit["old"])
                if count != 1:
                    raise pytest.UsageError(
                        f"mutant {exercise.id}/{name}: {edit['old']!r} occurs {count} times"
                    )
                source = source.replace(edit["old"], edit["new"])
            return source
    raise pytest.UsageError(f"no mutant {name!r} for {exercise.id}")


@pytest.fixture(scope="session")
def _variant_files() -> dict[tuple[str, str], Path]:
    return {}


def _submitted_path(config: pytest.Config, exercise: Exercise) -> Path:
    submission = Path(config.getoption("--submission"))
    if not submission.is_absolute():
        submission = Path(config.invocation_params.dir) / submission
    return module_path(submission, exercise)


def _variant_path(
    config: pytest.Config, exercise: Exercise, variant: str,
    files: dict[tuple[str, str], Path], tmp: pytest.TempPathFactory,
) -> Path:
    """The learner file a variant stands for: the submission, the stub, or a file written
    in the SUBMISSION/qN/<file> layout for an alternative or a mutant."""
    if variant == "submitted":
        return _submitted_path(config, exercise)
    if variant == "stub":
        return module_path(REPO_ROOT / "exercises", exercise)
    key = (exercise.id, variant)
    if key not in files:
        kind, name = variant.split(":", 1)
        if kind == "alternative":
            source = (HIDDEN_ROOT / exercise.id / "alternatives" / f"{name}.py").read_text()
        else:
            source = mutant_source(exercise, name)
        folder = tmp.mktemp(f"{exercise.id}-{kind}-{name}") / exercise.id
        folder.mkdir()
        (folder / exercise.file).write_text(source)
        files[key] = folder / exercise.file
    return files[key]


@pytest.fixture(scope="session")
def _transports() -> Any:
    cache: dict[tuple[str, Path], Transport] = {}
    yield cache
    for transport in cache.values():
        transport.close()


@pytest.fixture
def submission(
    request: pytest.FixtureRequest, manifest: dict[str, Exercise], variant: str,
    _transports: dict[tuple[str, Path], Transport],
    _variant_files: dict[tuple[str, str], Path], tmp_path_factory: pytest.TempPathFactory,
) -> Transport:
    """The submission under test, for hidden tests: `submission.call("probe", **inputs)`."""
    exercise = _exercise_for(Path(str(request.node.path)), manifest)
    path = _variant_path(request.config, exercise, variant, _variant_files, tmp_path_factory)
    key = (exercise.id, path)
    if key not in _transports:
        probes = HIDDEN_ROOT / exercise.id / "probes.py"
        if request.config.getoption("--transport") == "worker" and variant == "submitted":
            # One worker at a time: each holds a TensorFlow (~800 MiB), and an exercise's
            # tests run together, so the previous exercise's worker is done with.
            for other in [k for k, t in _transports.items() if isinstance(t, WorkerTransport)]:
                _transports.pop(other).close()
            _transports[key] = WorkerTransport(exercise, path, probes, exercise.time_limit)
        else:
            _transports[key] = InProcessTransport(exercise, path, probes)
    return _transports[key]


@pytest.fixture
def learner(request: pytest.FixtureRequest, manifest: dict[str, Exercise]) -> LearnerModule:
    """The learner's module, for visible tests (always imported in this process)."""
    hidden = _is_hidden(Path(str(request.node.path)))
    if request.config.getoption("--transport") == "worker" or hidden:
        # Grading never imports a submission in the process that decides the grade.
        raise pytest.UsageError(f"{request.node.nodeid}: hidden tests and grading sessions "
                                "reach learner code only through `submission.call`")
    exercise = _exercise_for(Path(str(request.node.path)), manifest)
    return load_learner_module(_submitted_path(request.config, exercise), exercise)


# -- determinism, devices and data -------------------------------------------------------
@pytest.fixture(autouse=True)
def _seeded() -> None:
    """Every test starts from the same random state, with deterministic TF ops."""
    keras.utils.set_random_seed(SEED)
    tf.config.experimental.enable_op_determinism()


def _gpu_visible() -> bool:
    return bool(tf.config.list_physical_devices("GPU"))


@pytest.fixture(params=["cpu", pytest.param("gpu", marks=pytest.mark.gpu)])
def device(request: pytest.FixtureRequest) -> str:
    """Where numeric checks run: the CPU always, the GPU when one is visible."""
    if request.param == "gpu" and not _gpu_visible():
        pytest.skip("no GPU visible to TensorFlow "
                    "(tf.config.list_physical_devices('GPU') is empty)")
    return str(request.param)


@pytest.fixture(scope="session")
def digits() -> tuple[Any, Any]:
    """scikit-learn's 8x8 digits (shipped with the package, no download): x in [0, 1]."""
    from sklearn.datasets import load_digits

    data = load_digits()
    x = (data.images / 16.0).astype("float32")[..., None]
    return x, data.target.astype("int64")


# -- meta checks: stubs and mutants must lose the points of the tests that target them -----
_CAUGHT = pytest.StashKey[dict[tuple[str, str, str], bool]]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "kata_must_fail: --meta case on a stub or mutant; the test function must fail"
    )
    config.stash[_CAUGHT] = {}
    _CONFIG_STASH[:] = [config.stash]


def _must_fail_outcome(item: pytest.Item, call: pytest.CallInfo[None], report: Any) -> None:
    """Count a stub/mutant case as caught when it fails the way a wrong submission fails.

    A test function is scored as a whole, so a mutant is caught when any one of its cases
    (devices, parameters) fails; a stub must fail as "not implemented", the status a learner
    sees. Caught cases are reported as passed; the verdict per function is given at the end
    of the session. The outcome travels on the report itself (`user_properties`), so the
    verdict is the same under pytest-xdist, where workers send reports to one controller.
    """
    variant = item.callspec.params["variant"]  # type: ignore[attr-defined]
    key = (str(item.path), getattr(item, "originalname", item.name), variant)
    if report.skipped:
        report.user_properties.append(("kata_must_fail", [*key, None]))
        return
    exc = call.excinfo.value if call.excinfo is not None else None
    caught = report.failed and isinstance(exc, (AssertionError, SubmissionError))
    if variant == "stub":
        caught = caught and isinstance(exc, SubmissionError) and exc.kind == NOT_IMPLEMENTED
    if caught:
        report.outcome = "passed"
        report.longrepr = None
    if report.when == "call" or caught:
        report.user_properties.append(("kata_must_fail", [*key, bool(caught)]))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Collect the stub and mutant outcomes (in the controller too, under xdist)."""
    for name, value in report.user_properties:
        if name == "kata_must_fail":
            path, test, variant, caught = value
            seen = _CONFIG_STASH[0][_CAUGHT] if _CONFIG_STASH else {}
            key = (path, test, variant)
            seen.setdefault(key, False)
            if caught:
                seen[key] = True


_CONFIG_STASH: list[Any] = []


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    _learner_summary(terminalreporter, config)
    survivors = [key for key, caught in config.stash[_CAUGHT].items() if not caught]
    if survivors:
        terminalreporter.section("stubs and mutants that no test caught", red=True)
        for path, name, variant in survivors:
            where = f"{Path(path).parent.name}::{name}"
            terminalreporter.line(f"{variant} passed every case of {where}")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if any(not caught for caught in session.config.stash[_CAUGHT].values()):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# -- the learner's summary after `pytest exercises/qN` -------------------------------------
_VISIBLE = pytest.StashKey[dict[str, Any]]()


def _remember_visible(item: pytest.Item, report: pytest.TestReport) -> None:
    """Remember each visible test's outcome and first failure, for the summary below."""
    path = Path(str(item.path))
    exercise_id = exercise_of_path(path)
    if HIDDEN_ROOT in path.parents or exercise_id is None:
        return
    if report.when != "call" and report.passed:
        return
    seen = item.config.stash.setdefault(_VISIBLE, {})
    entry = seen.setdefault(item.name, {"exercise": exercise_id, "outcome": "passed",
                                        "message": ""})
    if report.failed and entry["outcome"] != "failed":
        entry["outcome"] = "failed"
        entry["message"] = str(report.longrepr).strip()
    elif report.skipped and entry["outcome"] == "passed":
        entry["outcome"] = "skipped"


def _plain_words(test_name: str) -> str:
    return test_name.split("[")[0].removeprefix("test_").replace("_", " ")


def _learner_summary(terminalreporter: Any, config: pytest.Config) -> None:
    seen = config.stash.get(_VISIBLE, {})
    exercises = {entry["exercise"] for entry in seen.values()}
    if len(exercises) != 1 or config.getoption("--meta"):
        return
    exercise_id = exercises.pop()
    exercise = load_manifest().get(exercise_id)
    if exercise is None:
        return
    passed = [n for n, e in seen.items() if e["outcome"] == "passed"]
    failed = [n for n, e in seen.items() if e["outcome"] == "failed"]
    write = terminalreporter.write_line
    terminalreporter.section(f"{exercise.id} · {exercise.title}", sep="-")
    for name, entry in seen.items():
        mark = {"passed": "ok  ", "failed": "FAIL", "skipped": "skip"}[entry["outcome"]]
        if entry["message"].startswith("[not implemented yet]"):
            mark = "TODO"
        write(f"  {mark} {_plain_words(name)}")
    if not failed:
        write(f"\nAll {len(passed)} visible checks pass. `kata check {exercise.id}` records it;"
              " the hidden tests check more (see the README's table).")
        return
    first = seen[failed[0]]
    message = first["message"].splitlines()
    write(f"\nFirst failing check: {_plain_words(failed[0])}")
    for line in message[1:] if message and message[0].endswith(failed[0]) else message:
        write(f"  {line}")
    write(f"\nNext: fix that, then run `pytest exercises/{exercise.id}` again. "
          f"Stuck? `kata hint {exercise.id}` gives one hint at a time.")


# -- reporting ---------------------------------------------------------------------------
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.path))
        if _is_hidden(path):
            categories = [c for c in CATEGORIES if item.get_closest_marker(c)]
            if len(categories) != 1 or item.get_closest_marker("points") is None:
                raise pytest.UsageError(
                    f"{item.nodeid}: a hidden test needs one category marker and a points marker"
                )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    outcome = yield
    report = outcome.get_result()
    if item.get_closest_marker("kata_must_fail") and report.when in ("setup", "call"):
        _must_fail_outcome(item, call, report)
    if call.excinfo is not None and not report.passed:
        _friendly_longrepr(item, call, report)
    _remember_visible(item, report)


def _friendly_longrepr(item: pytest.Item, call: pytest.CallInfo[None], report: Any) -> None:
    """Replace tracebacks of learner-caused failures with the plain message."""
    assert call.excinfo is not None
    exc = call.excinfo.value
    if isinstance(exc, SubmissionError):
        label = "not implemented yet" if exc.kind == NOT_IMPLEMENTED else exc.kind.replace("_", " ")
        report.longrepr = f"[{label}] {exc.message}"
    elif isinstance(exc, NotImplementedError):
        where = exercise_of_path(Path(str(item.path))) or "this exercise"
        function = stub_name(exc) or call.excinfo.traceback[-1].name
        report.longrepr = (
            f"[not implemented yet] {where}: `{function}` still raises NotImplementedError. "
            f"Replace its TODO with your code; exercises/{where}/README.md explains the task."
        )
    elif isinstance(exc, KataFailure):
        report.longrepr = f"{item.location[0]}:{item.location[1] + 1}: {item.name}\n{exc}"
    elif isinstance(exc, Exception) and "learner" in getattr(item, "funcargs", {}):
        _learner_raised(item, call, report)


def _learner_raised(item: pytest.Item, call: pytest.CallInfo[None], report: Any) -> None:
    """A visible test's call into the learner's code raised: name the learner's line."""
    assert call.excinfo is not None
    learner_file = Path(item.funcargs["learner"].module.__file__ or "")  # type: ignore[attr-defined]
    frames = [entry for entry in call.excinfo.traceback if Path(str(entry.path)) == learner_file]
    if not frames:
        return  # the test itself failed: keep pytest's own report
    frame = frames[-1]
    exc = call.excinfo.value
    lines = [line for line in str(exc).splitlines() if line.strip()]
    source = str(frame.statement).strip().splitlines()
    report.longrepr = (
        f"[your code raised] {type(exc).__name__}: {lines[-1] if lines else ''}\n"
        f"  in `{frame.name}`, line {frame.lineno + 1} of {learner_file.name}: "
        f"{source[0] if source else ''}\n"
        f"  (while running {item.location[0]}:{item.location[1] + 1}, {item.name})"
    )

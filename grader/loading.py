"""Loading a learner's module from a submission folder, with errors a learner understands.

A submission is a folder laid out like `exercises/`: `SUBMISSION/q4/training_loop.py`.
Visible tests, hidden tests run in-process, and the isolated worker all load code through
`load_learner_module`, so every route reports a missing file or a syntax error the same way.
"""

from __future__ import annotations

import importlib.util
import sys
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

from grader.errors import (
    IMPORT_ERROR,
    MISSING_NAME,
    NOT_SUBMITTED,
    SYNTAX_ERROR,
    SubmissionError,
)
from grader.manifest import Exercise


class LearnerModule:
    """The learner's module, where a missing name is a `SubmissionError`, not AttributeError."""

    def __init__(self, module: ModuleType, exercise: Exercise) -> None:
        self._module = module
        self._exercise = exercise

    @property
    def module(self) -> ModuleType:
        return self._module

    def __getattr__(self, name: str) -> Any:
        try:
            return getattr(self._module, name)
        except AttributeError:
            raise SubmissionError(
                MISSING_NAME,
                f"{self._exercise.id}: {self._exercise.file} defines no `{name}`; "
                "did you rename it or delete it?",
            ) from None


def module_path(submission: Path, exercise: Exercise) -> Path:
    return submission / exercise.id / exercise.file


def load_learner_module(
    path: Path, exercise: Exercise, module_name: str | None = None
) -> LearnerModule:
    """Import the file at `path` as the learner's module for `exercise`.

    Raises:
        SubmissionError: `not_submitted`, `syntax_error` or `import_error`, worded for the
            learner and naming the line where it can.
    """
    if not path.is_file():
        raise SubmissionError(
            NOT_SUBMITTED, f"{exercise.id}: no {exercise.id}/{exercise.file} in the submission"
        )
    name = module_name or f"kata_{exercise.id}_{exercise.module_stem}"
    try:
        source = path.read_text(encoding="utf-8")
        code = compile(source, str(path), "exec")
    except SyntaxError as exc:
        raise SubmissionError(
            SYNTAX_ERROR,
            f"{exercise.id}: {exercise.file} has a syntax error on line {exc.lineno}: "
            f"{exc.msg}. Python could not read the file, so no test of it could run.",
        ) from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise SubmissionError(
            SYNTAX_ERROR, f"{exercise.id}: {exercise.file} cannot be read: {exc}"
        ) from None
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    # Registered Keras classes are looked up by module at load time, so keep it importable.
    sys.modules[name] = module
    try:
        exec(code, module.__dict__)
    except NotImplementedError:
        raise
    except SubmissionError:
        raise
    except BaseException as exc:  # noqa: BLE001 - SystemExit/KeyboardInterrupt from import too
        sys.modules.pop(name, None)
        raise SubmissionError(
            IMPORT_ERROR,
            f"{exercise.id}: importing {exercise.file} failed with "
            f"{type(exc).__name__}: {exc}{where_in_file(exc, path)}",
        ) from None
    return LearnerModule(module, exercise)


def where_in_file(exc: BaseException, path: Path) -> str:
    """' (line N: code)' for the deepest frame of `exc` inside `path`, else ''."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename) == path]
    if not frames:
        return ""
    frame = frames[-1]
    return f" (line {frame.lineno}: {(frame.line or '').strip()})"

"""The exercise manifest, `exercises/info.toml`: the single source of exercise metadata."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
MANIFEST_PATH = REPO_ROOT / "exercises" / "info.toml"
EXERCISE_ID = re.compile(r"^q[1-9][0-9]*$")


@dataclass(frozen=True)
class Exercise:
    """One kata, as the manifest describes it.

    Attributes:
        id: folder name, `q4`.
        title: short human title.
        level: 1 (warm-up) to 4 (hard).
        file: the module the learner edits, `training_loop.py`.
        names: public names the module must define.
        points: the exercise's maximum score (the sum of its hidden tests' points).
        seed: which seed question it comes from.
        hints: progressive hints, gentlest first.
        time_limit: wall-clock seconds the grader allows for all its hidden tests.
    """

    id: str
    title: str
    level: int
    file: str
    names: tuple[str, ...]
    points: float
    seed: str
    hints: tuple[str, ...]
    time_limit: float = 240.0

    @property
    def module_stem(self) -> str:
        return self.file.removesuffix(".py")


class ManifestError(ValueError):
    """The manifest is malformed."""


def load_manifest(path: Path = MANIFEST_PATH) -> dict[str, Exercise]:
    """Read the manifest, in its order, keyed by exercise id."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    exercises: dict[str, Exercise] = {}
    for entry in data.get("exercise", []):
        try:
            exercise = Exercise(
                id=entry["id"],
                title=entry["title"],
                level=int(entry["level"]),
                file=entry["file"],
                names=tuple(entry["names"]),
                points=float(entry["points"]),
                seed=entry["seed"],
                hints=tuple(entry["hints"]),
                time_limit=float(entry.get("time_limit", 240.0)),
            )
        except KeyError as exc:
            raise ManifestError(f"{path}: an exercise lacks the key {exc}") from None
        if not EXERCISE_ID.match(exercise.id):
            raise ManifestError(f"{path}: bad exercise id {exercise.id!r}")
        if exercise.id in exercises:
            raise ManifestError(f"{path}: {exercise.id} is listed twice")
        exercises[exercise.id] = exercise
    return exercises


def exercise_of_path(path: Path) -> str | None:
    """The exercise a test file belongs to: the nearest `qN` folder above it."""
    for part in reversed(path.parts[:-1]):
        if EXERCISE_ID.match(part):
            return part
    return None


class UnknownExercise(ValueError):
    """`--only` named ids the manifest does not have; the message lists the known ones."""


def select_exercises(manifest: dict[str, Exercise], only: str | None) -> list[Exercise]:
    """The exercises `--only q4,q7` names (all of them for None), in the order given.

    Raises:
        UnknownExercise: an id is not in the manifest.
    """
    if not only:
        return list(manifest.values())
    wanted = [name.strip() for name in only.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in manifest]
    if unknown:
        raise UnknownExercise(f"unknown exercise(s) {', '.join(unknown)}; "
                              f"known: {', '.join(manifest)}")
    return [manifest[name] for name in wanted]

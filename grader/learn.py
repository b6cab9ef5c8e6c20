"""The learner's commands: list, next, check, hint, progress, reset, solution.

Each takes the submission folder (default `exercises/`) and prints plain words; `check`
runs the kata's visible tests with pytest, exactly as `pytest exercises/qN` would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path

from grader import warm
from grader.manifest import REPO_ROOT, Exercise
from grader.state import State

Ask = Callable[[str], str]


def _next_pending(manifest: dict[str, Exercise], state: State) -> Exercise | None:
    return next((e for e in manifest.values() if e.id not in state.done), None)


def cmd_list(manifest: dict[str, Exercise], submission: Path) -> int:
    state = State.load(submission)
    rows = [("id", "level", "title", "status")]
    for exercise in manifest.values():
        status = "done" if exercise.id in state.done else "pending"
        rows.append((exercise.id, str(exercise.level), exercise.title, status))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return 0


def cmd_next(manifest: dict[str, Exercise], submission: Path) -> int:
    exercise = _next_pending(manifest, State.load(submission))
    if exercise is None:
        print("Every kata passes. Well done!")
        return 0
    print(f"Next: {exercise.id}, {exercise.title} (level {exercise.level}).")
    target_path = (submission / exercise.id / exercise.file).resolve()
    inside = Path.cwd() in target_path.parents
    target = os.path.relpath(target_path) if inside else str(target_path)
    print(f"Read exercises/{exercise.id}/README.md, edit {target}, then run "
          f"`kata check {exercise.id}` (or `kata watch`).")
    return 0


class _Drain:
    """Reads a pipe to its end on a thread, so a child's results never fill it up."""

    def __init__(self, fd: int) -> None:
        self._fd, self._data = fd, b""
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        with os.fdopen(self._fd, "rb") as pipe:
            self._data = pipe.read()

    def result(self) -> bytes:
        self._thread.join()
        return self._data



def run_visible_tests(exercise: Exercise, submission: Path, quiet: bool = False) -> bool:
    """Run `pytest exercises/qN --submission SUBMISSION`; True when every test passed.

    In `kata watch` the run is a fork of its warm process; a `kata check` while a
    `kata watch` runs for the same folder is answered by that watch; otherwise pytest starts
    afresh (and imports TensorFlow).
    """
    read_fd, write_fd = os.pipe()
    args = [f"exercises/{exercise.id}", f"--submission={submission.resolve()}",
            "-p", "grader.collect", "-q", "--no-header"]
    reader = _Drain(read_fd)
    code = None
    if not quiet and warm.is_warm():
        code = warm.run_forked([*args, f"--results-fd={write_fd}"], str(REPO_ROOT))
    elif not quiet:
        code = warm.ask_warm(submission, args, write_fd)
    if code is None:
        output = subprocess.DEVNULL if quiet else None
        proc = subprocess.Popen(
            [sys.executable, "-m", "pytest", *args, f"--results-fd={write_fd}"],
            cwd=REPO_ROOT, pass_fds=(write_fd,), stdout=output, stderr=output,
            env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
        code = proc.wait()
    os.close(write_fd)
    data = reader.result()
    records = [json.loads(line)["record"] for line in data.splitlines() if line.strip()]
    records = [r for r in records if r.get("kind") != "plan"]  # the list of tests to expect
    return code == 0 and bool(records) and all(r["outcome"] == "passed" for r in records)


def cmd_check(manifest: dict[str, Exercise], submission: Path, exercise: Exercise) -> int:
    passed = run_visible_tests(exercise, submission)
    state = State.load(submission)
    state.mark(exercise.id, passed)
    state.save()
    if passed:
        print(f"\n{exercise.id} passes its visible tests. Recorded as done.")
        following = _next_pending(manifest, state)
        if following is not None:
            print(f"Next: `kata check {following.id}` ({following.title}).")
        if (REPO_ROOT / "solutions" / exercise.id).is_dir():
            print(f"Compare with ours: `kata solution {exercise.id}`.")
    return 0 if passed else 1


def cmd_hint(submission: Path, exercise: Exercise) -> int:
    state = State.load(submission)
    shown = state.hints_shown.get(exercise.id, 0)
    total = len(exercise.hints)
    index = min(shown, total - 1)
    state.hints_shown[exercise.id] = index + 1
    state.save()
    print(f"Hint {index + 1} of {total} for {exercise.id} ({exercise.title}):\n")
    print(textwrap.indent(textwrap.fill(exercise.hints[index], width=86), "  ") + "\n")
    if index + 1 < total:
        print(f"Run `kata hint {exercise.id}` again for the next one.")
    else:
        print("That was the last hint. The README's contract table has every detail.")
    return 0


def cmd_progress(manifest: dict[str, Exercise], submission: Path) -> int:
    state = State.load(submission)
    done = sum(e.id in state.done for e in manifest.values())
    total = len(manifest)
    width = 30
    filled = round(width * done / total) if total else width
    print(f"[{'#' * filled}{'-' * (width - filled)}] {done}/{total} katas "
          f"({100 * done // max(total, 1)}%)")
    following = _next_pending(manifest, state)
    if following is not None:
        print(f"Next: {following.id}, {following.title}.")
    return 0


def original_stub(exercise: Exercise) -> str | None:
    """The stub as first committed (git), so a learner's own commits cannot hide it."""
    relative = f"exercises/{exercise.id}/{exercise.file}"
    try:
        first = subprocess.run(
            ["git", "log", "--diff-filter=A", "--format=%H", "--", relative],
            cwd=REPO_ROOT, capture_output=True, text=True, check=True,
        ).stdout.split()
        if not first:
            return None
        return subprocess.run(["git", "show", f"{first[-1]}:{relative}"], cwd=REPO_ROOT,
                              capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


def cmd_reset(submission: Path, exercise: Exercise, yes: bool, ask: Ask = input) -> int:
    target = submission / exercise.id / exercise.file
    stub = original_stub(exercise)
    if stub is None:
        print("kata reset: the original stub is not available (this is not a git checkout).",
              file=sys.stderr)
        return 1
    if not yes:
        answer = ask(f"Replace {target} with the original stub? Your version is backed up. [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            print("Nothing changed.")
            return 0
    if target.exists():
        backups = submission / ".kata-backups"
        backups.mkdir(exist_ok=True)
        backup = backups / f"{exercise.id}-{time.strftime('%Y%m%d-%H%M%S')}-{exercise.file}"
        shutil.copy2(target, backup)
        print(f"Your version is saved as {backup}.")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(stub)
    state = State.load(submission)
    state.mark(exercise.id, False)
    state.save()
    print(f"{target} is the original stub again.")
    return 0


def cmd_solution(submission: Path, exercise: Exercise) -> int:
    state = State.load(submission)
    if exercise.id not in state.done:
        print(f"The solution of {exercise.id} is shown once your code passes: "
              f"`kata check {exercise.id}`. Meanwhile, `kata hint {exercise.id}`.")
        return 1
    path = REPO_ROOT / "solutions" / exercise.id / exercise.file
    if not path.is_file():
        print("Reference solutions are not part of this release.")
        return 1
    print(f"# {path.relative_to(REPO_ROOT)}\n")
    print(path.read_text())
    return 0

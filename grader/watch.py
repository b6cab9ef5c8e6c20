"""`kata watch`: re-run the current kata's visible tests on every save, rustlings-style.

TensorFlow is imported once, when watch starts; each re-run is a fresh child forked from
this process (grader/warm.py), so a verdict comes within about a second of saving and
nothing of the previous save's code survives into the next run. Uses watchfiles
(file-system events), or polling with `--poll` where events are missed
(WSL2, network drives, some containers). Type `h` + Enter for a hint, `r` to re-run, `q` to
quit. When the kata passes, watch moves on to the next unfinished one.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from pathlib import Path

from watchfiles import watch

from grader import warm
from grader.learn import _next_pending, cmd_hint, run_visible_tests
from grader.manifest import REPO_ROOT, Exercise
from grader.state import State


def _read_commands(commands: queue.Queue[str]) -> None:
    # At end of input (no terminal) keep watching; Ctrl-C still stops it.
    for line in sys.stdin:
        commands.put(line.strip().lower())


def cmd_watch(
    manifest: dict[str, Exercise], submission: Path, start: Exercise | None, poll: bool
) -> int:
    try:
        return _watch(manifest, submission, start, poll)
    except KeyboardInterrupt:
        print("\nStopped watching. `kata watch` picks up where you left off.")
        return 0


def _watch(
    manifest: dict[str, Exercise], submission: Path, start: Exercise | None, poll: bool
) -> int:
    state = State.load(submission)
    exercise = start or _next_pending(manifest, state)
    if exercise is None:
        print("Every kata passes. Well done!")
        return 0
    # Once, here: every re-run is then a fork of this process with TensorFlow imported.
    if os.environ.get("KATA_WARM", "1") != "0":  # KATA_WARM=0: a new process per run
        print("kata watch: loading TensorFlow once...", flush=True)
        warm.warm_up()
        # `kata check` in another terminal is answered from here too, just as fast.
        warm.serve_checks(submission, str(REPO_ROOT))
    commands: queue.Queue[str] = queue.Queue()
    threading.Thread(target=_read_commands, args=(commands,), daemon=True).start()
    stop = threading.Event()
    while exercise is not None:
        target = submission / exercise.id / exercise.file
        print(f"\n== kata watch: {exercise.id} ({exercise.title}), {target} ==", flush=True)
        passed = _run(manifest, submission, exercise)
        while not passed:
            print("Waiting for you to save the file... (h: hint, r: re-run, q: quit)",
                  flush=True)
            event = _wait(target, commands, stop, poll)
            if event == "q":
                return 0
            if event == "h":
                cmd_hint(submission, exercise)
                continue
            passed = _run(manifest, submission, exercise)
        print(f"\n{exercise.id} passes! Moving on.", flush=True)
        exercise = _next_pending(manifest, State.load(submission))
    print("Every kata passes. Well done!", flush=True)
    return 0


def _run(manifest: dict[str, Exercise], submission: Path, exercise: Exercise) -> bool:
    passed = run_visible_tests(exercise, submission)
    state = State.load(submission)
    state.mark(exercise.id, passed)
    state.save()
    return passed


def _wait(target: Path, commands: queue.Queue[str], stop: threading.Event, poll: bool) -> str:
    """Block until the file changes ('changed') or a command arrives ('h', 'r', 'q')."""
    changed = threading.Event()
    target = target.resolve()

    def watcher() -> None:
        # None lets watchfiles poll by itself where events never arrive (WSL on /mnt/c).
        for _ in watch(target.parent, stop_event=stop, force_polling=True if poll else None,
                       poll_delay_ms=300,
                       watch_filter=lambda _change, path: Path(path) == target,
                       rust_timeout=500, yield_on_timeout=False, debounce=50,
                       step=20):
            changed.set()
            return

    stop.clear()
    thread = threading.Thread(target=watcher, daemon=True)
    thread.start()
    try:
        while True:
            if changed.is_set():
                return "changed"
            try:
                command = commands.get(timeout=0.2)
            except queue.Empty:
                continue
            if command in ("h", "r", "q"):
                return command
    finally:
        stop.set()
        thread.join(timeout=2)

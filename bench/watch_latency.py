"""Time from saving a kata's file to `kata watch`'s verdict, warm (forked) and cold; and
`kata check`, alone and answered by a running `kata watch`.

    tfrun .venv/bin/python bench/watch_latency.py [--kata q17] [--saves 5]

Copies the stubs to a temporary folder, starts `kata watch KATA --dir FOLDER` with its
output on a pipe, waits until it is waiting for a save, then saves the reference solution
and times until watch prints its verdict ("KATA passes"); then it saves the stub again,
times the failing verdict ("Waiting for you to save"), and repeats. `KATA_WARM=0` gives
the cold row: a new Python process (and TensorFlow import) per run, as before the warm
process existed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from queue import Empty, Queue

REPO = Path(__file__).resolve().parent.parent


def _lines(stream, out: Queue) -> None:  # noqa: ANN001
    for line in iter(stream.readline, ""):
        out.put((time.monotonic(), line))


def _wait_for(out: Queue, text: str, timeout: float = 120) -> float:
    deadline = time.monotonic() + timeout
    while True:
        try:
            stamp, line = out.get(timeout=max(0.0, deadline - time.monotonic()))
        except Empty:
            raise TimeoutError(text) from None
        if text in line:
            return stamp


def measure(kata: str, saves: int, warm: bool) -> tuple[list[float], list[float]]:
    sys.path.insert(0, str(REPO))
    from grader.manifest import load_manifest

    exercise = load_manifest()[kata]
    folder = Path(tempfile.mkdtemp(prefix="kata-watch-bench-"))
    shutil.copytree(REPO / "exercises" / kata, folder / kata)
    target = folder / kata / exercise.file
    stub = target.read_text()
    solution = (REPO / "solutions" / kata / exercise.file).read_text()
    env = dict(os.environ, KATA_WARM="1" if warm else "0", PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "grader.cli", "watch", kata, "--dir", str(folder)],
        cwd=REPO, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True)
    out: Queue = Queue()
    threading.Thread(target=_lines, args=(proc.stdout, out), daemon=True).start()
    passing, failing = [], []
    try:
        _wait_for(out, "Waiting for you to save")
        for _ in range(saves):
            time.sleep(0.5)
            saved = time.monotonic()
            target.write_text(solution)
            passing.append(_wait_for(out, f"{kata} passes") - saved)
            # watch moves on to the next kata; restart it on this one for the next save.
            proc.kill()
            proc.wait()
            target.write_text(stub)
            proc = subprocess.Popen(
                [sys.executable, "-m", "grader.cli", "watch", kata, "--dir", str(folder)],
                cwd=REPO, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, text=True)
            out = Queue()
            threading.Thread(target=_lines, args=(proc.stdout, out), daemon=True).start()
            _wait_for(out, "Waiting for you to save")
            time.sleep(0.5)
            saved = time.monotonic()
            target.write_text(stub + "\n# saved again\n")
            failing.append(_wait_for(out, "Waiting for you to save") - saved)
    finally:
        proc.kill()
        proc.wait()
        shutil.rmtree(folder, ignore_errors=True)
    return passing, failing


def measure_check(kata: str, runs: int, with_watch: bool) -> list[float]:
    """Wall time of `kata check KATA` on a solved kata, with or without a watch running."""
    sys.path.insert(0, str(REPO))
    from grader.manifest import load_manifest

    exercise = load_manifest()[kata]
    folder = Path(tempfile.mkdtemp(prefix="kata-check-bench-"))
    shutil.copytree(REPO / "exercises" / kata, folder / kata)
    shutil.copy(REPO / "solutions" / kata / exercise.file, folder / kata / exercise.file)
    watch = None
    if with_watch:
        # What `kata watch` does once it has loaded TensorFlow (grader/watch.py).
        server = ("import sys, time; from pathlib import Path; from grader import warm; "
                  "warm.warm_up(); warm.serve_checks(Path(sys.argv[1]), sys.argv[2]); "
                  "print('READY', flush=True); time.sleep(3600)")
        watch = subprocess.Popen([sys.executable, "-c", server, str(folder), str(REPO)],
                                 cwd=REPO, stdout=subprocess.PIPE, text=True)
        assert watch.stdout is not None
        watch.stdout.readline()
    times = []
    try:
        for _ in range(runs):
            started = time.monotonic()
            subprocess.run([sys.executable, "-m", "grader.cli", "check", kata, "--dir",
                            str(folder)], cwd=REPO, capture_output=True, check=True)
            times.append(time.monotonic() - started)
    finally:
        if watch is not None:
            watch.kill()
            watch.wait()
        shutil.rmtree(folder, ignore_errors=True)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kata", default="q17")
    parser.add_argument("--saves", type=int, default=5)
    args = parser.parse_args()
    print(f"save -> verdict in `kata watch {args.kata}` (seconds; median, min-max of "
          f"{args.saves} saves)")
    print("| mode | passing verdict | failing verdict |")
    print("|---|---|---|")
    for warm in (False, True):
        passing, failing = measure(args.kata, args.saves, warm)
        label = "warm fork (now)" if warm else "new process per run (before)"
        print(f"| {label} | {statistics.median(passing):.2f} "
              f"({min(passing):.2f}-{max(passing):.2f}) | {statistics.median(failing):.2f} "
              f"({min(failing):.2f}-{max(failing):.2f}) |")
    print(f"\n`kata check {args.kata}` on the solved kata, whole command (seconds; median, "
          f"min-max of {args.saves} runs)")
    print("| mode | check |")
    print("|---|---|")
    for with_watch in (False, True):
        times = measure_check(args.kata, args.saves, with_watch)
        label = "while `kata watch` runs" if with_watch else "alone"
        print(f"| {label} | {statistics.median(times):.2f} "
              f"({min(times):.2f}-{max(times):.2f}) |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

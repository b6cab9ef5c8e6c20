"""Timings of the learner loop and the grader, printed as a Markdown table.

    python bench/bench.py [--repeat 3] [--only q4,q17]

Measures, each as the median of `--repeat` runs in fresh processes:
- bare `import tensorflow` (the floor every pytest run pays);
- `pytest exercises/qN --submission solutions` (the learner loop with a solved kata);
- `kata grade solutions --only qN` pinned to one core (`taskset -c 0`, where available);
- peak RSS of the largest process of each run.
Targets (measured here, never asserted in tests): learner loop within 2.0x the bare import;
each kata's hidden tests within 20 s wall on one core.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.manifest import load_manifest  # noqa: E402

ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")


def measure(command: list[str], repeat: int) -> tuple[float, float]:
    """Median wall seconds and peak RSS (MiB) of `command` over `repeat` fresh runs."""
    times, peaks = [], []
    for _ in range(repeat):
        code = (
            "import resource, subprocess, sys, time\n"
            "t = time.perf_counter()\n"
            "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL,"
            " stderr=subprocess.DEVNULL)\n"
            "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN)"
            ".ru_maxrss, r.returncode)\n"
        )
        out = subprocess.run([sys.executable, "-c", code, *command], cwd=ROOT, env=ENV,
                             capture_output=True, text=True, check=True).stdout.split()
        if out[2] != "0":
            raise SystemExit(f"{' '.join(command)} exited with {out[2]}")
        times.append(float(out[0]))
        peaks.append(int(out[1]) / 1024)
    return statistics.median(times), max(peaks)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", help="comma-separated exercise ids")
    args = parser.parse_args()
    manifest = load_manifest()
    ids = args.only.split(",") if args.only else list(manifest)
    one_core = ["taskset", "-c", "0"] if shutil.which("taskset") else []
    python = sys.executable
    kata = [python, "-m", "grader.cli"]

    base, base_rss = measure([python, "-c", "import tensorflow"], args.repeat)
    rows = [("bare `import tensorflow`", base, base_rss, "")]
    for exercise_id in ids:
        seconds, rss = measure([python, "-m", "pytest", f"exercises/{exercise_id}",
                                "--submission", "solutions", "-q"], args.repeat)
        verdict = "ok" if seconds <= 2.0 * base else "over 2.0x"
        rows.append((f"`pytest exercises/{exercise_id}` (solved)", seconds, rss,
                     f"{seconds / base:.2f}x import, {verdict}"))
    for exercise_id in ids:
        seconds, rss = measure([*one_core, *kata, "grade", "solutions", "--only", exercise_id],
                               args.repeat)
        verdict = "ok" if seconds <= 20 else "over 20 s"
        rows.append((f"`kata grade solutions --only {exercise_id}` (1 core)", seconds, rss,
                     verdict))
    print(f"repeat={args.repeat}, median wall time; cores={os.cpu_count()}\n")
    print("| what | seconds | peak RSS MiB | target |\n|---|---|---|---|")
    for name, seconds, rss, note in rows:
        print(f"| {name} | {seconds:.2f} | {rss:.0f} | {note} |")


if __name__ == "__main__":
    main()

"""Seed sweeps behind the convergence thresholds of the hidden tests.

    python bench/sweep.py q15 [--seeds 20]    # runs bench/sweeps/q15.py

Runs the reference solution's convergence probe over many seeds (data and initialisation)
and prints each seed's metric, then the minimum and mean. Each hidden convergence test keeps
its threshold below the minimum with a margin, and quotes the minimum next to it.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.quiet import import_tensorflow_quietly  # noqa: E402

import_tensorflow_quietly()

from grader.manifest import load_manifest  # noqa: E402
from grader.transport import InProcessTransport  # noqa: E402


def _sweeps() -> dict[str, Callable[[InProcessTransport, int], float]]:
    """Each kata with a convergence test keeps its sweep in `bench/sweeps/qN.py`, as a
    function `sweep(transport, seed) -> float` (higher or lower is better as its docstring
    says)."""
    found = {}
    for path in sorted((ROOT / "bench" / "sweeps").glob("q*.py")):
        spec = importlib.util.spec_from_file_location(f"sweep_{path.stem}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        found[path.stem] = module.sweep
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    sweeps = _sweeps()
    parser.add_argument("exercise", choices=sorted(sweeps))
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args()
    exercise = load_manifest()[args.exercise]
    transport = InProcessTransport(
        exercise, ROOT / "solutions" / exercise.id / exercise.file,
        ROOT / "tests" / exercise.id / "probes.py",
    )
    values = []
    print("| seed | metric | seconds |\n|---|---|---|")
    for seed in range(args.seeds):
        started = time.perf_counter()
        value = sweeps[args.exercise](transport, seed)
        values.append(value)
        print(f"| {seed} | {value:.4f} | {time.perf_counter() - started:.1f} |", flush=True)
    print(f"\n{args.exercise}: {len(values)} seeds, min {min(values):.4f}, "
          f"mean {sum(values) / len(values):.4f}, max {max(values):.4f}")


if __name__ == "__main__":
    main()

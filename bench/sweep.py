"""Seed sweeps behind the convergence thresholds of the hidden tests.

    python bench/sweep.py q15 [--seeds 20]

Runs the reference solution's convergence probe over many seeds (data and initialisation)
and prints each seed's metric, then the minimum and mean. Each hidden convergence test keeps
its threshold below the minimum with a margin, and quotes the minimum next to it.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from grader.quiet import import_tensorflow_quietly  # noqa: E402

import_tensorflow_quietly()

from grader.manifest import load_manifest  # noqa: E402
from grader.transport import InProcessTransport  # noqa: E402


def _hidden(exercise_id: str, stem: str):  # type: ignore[no-untyped-def]
    path = ROOT / "tests" / exercise_id / f"{stem}.py"
    spec = importlib.util.spec_from_file_location(f"sweep_{exercise_id}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def sweep_q15(transport: InProcessTransport, seed: int) -> float:
    tests = _hidden("q15", "test_focal_loss")
    x, y = tests.skewed_data(2 * seed)
    x_eval, y_eval = tests.skewed_data(2 * seed + 1)
    got = transport.call("skewed_training", seed=seed, x=x, y=y, x_eval=x_eval, alpha=0.9,
                         epochs=8, train_seed=seed)
    return tests.recall(y_eval, got["focal"]) - tests.recall(y_eval, got["bce"])


def sweep_q4(transport: InProcessTransport, seed: int) -> float:
    tests = _hidden("q4", "test_training_loop")
    return float(tests.run_convergence(transport, seed)[-1])


def sweep_q7(transport: InProcessTransport, seed: int) -> float:
    tests = _hidden("q7", "test_siamese")
    return tests.run_separation(transport, seed)


SWEEPS = {"q4": sweep_q4, "q7": sweep_q7, "q15": sweep_q15}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("exercise", choices=sorted(SWEEPS))
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
        value = SWEEPS[args.exercise](transport, seed)
        values.append(value)
        print(f"| {seed} | {value:.4f} | {time.perf_counter() - started:.1f} |", flush=True)
    print(f"\n{args.exercise}: {len(values)} seeds, min {min(values):.4f}, "
          f"mean {sum(values) / len(values):.4f}, max {max(values):.4f}")


if __name__ == "__main__":
    main()

"""How long a grading worker takes to start, forked from the zygote and spawned afresh.

    tfrun .venv/bin/python bench/worker_start.py [--workers 6]

Runs a small grading session that starts `--workers` workers one after another for q21
(the reference solution) and times, for each, from creating the transport to the answer of
its first probe call (one derivative: the probe's own work is a few milliseconds). The
zygote row runs the session inside the zygote, as `kata grade` does; the spawn row runs it as
a plain pytest session (`KATA_ZYGOTE=0`'s layout: every worker is a new sandboxed Python
that imports TensorFlow). Both use the grader's default isolation.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

SESSION = '''
import os, time
from pathlib import Path
from grader.manifest import REPO_ROOT, load_manifest
from grader.transport import WorkerTransport

def test_start_workers():
    exercise = load_manifest()["q21"]
    module = Path(os.environ["KATA_BENCH_MODULE"])
    for _ in range(int(os.environ["KATA_BENCH_WORKERS"])):
        started = time.monotonic()
        transport = WorkerTransport(exercise, module, REPO_ROOT / "tests/q21/probes.py", 60)
        transport.call("derivatives", cases=[{"order": 1, "f": "cube", "x": 2.0,
                                              "kind": "python"}])
        print(f"WORKER {time.monotonic() - started:.3f}", flush=True)
        transport.close()
'''


def run(mode: str, workers: int) -> list[float]:
    sys.path.insert(0, str(REPO))
    from grader import sandbox

    folder = Path(tempfile.mkdtemp(prefix="kata-bench-start-"))
    (folder / "test_start.py").write_text(SESSION)
    staged = folder / "submission"
    shutil.copytree(REPO / "solutions" / "q21", staged / "q21")
    in_box = mode == "zygote" and sandbox.sandbox_problem() is None
    module = (f"{sandbox.SUBMISSION_DIR}/q21/gradients.py" if in_box
              else str(staged / "q21" / "gradients.py"))
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", KATA_BENCH_MODULE=module,
               KATA_BENCH_WORKERS=str(workers), KATA_ISOLATION=sandbox.isolation_level())
    pytest_args = [str(folder), "-q", "-s", "-p", "no:cacheprovider", f"--rootdir={folder}"]
    if mode == "zygote":
        args = ["-m", "grader.zygote", "--", *pytest_args]
        command = [sys.executable, *args]
        if in_box:
            command = sandbox.session_command(args, REPO, staged, env)
            at = command.index("--chdir")
            command[at:at] = ["--ro-bind", str(folder), str(folder)]
    else:
        command = [sys.executable, "-m", "pytest", *pytest_args]
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    shutil.rmtree(folder, ignore_errors=True)
    times = [float(line.split()[1]) for line in result.stdout.splitlines()
             if line.startswith("WORKER ")]
    if len(times) != workers:
        print(result.stdout[-2000:], result.stderr[-2000:])
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, default=6)
    args = parser.parse_args()
    print(f"worker start to first answer, {args.workers} workers in a row (seconds)")
    print("| mode | first | later (median) | later (max) |")
    print("|---|---|---|---|")
    for mode in ("spawn", "zygote"):
        times = run(mode, args.workers)
        later = times[1:] or [float("nan")]
        print(f"| {mode} | {times[0]:.2f} | {statistics.median(later):.2f} | "
              f"{max(later):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())

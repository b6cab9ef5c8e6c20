"""Batch grading on the class of the issue, and the same submission graded 20 times.

    tfrun tfrun .venv/bin/python bench/batch.py [--only q17,q21] [--repeat 20]

(a) Writes a class of 12 submissions (the reference solutions, the untouched stubs, and one
    each of: syntax error, import error, missing name, wrong return type, NaN output,
    infinite loop, memory blow-up, os._exit, stdout flood, importing the reference
    solutions; the solutions one as a .zip), grades it with `kata grade-many --jobs 1` and
    `--jobs 2`, and prints the wall times, the speed-up, the CSV and whether every student
    got the score and status expected of it.
(b) Grades one submission with mixed results (--only q21, NaN derivatives) `--repeat` times
    and prints how many distinct (score, statuses) results came back: 1 is the goal.

The broken variants break q21 (GradientTape; cheap) and keep a correct q17, so each row also
shows that one broken exercise leaves the other graded. Calls time out after 30 s here
(KATA_CALL_TIMEOUT) to keep the infinite loop short. Needs two free cores for (a)'s speed-up:
run it under two `tfrun` slots, as above.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
Q17 = ("q17", "custom_dense.py")
# Seconds a call may take (KATA_CALL_TIMEOUT): short, for the infinite loop, yet long enough
# for the memory blow-up to reach its 2 GiB cap while two gradings share two cores (at 10 s
# it sometimes timed out first under --jobs 2).
CALL_TIMEOUT = 30
Q21 = ("q21", "gradients.py")

# What replaces or follows the reference q21 file for each broken student.
_OVERRIDES = {
    "wrong-return-type": '''
def derivative(f, x):
    return "the derivative"  # a string, not a tensor
''',
    "nan-output": '''
def derivative(f, x):
    x = _float_tensor(x)
    return tf.fill(tf.shape(x), float("nan"))
''',
    "infinite-loop": '''
def linear_regression(x, y, lr, steps):
    while True:
        pass
''',
    "memory-blowup": '''
def second_derivative(f, x):
    hog = []
    while True:
        hog.append(bytearray(64 * 2**20))
''',
    "os-exit": '''
def derivative(f, x):
    import os
    os._exit(3)
''',
    "stdout-flood": '''
_reference_derivative = derivative


def derivative(f, x):
    for _ in range(200):
        print("flood " * 20000)  # 24 MB per call
    return _reference_derivative(f, x)
''',
}

# student -> (expected total of 40 on q17+q21, expected status). A crash costs the test it
# happened in; after the third, the worker is not restarted and q21's later tests are lost.
# The memory blow-up's score depends on where the cap bites (a cgroup kills the worker, an
# address-space limit raises MemoryError), so any score is accepted for it.
EXPECTED = {
    "solutions": (40.0, "passed"),
    "stubs": (0.0, "failed"),
    "syntax-error": (20.0, "error"),
    "import-error": (20.0, "error"),
    "missing-name": (32.0, "failed"),
    "wrong-return-type": (31.0, "failed"),
    "nan-output": (33.0, "failed"),
    "infinite-loop": (32.0, "error"),
    "memory-blowup": (None, "failed"),
    "os-exit": (23.0, "failed"),
    "stdout-flood": (40.0, "passed"),
    "imports-solutions": (0.0, "error"),
}


def _write(folder: Path, exercise: tuple[str, str], text: str) -> None:
    path = folder / exercise[0] / exercise[1]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def make_class(folder: Path) -> None:
    """The 12 submissions of the issue, for q17 and q21."""
    ref17 = (REPO / "solutions" / "q17" / "custom_dense.py").read_text()
    ref21 = (REPO / "solutions" / "q21" / "gradients.py").read_text()
    for exercise in (Q17, Q21):
        _write(folder / "stubs", exercise,
               (REPO / "exercises" / exercise[0] / exercise[1]).read_text())
    variants = {
        "syntax-error": ref21 + "\n\ndef broken(:\n    pass\n",
        "import-error": ref21 + "\nimport kata_no_such_module  # noqa\n",
        "missing-name": ref21.replace("def linear_regression(", "def linear_regresion("),
        **{name: ref21 + code for name, code in _OVERRIDES.items()},
    }
    for name, text in variants.items():
        _write(folder / name, Q17, ref17)
        _write(folder / name, Q21, text)
    cheat = folder / "imports-solutions"
    preamble = f"import sys\nsys.path.insert(0, {str(REPO)!r})\n"
    _write(cheat, Q17, preamble + "from solutions.q17.custom_dense import CustomDense  # noqa\n")
    _write(cheat, Q21, preamble + "from solutions.q21.gradients import *  # noqa\n")
    with zipfile.ZipFile(folder / "solutions.zip", "w") as bundle:
        for exercise, text in ((Q17, ref17), (Q21, ref21)):
            bundle.writestr(f"solutions/{exercise[0]}/{exercise[1]}", text)


def grade_many(folder: Path, out: Path, only: str, jobs: int) -> float:
    env = dict(os.environ, KATA_CALL_TIMEOUT=str(CALL_TIMEOUT))
    command = [sys.executable, "-m", "grader.cli", "grade-many", str(folder), "--only", only,
               "--jobs", str(jobs), "--out-dir", str(out), "--csv", str(out / "grades.csv")]
    started = time.monotonic()
    proc = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        sys.exit(f"grade-many failed ({proc.returncode}):\n{proc.stderr}")
    return seconds


def class_bench(work: Path, only: str) -> None:
    folder = work / "class"
    make_class(folder)
    rows = []
    for jobs in (1, 2):
        out = work / f"out-jobs{jobs}"
        rows.append((jobs, grade_many(folder, out, only, jobs)))
    base = rows[0][1]
    print(f"## (a) kata grade-many, 12 submissions, --only {only}, {os.cpu_count()} cores\n")
    print("| jobs | wall s | speed-up |\n|---|---|---|")
    for jobs, seconds in rows:
        print(f"| {jobs} | {seconds:.1f} | {base / seconds:.2f}x |")
    texts = [(work / f"out-jobs{jobs}" / "grades.csv").read_text() for jobs in (1, 2)]
    same = texts[0] == texts[1]
    print(f"\nCSV (--jobs 2; --jobs 1 gave {'the same CSV' if same else 'another CSV'}):\n\n"
          "```\n" + texts[1] + "```\n")
    if not same:
        lines = set(texts[1].splitlines())
        print("rows of --jobs 1 that differ:\n\n```\n" + "\n".join(
            line for line in texts[0].splitlines() if line not in lines) + "\n```\n")
    print("| student | expected | got | ok |\n|---|---|---|---|")
    for row in csv.DictReader(texts[1].splitlines()):
        score, status = EXPECTED[row["student"]]
        ok = row["status"] == status and (score is None or float(row["total"]) == score)
        want = f"{'any' if score is None else f'{score:g}'} {status}"
        print(f"| {row['student']} | {want} | {row['total']} {row['status']} | "
              f"{'yes' if ok else 'NO'} |")
    shutil.copy(work / "out-jobs2" / "class-report.html", work / "class-report.html")


def determinism(work: Path, repeat: int) -> None:
    folder = work / "same"
    ref21 = (REPO / "solutions" / "q21" / "gradients.py").read_text()
    for i in range(repeat):
        _write(folder / f"run{i + 1:02d}", Q21, ref21 + _OVERRIDES["nan-output"])
    out = work / "out-same"
    seconds = grade_many(folder, out, "q21", 2)
    seen: dict[str, int] = {}
    for i in range(repeat):
        result = json.loads((out / f"run{i + 1:02d}" / "result.json").read_text())
        key = json.dumps([result["score"],
                          [e["status"] for e in result["exercises"].values()],
                          [(t["name"], t["status"], t["score"]) for t in result["tests"]]])
        seen[key] = seen.get(key, 0) + 1
    print(f"## (b) one submission (q21 with NaN derivatives) graded {repeat} times "
          f"(--jobs 2, {seconds:.0f} s)\n")
    print(f"distinct (score, statuses) results: {len(seen)}")
    for key, count in seen.items():
        score, statuses, tests = json.loads(key)
        passed = sum(t[1] == "passed" for t in tests)
        print(f"  {count} x score {score:g}, exercise {statuses[0]}, {passed} of {len(tests)} "
              "tests passed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="q17,q21")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--keep", type=Path, help="keep the class and results here")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kata-bench-batch-"))
    try:
        class_bench(work, args.only)
        print()
        determinism(work, args.repeat)
    finally:
        if args.keep:
            shutil.copytree(work, args.keep, dirs_exist_ok=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

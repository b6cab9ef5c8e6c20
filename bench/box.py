"""Grading a full submission inside Gradescope's default box: 768 MiB, no swap, half a CPU.

    tfrun tfrun .venv/bin/python bench/box.py [--only q4,q17] [--memory-mb 768] [--cpu 0.5]
                                              [--legacy] [--floor] [SUBMISSION]

Needs root and cgroup v1 or v2. Makes a cgroup with the memory cap (swap capped too) and a
CPU quota, runs `kata grade SUBMISSION --format json` in it, and prints wall time,
CPU-seconds (the cgroup's own accounting), peak memory, OOM kills and the score.
`--legacy` grades with KATA_ZYGOTE=0 (the session and every worker import TensorFlow: the
"before" row). `--floor` also prints the floor the issue compares against: one bare
`import tensorflow` plus, for each kata, the CPU-seconds its hidden tests take in a warm
process (in-process transport, TensorFlow already imported), and the ratio to it.
Grading runs under the grader's default isolation (the sandbox where bubblewrap works).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CG = Path("/sys/fs/cgroup")


class Box:
    """A cgroup (v1: memory, cpu, cpuacct, pids; v2: one group) with a memory cap and quota."""

    def __init__(self, memory: int, cpu: float) -> None:
        name = f"kata-box-{uuid.uuid4().hex[:8]}"
        self.v2 = (CG / "cgroup.controllers").is_file()
        self.groups: dict[str, Path] = {}
        quota = f"{int(cpu * 100_000)} 100000"
        if self.v2:
            group = CG / name
            group.mkdir()
            self.groups = {k: group for k in ("memory", "cpu", "cpuacct")}
            (group / "memory.max").write_text(str(memory))
            (group / "memory.swap.max").write_text("0")
            (group / "cpu.max").write_text(quota)
        else:
            for controller in ("memory", "cpu", "cpuacct"):
                group = CG / controller / name
                group.mkdir()
                self.groups[controller] = group
            memory_group = self.groups["memory"]
            (memory_group / "memory.limit_in_bytes").write_text(str(memory))
            swap = memory_group / "memory.memsw.limit_in_bytes"
            if swap.exists():
                swap.write_text(str(memory))
            (self.groups["cpu"] / "cpu.cfs_period_us").write_text("100000")
            (self.groups["cpu"] / "cpu.cfs_quota_us").write_text(str(int(cpu * 100_000)))

    def command(self, command: list[str]) -> list[str]:
        joins = "; ".join(f"echo $$ > '{g}/cgroup.procs'" for g in set(self.groups.values()))
        return ["/bin/sh", "-c", f"{joins} && exec \"$@\"", "box", *command]

    def cpu_seconds(self) -> float:
        if self.v2:
            for line in (self.groups["cpu"] / "cpu.stat").read_text().splitlines():
                if line.startswith("usage_usec"):
                    return int(line.split()[1]) / 1e6
            return float("nan")
        return int((self.groups["cpuacct"] / "cpuacct.usage").read_text()) / 1e9

    def peak_mib(self) -> float:
        group = self.groups["memory"]
        name = "memory.peak" if self.v2 else "memory.max_usage_in_bytes"
        try:
            return int((group / name).read_text()) / 2**20
        except OSError:
            return float("nan")

    def oom_kills(self) -> int:
        """OOM kills in the box and in every cgroup the grader nested inside it."""
        name = "memory.events" if self.v2 else "memory.oom_control"
        kills = 0
        for events in [self.groups["memory"] / name, *self.groups["memory"].rglob(name)]:
            try:
                text = events.read_text()
            except OSError:
                continue
            for line in text.splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    kills += int(value)
        return kills

    def close(self) -> None:
        for group in set(self.groups.values()):
            for child in sorted(group.glob("kata-*"), reverse=True):
                if child.is_dir():
                    _rmdir(child)
            _rmdir(group)


def _rmdir(group: Path) -> None:
    for _ in range(100):
        try:
            group.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.05)


def grade_in_box(submission: Path, only: str | None, memory: int, cpu: float,
                 legacy: bool) -> dict[str, object]:
    box = Box(memory, cpu)
    out = Path(tempfile.mkdtemp()) / "report.json"
    command = [sys.executable, "-m", "grader.cli", "grade", str(submission), "--format", "json",
               "--out", str(out)]
    if only:
        command += ["--only", only]
    env = dict(os.environ, KATA_ZYGOTE="0" if legacy else "1")
    started = time.monotonic()
    try:
        proc = subprocess.run(box.command(command), cwd=REPO, env=env, capture_output=True,
                              text=True)
        wall = time.monotonic() - started
        report = json.loads(out.read_text()) if out.is_file() else {}
        row: dict[str, object] = {
            "mode": "legacy (spawn)" if legacy else "zygote",
            "katas": len(report.get("exercises", {})),
            "wall_s": wall, "cpu_s": box.cpu_seconds(), "peak_mib": box.peak_mib(),
            # The grader's own cgroup (nested, removed when it ends) says so in a warning.
            "oom_kills": box.oom_kills() + sum("more memory than its limit" in w
                                               for w in report.get("warnings", [])),
            "exit": proc.returncode,
            "score": f"{report.get('score', '?')}/{report.get('max_score', '?')}",
            "isolation": report.get("isolation", "?"),
        }
        if proc.returncode not in (0, 1):
            row["stderr"] = proc.stderr[-1500:]
        row["lost"] = [f"{t['name']} ({t['status']}, {t['score']}/{t['max_score']}): "
                       f"{t['message'][:300]}"
                       for t in report.get("tests", []) if t["score"] < t["max_score"]]
        row["warnings"] = report.get("warnings", [])
        return row
    finally:
        box.close()


FLOOR_SCRIPT = r"""
import os, sys, time, json
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
def cpu():
    t = os.times()
    return t.user + t.system
start = cpu()
import tensorflow, keras, numpy, pytest
imported = cpu()
rows = {}
for kata in sys.argv[1].split(","):
    before = cpu()
    code = pytest.main([f"tests/{kata}", "--submission", "solutions", "-q", "-p",
                        "no:cacheprovider", "--no-header", "-x"])
    rows[kata] = [cpu() - before, int(code)]
print("FLOOR " + json.dumps({"tf_import_cpu_s": imported - start, "katas": rows}))
"""


def floor(katas: list[str]) -> dict[str, object]:
    """One bare TF import (a fresh process) + each kata's hidden tests, warm, in-process."""
    bare = subprocess.run(
        [sys.executable, "-c", "import os,time; os.environ['TF_CPP_MIN_LOG_LEVEL']='3'; "
         "import tensorflow; t=os.times(); print('CPU', t.user+t.system)"],
        capture_output=True, text=True, cwd=REPO)
    import_cpu = float(bare.stdout.split("CPU")[-1])
    warm = subprocess.run([sys.executable, "-c", FLOOR_SCRIPT, ",".join(katas)],
                          capture_output=True, text=True, cwd=REPO)
    line = [x for x in warm.stdout.splitlines() if x.startswith("FLOOR ")][-1]
    data = json.loads(line[len("FLOOR "):])
    compute = {k: v[0] for k, v in data["katas"].items()}
    failed = [k for k, v in data["katas"].items() if v[1] != 0]
    return {"import_cpu_s": import_cpu, "compute_cpu_s": compute, "failed": failed,
            "floor_cpu_s": import_cpu + sum(compute.values())}


def main() -> int:
    sys.path.insert(0, str(REPO))
    from grader.manifest import load_manifest, select_exercises

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("submission", nargs="?", default=str(REPO / "solutions"))
    parser.add_argument("--only")
    parser.add_argument("--memory-mb", type=int, default=768)
    parser.add_argument("--cpu", type=float, default=0.5)
    parser.add_argument("--legacy", action="store_true")
    parser.add_argument("--floor", action="store_true")
    args = parser.parse_args()
    if os.geteuid() != 0:
        print("bench/box.py needs root to make a cgroup", file=sys.stderr)
        return 2
    row = grade_in_box(Path(args.submission).resolve(), args.only, args.memory_mb * 2**20,
                       args.cpu, args.legacy)
    print(f"box: {args.memory_mb} MiB, no swap, {args.cpu} CPU")
    print("| mode | katas | score | wall s | CPU s | peak MiB | OOM kills | isolation |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {row['mode']} | {row['katas']} | {row['score']} | {row['wall_s']:.1f} | "
          f"{row['cpu_s']:.1f} | {row['peak_mib']:.0f} | {row['oom_kills']} | "
          f"{row['isolation']} |")
    if "stderr" in row:
        print(row["stderr"])
    for line in [*row["lost"], *row["warnings"]]:  # type: ignore[misc]
        print(f"  - {line}")
    if args.floor:
        katas = [e.id for e in select_exercises(load_manifest(), args.only)]
        data = floor(katas)
        compute = data["compute_cpu_s"]
        assert isinstance(compute, dict)
        print("\nfloor: one bare import tensorflow + each kata's hidden tests in a warm process")
        print("| kata | warm compute CPU s |")
        print("|---|---|")
        for kata, seconds in compute.items():
            print(f"| {kata} | {seconds:.1f} |")
        print(f"| import tensorflow | {data['import_cpu_s']:.1f} |")
        total = float(data["floor_cpu_s"])  # type: ignore[arg-type]
        print(f"| **floor** | **{total:.1f}** |")
        print(f"\nCPU ratio to the floor: {float(row['cpu_s']) / total:.2f}x")  # type: ignore[arg-type]
        if data["failed"]:
            print(f"(warm run failed for {data['failed']}: their compute is a lower bound)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The operating-system sandbox every grading worker runs in, when the machine allows one.

With bubblewrap (`bwrap`, Debian package `bubblewrap`) a worker gets its own user, PID,
network, IPC, UTS and mount namespaces and runs as an unprivileged user with no
capabilities. Its file system is built from nothing: the interpreter, its standard library
and site-packages read-only, a folder holding copies of the few grader modules a worker
needs and its own exercise's probes (no hidden test, no `solutions/`, no other exercise, no
checkout anywhere on the machine), the learner's one file, and two small size-capped tmpfs
folders to write in. It cannot see or signal any process outside (its own PID namespace),
reaches no network, and dies with its parent. Where the machine lets us (root and a
writable cgroup hierarchy) a cgroup caps its processes and memory; otherwise resource
limits do what they can. See docs/threat-model.md for what each layer stops.
"""

from __future__ import annotations

import functools
import os
import resource
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

SANDBOX = "sandbox"
PROCESS = "process"

KATA_DIR = "/kata"  # grader modules + probes, read-only
WORK_DIR = "/kata-work"  # the worker's writable scratch (tmpfs)
SUBMISSION_DIR = "/kata-submission"  # the staged submission, read-only (zygote gradings)
SESSION_TMP = "/kata-session"  # the grading session's scratch, covered in every worker
NOBODY = 65534
SCRATCH_BYTES = 64 * 1024 * 1024
MAX_PROCESSES = 256  # threads count: TensorFlow starts a few dozen
MEMORY_BYTES = int(os.environ.get("KATA_WORKER_MEMORY_MB", "2048")) * 1024 * 1024
# One zygote grading (session + zygote + a worker at a time); KATA_GRADING_MEMORY_MB overrides.
GRADING_MEMORY_BYTES = int(os.environ.get("KATA_GRADING_MEMORY_MB", "3072")) * 1024 * 1024
GRADING_PROCESSES = 1024
ADDRESS_SPACE_BYTES = 8 * 1024 * 1024 * 1024  # fallback cap where no cgroup is available

# The grader modules a worker imports; nothing else of the repository is copied.
WORKER_MODULES = ("__init__.py", "errors.py", "loading.py", "manifest.py", "probing.py",
                  "quiet.py", "wire.py", "guard.py", "worker.py")


def bwrap_path() -> str | None:
    return shutil.which("bwrap")


@functools.lru_cache(maxsize=1)
def sandbox_problem() -> str | None:
    """None when bubblewrap can start a sandbox here, else why not (for the report)."""
    if os.environ.get("KATA_NO_SANDBOX") == "1":
        return "disabled by KATA_NO_SANDBOX=1"
    bwrap = bwrap_path()
    if bwrap is None:
        return "bubblewrap (bwrap) is not installed"
    try:
        proc = subprocess.run(
            [bwrap, *_namespace_args(), *_system_binds(), "--", sys.executable, "-I", "-c",
             "import os; assert os.getuid() == 65534"],
            capture_output=True, timeout=30, env={},
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"bubblewrap could not start: {exc}"
    if proc.returncode != 0:
        detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        return "bubblewrap could not start a sandbox" + (f": {detail[-1]}" if detail else "")
    return None


def isolation_level() -> str:
    return SANDBOX if sandbox_problem() is None else PROCESS


def _namespace_args() -> list[str]:
    return ["--unshare-all", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            "--uid", str(NOBODY), "--gid", str(NOBODY), "--hostname", "kata-worker",
            "--proc", "/proc", "--dev", "/dev"]


def _system_binds() -> list[str]:
    """The host's system folders a Python process needs, read-only; links kept as links."""
    args: list[str] = []
    for top in ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for name in ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime", "nsswitch.conf",
                 "passwd", "group", "hosts", "ssl", "ca-certificates"):
        path = f"/etc/{name}"
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    for prefix in sorted({os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix)}):
        args += ["--ro-bind", prefix, prefix]
    return args


def prepare_kata_folder(folder: Path, grader_dir: Path, probes: Path) -> None:
    """Fill `folder` with what the worker may see of ours: grader modules and one probes file."""
    package = folder / "grader"
    package.mkdir(parents=True)
    for name in WORKER_MODULES:
        shutil.copy2(grader_dir / name, package / name)
    shutil.copy2(probes, folder / "probes.py")


def sandbox_command(
    python_args: list[str], kata_folder: Path, learner_file: Path | None, exercise_id: str,
    file_name: str, env: dict[str, str],
) -> list[str]:
    """The bwrap command line that runs `python_args` (after the interpreter) sandboxed."""
    bwrap = bwrap_path()
    assert bwrap is not None
    # The tmpfs folders come first: a virtual environment under /tmp (a CI clone, say) is
    # bound over them afterwards, read-only.
    args = [bwrap, *_namespace_args(),
            "--perms", "1777", "--size", str(SCRATCH_BYTES), "--tmpfs", "/tmp",
            "--perms", "1777", "--size", str(SCRATCH_BYTES), "--tmpfs", WORK_DIR,
            *_system_binds(), "--ro-bind", str(kata_folder), KATA_DIR]
    if learner_file is not None and learner_file.is_file():
        args += ["--ro-bind", str(learner_file), f"{WORK_DIR}/{exercise_id}/{file_name}"]
    args += ["--chdir", WORK_DIR, "--clearenv"]
    for key, value in env.items():
        args += ["--setenv", key, value]
    return [*args, "--", sys.executable, "-I", *python_args]


def session_command(
    python_args: list[str], repo: Path, staged: Path, env: dict[str, str],
    scratch_bytes: int = 512 * 1024 * 1024,
) -> list[str]:
    """The bwrap command line for a whole zygote grading: session and workers in one box.

    The box holds the checkout read-only without `solutions/` and `.git` (history holds the
    solutions too), the staged submission at `SUBMISSION_DIR`, and scratch folders. Each
    worker forked inside covers the hidden tests and the session's scratch again for itself
    (grader/confine.py).
    """
    bwrap = bwrap_path()
    assert bwrap is not None
    args = [bwrap, *_namespace_args(),
            "--perms", "1777", "--size", str(SCRATCH_BYTES), "--tmpfs", "/tmp",
            "--perms", "1777", "--size", str(SCRATCH_BYTES), "--tmpfs", WORK_DIR,
            "--perms", "0700", "--size", str(scratch_bytes), "--tmpfs", SESSION_TMP,
            *_system_binds(), "--ro-bind", str(repo), str(repo)]
    for secret in ("solutions", ".git"):
        if (repo / secret).exists():
            args += ["--tmpfs", str(repo / secret)]
    args += ["--ro-bind", str(staged), SUBMISSION_DIR, "--chdir", str(repo), "--clearenv"]
    for key, value in {**env, "HOME": SESSION_TMP, "TMPDIR": SESSION_TMP}.items():
        args += ["--setenv", key, value]
    return [*args, "--", sys.executable, *python_args]


def _own_cgroup(root: Path, controller: str) -> Path:
    """Where this process sits in a cgroup v1 hierarchy (the root where unknown)."""
    try:
        for line in Path("/proc/self/cgroup").read_text().splitlines():
            _, controllers, path = line.split(":", 2)
            if controller in controllers.split(","):
                folder = root / path.lstrip("/")
                return folder if folder.is_dir() else root
    except OSError:
        pass
    return root


class Limits:
    """A cgroup capping a worker's processes and memory (v1 or v2), where we may make one.

    `wrap(command)` returns a command that joins the cgroup and then execs `command`, so the
    cap holds from the first instruction. Without a writable hierarchy, `preexec` sets
    resource limits instead (address space, no core files).
    """

    def __init__(self, processes: int = MAX_PROCESSES, memory: int = MEMORY_BYTES) -> None:
        self.processes, self.memory = processes, memory
        self.groups: list[Path] = []
        self.kind = "rlimit"
        name = f"kata-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        v1 = Path("/sys/fs/cgroup")
        try:
            if (v1 / "pids").is_dir() and (v1 / "memory").is_dir():
                # Nested in our own cgroups, so a box around the grader (Gradescope's, or
                # bench/box.py's) still holds whatever we start.
                pids = _own_cgroup(v1 / "pids", "pids") / name
                mem = _own_cgroup(v1 / "memory", "memory") / name
                pids.mkdir()
                self.groups.append(pids)
                (pids / "pids.max").write_text(str(processes))
                mem.mkdir()
                self.groups.append(mem)
                (mem / "memory.limit_in_bytes").write_text(str(memory))
                swap = mem / "memory.memsw.limit_in_bytes"
                if swap.exists():
                    swap.write_text(str(memory))
                self.kind = "cgroup v1"
            elif (v1 / "cgroup.controllers").is_file():
                group = v1 / name
                group.mkdir()
                self.groups.append(group)
                (group / "pids.max").write_text(str(processes))
                (group / "memory.max").write_text(str(memory))
                (group / "memory.swap.max").write_text("0")
                self.kind = "cgroup v2"
        except OSError:
            self.close()
            self.kind = "rlimit"

    def wrap(self, command: list[str]) -> list[str]:
        if not self.groups:
            return command
        joins = "; ".join(f"echo $$ > '{group}/cgroup.procs'" for group in self.groups)
        return ["/bin/sh", "-c", f"{joins} && exec \"$@\"", "kata-worker", *command]

    def preexec(self) -> None:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if not self.groups:
            resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE_BYTES, ADDRESS_SPACE_BYTES))

    def oom_killed(self) -> bool:
        for group in self.groups:
            for name in ("memory.oom_control", "memory.events"):
                try:
                    text = (group / name).read_text()
                except OSError:
                    continue
                for line in text.splitlines():
                    key, _, value = line.partition(" ")
                    if key == "oom_kill" and value.strip() != "0":
                        return True
        return False

    def close(self) -> None:
        for group in self.groups:
            try:
                for pid in (group / "cgroup.procs").read_text().split():
                    try:
                        os.kill(int(pid), 9)
                    except (ProcessLookupError, ValueError):
                        pass
            except OSError:
                pass
        for group in reversed(self.groups):
            for _ in range(50):
                try:
                    group.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    import time

                    time.sleep(0.02)
        self.groups = []

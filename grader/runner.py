"""Grading one submission: trusted pytest sessions over the hidden tests, supervised.

The submission is first copied into a private folder (grader.staging): only the files the
manifest names, never a `conftest.py` or `.pth`. A grading session runs the hidden tests in
a child process with `--transport worker`, so it never imports the submission; each learner
call goes to a sandboxed worker (grader.sandbox). The session streams one signed JSON record
per test back on a pipe. This process imports neither TensorFlow nor the submission; it
reads every record under a size and nesting bound, watches for a stalled or dead session,
and always returns a report: when a session dies, the exercise it was in loses its remaining
tests and the exercises after it are graded again in a fresh session.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from grader import sandbox, wire
from grader.collect import sign
from grader.manifest import REPO_ROOT, Exercise
from grader.redaction import redact
from grader.results import GradeReport
from grader.scan import scan_file
from grader.scoring import build_report
from grader.staging import stage_submission

SESSION_OVERHEAD = 120.0  # start-up: Python, pytest, TensorFlow in the session and workers
STALL_MARGIN = 90.0  # beyond an exercise's own limit, before a silent session is stopped
MAX_SESSIONS = 4  # a first session and up to three restarts after a dead one
MAX_RECORD_BYTES = 1024 * 1024


def use_zygote() -> bool:
    """Fork the session and workers from one TensorFlow import (KATA_ZYGOTE=0: spawn each)."""
    return os.environ.get("KATA_ZYGOTE", "1") != "0"


class SandboxRequired(RuntimeError):
    """`--require-sandbox` was asked for and no sandbox works here."""


def grade(
    submission: Path,
    exercises: list[Exercise],
    on_record: Callable[[dict[str, Any]], None] | None = None,
    require_sandbox: bool = False,
) -> GradeReport:
    """Grade `submission` on `exercises` and return the report (never raises for bad code).

    Raises:
        SandboxRequired: `require_sandbox` and the OS sandbox is not available.
    """
    started = time.monotonic()
    isolation = sandbox.isolation_level()
    if require_sandbox and isolation != sandbox.SANDBOX:
        raise SandboxRequired(f"no sandbox: {sandbox.sandbox_problem()}")
    problems: dict[str, str] = {}
    runnable = []
    for exercise in exercises:
        if (REPO_ROOT / "tests" / exercise.id).is_dir():
            runnable.append(exercise)
        else:
            problems[exercise.id] = f"{exercise.id}: no hidden tests are installed for it"
    staged = stage_submission(submission, exercises)
    records: list[dict[str, Any]] = []
    warnings: list[str] = []
    try:
        if runnable:
            records = _run_sessions(staged.folder, runnable, isolation, problems, on_record,
                                    warnings)
        for record in records:
            record["message"] = redact(str(record.get("message", "")), record.get("exercise"))
        report = build_report(str(submission), exercises, records, problems)
        for exercise in exercises:
            learner_file = staged.folder / exercise.id / exercise.file
            if learner_file.is_file():
                report.exercises[exercise.id].flags = scan_file(learner_file)
    finally:
        shutil.rmtree(staged.folder, ignore_errors=True)
    report.isolation = isolation
    report.ignored = staged.ignored
    report.warnings = warnings
    report.duration = time.monotonic() - started
    return report


def _run_sessions(
    staged: Path, exercises: list[Exercise], isolation: str, problems: dict[str, str],
    on_record: Callable[[dict[str, Any]], None] | None, warnings: list[str],
) -> list[dict[str, Any]]:
    """Run sessions until every exercise is graded or has its problem recorded."""
    records: list[dict[str, Any]] = []
    remaining = list(exercises)
    for _ in range(MAX_SESSIONS):
        if not remaining:
            break
        got, plan, failure = _run_session(staged, remaining, isolation, on_record, warnings)
        records.extend(got)
        done = {record["nodeid"] for record in got}
        unfinished = [e for e in remaining
                      if not plan.get(e.id) or any(n not in done for n in plan[e.id])]
        if failure is None or not unfinished:
            remaining = []
            break
        culprit = unfinished[0]  # tests run in exercise order: this one was running
        problems[culprit.id] = f"{culprit.id}: {failure}"
        remaining = unfinished[1:]
    for exercise in remaining:
        problems.setdefault(exercise.id, f"{exercise.id}: not graded, grading was stopped")
    return records


def _verified(line: bytes, key: bytes) -> dict[str, Any] | None:
    """The record in `line` if it is well-formed and its HMAC is right, else None.

    Whatever `line` holds, this returns or gives None: an oversized, deeply nested or
    malformed line costs that one record, never the report.
    """
    try:
        if len(line) > MAX_RECORD_BYTES or wire.nesting_depth(line) > wire.MAX_DEPTH:
            return None
        signed = json.loads(line)
        record, mac = signed["record"], signed["mac"]
        if not isinstance(record, dict) or not isinstance(mac, str):
            return None
        return record if hmac.compare_digest(mac, sign(record, key)) else None
    except Exception:  # noqa: BLE001 - any failure to read a record loses only that record
        return None


def _run_session(
    staged: Path, exercises: list[Exercise], isolation: str,
    on_record: Callable[[dict[str, Any]], None] | None, warnings: list[str],
) -> tuple[list[dict[str, Any]], dict[str, list[str]], str | None]:
    """One grading session: its records, its plan (exercise -> node ids) and why it failed."""
    read_fd, write_fd = os.pipe()
    key = secrets.token_bytes(32)
    key_read, key_write = os.pipe()
    limit = sum(e.time_limit for e in exercises) + SESSION_OVERHEAD
    stall = max(e.time_limit for e in exercises) + STALL_MARGIN
    forked = use_zygote()
    in_box = forked and isolation == sandbox.SANDBOX
    paths = [f"tests/{e.id}" for e in exercises]
    pytest_args = [
        "-p", "grader.collect", f"--results-fd={write_fd}", f"--results-key-fd={key_read}",
        f"--submission={sandbox.SUBMISSION_DIR if in_box else staged}", "--transport=worker",
        f"--rootdir={REPO_ROOT}", f"--confcutdir={REPO_ROOT}", "-q", "--no-header",
        "-p", "no:cacheprovider", f"--timeout={int(limit)}",
    ]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONDONTWRITEBYTECODE="1",
               KATA_ISOLATION=isolation)
    limits = None
    if not forked:
        command = [sys.executable, "-m", "pytest", *paths, *pytest_args]
    else:
        command = [sys.executable, "-m", "grader.zygote", "--each", *paths, "--", *pytest_args]
        if in_box:
            command = sandbox.session_command(command[1:], REPO_ROOT, staged, env)
        # One cgroup for the whole grading: session, zygote and workers share one TensorFlow.
        limits = sandbox.Limits(processes=sandbox.GRADING_PROCESSES,
                                memory=sandbox.GRADING_MEMORY_BYTES)
        command = limits.wrap(command)
    log_dir = Path(tempfile.mkdtemp(prefix="kata-grade-log-"))  # private, 0700
    log_path = log_dir / "session.log"
    with log_path.open("xb") as log:
        proc = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT, pass_fds=(write_fd, key_read), start_new_session=True,
            preexec_fn=limits.preexec if limits is not None else None,  # noqa: PLW1509
        )
    os.close(write_fd)
    os.close(key_read)
    os.write(key_write, key)  # 32 bytes fit in any pipe buffer; read before workers exist
    os.close(key_write)
    forged = 0
    records: list[dict[str, Any]] = []
    plan: dict[str, list[str]] = {}
    failure = None
    buffer = b""
    deadline = time.monotonic() + limit
    last_heard = time.monotonic()
    try:
        while True:
            now = time.monotonic()
            if now >= deadline:
                failure = f"grading stopped after the overall limit of {limit:.0f} s"
                break
            if now - last_heard > stall:
                failure = f"the grading session went silent for {stall:.0f} s and was stopped"
                break
            ready, _, _ = select.select([read_fd], [], [], 1.0)
            if not ready:
                continue
            chunk = os.read(read_fd, 1 << 16)
            if not chunk:
                break
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            if len(buffer) > MAX_RECORD_BYTES:
                buffer, forged = b"", forged + 1
            for line in lines:
                record = _verified(line, key)
                if record is None:
                    forged += 1
                    continue
                last_heard = time.monotonic()
                if record.get("kind") == "plan":
                    for exercise_id, nodeid in record.get("tests", []):
                        plan.setdefault(str(exercise_id), []).append(str(nodeid))
                    continue
                records.append(record)
                if on_record is not None:
                    on_record(record)
    finally:
        os.close(read_fd)
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        code = proc.wait()
        if limits is not None:
            if limits.oom_killed():
                warnings.append("the grading used more memory than its limit at least once; "
                                "the process killed for it was a worker (see its exercise)")
            limits.close()
    if failure is None and code not in (0, 1):
        failure = f"the grading session ended with exit status {code}"
    if forged:
        warnings.append(f"{forged} result record(s) failed verification and were ignored "
                        "(something other than the grading session wrote to its pipe)")
    if failure is None:
        shutil.rmtree(log_dir, ignore_errors=True)
    else:
        failure += f" (log: {log_path})"
    return records, plan, failure

"""Grading one submission: a trusted pytest session over the hidden tests, supervised.

The session runs in a child process with `--transport worker`, so it never imports the
submission; it streams one JSON record per test back on a pipe. This process imports neither
TensorFlow nor the submission, enforces an overall wall-clock limit and always returns a
report, whatever happened in the session.
"""

from __future__ import annotations

import hmac
import json
import os
import secrets
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from grader.collect import sign
from grader.manifest import REPO_ROOT, Exercise
from grader.results import GradeReport
from grader.scoring import build_report

SESSION_OVERHEAD = 120.0  # start-up: Python, pytest, TensorFlow in the session and workers


def grade(
    submission: Path,
    exercises: list[Exercise],
    on_record: Callable[[dict[str, Any]], None] | None = None,
) -> GradeReport:
    """Grade `submission` on `exercises` and return the report (never raises for bad code)."""
    started = time.monotonic()
    problems: dict[str, str] = {}
    runnable = []
    for exercise in exercises:
        if (REPO_ROOT / "tests" / exercise.id).is_dir():
            runnable.append(exercise)
        else:
            problems[exercise.id] = f"{exercise.id}: no hidden tests are installed for it"
    records: list[dict[str, Any]] = []
    if runnable:
        limit = sum(e.time_limit for e in runnable) + SESSION_OVERHEAD
        records, failure = _run_session(submission.resolve(), runnable, limit, on_record)
        if failure:
            for exercise in runnable:
                problems.setdefault(exercise.id, f"{exercise.id}: {failure}")
    report = build_report(str(submission), exercises, records, problems)
    report.duration = time.monotonic() - started
    return report


def _verified(line: bytes, key: bytes) -> dict[str, Any] | None:
    """The record in `line` if its HMAC is right, else None."""
    try:
        signed = json.loads(line)
        record, mac = signed["record"], signed["mac"]
    except (ValueError, TypeError, KeyError):
        return None
    if not isinstance(record, dict) or not isinstance(mac, str):
        return None
    return record if hmac.compare_digest(mac, sign(record, key)) else None


def _run_session(
    submission: Path, exercises: list[Exercise], limit: float,
    on_record: Callable[[dict[str, Any]], None] | None,
) -> tuple[list[dict[str, Any]], str | None]:
    read_fd, write_fd = os.pipe()
    key = secrets.token_bytes(32)
    key_read, key_write = os.pipe()
    command = [
        sys.executable, "-m", "pytest",
        *[f"tests/{e.id}" for e in exercises],
        "-p", "grader.collect", "--results-fd", str(write_fd),
        "--results-key-fd", str(key_read),
        "--submission", str(submission), "--transport", "worker",
        "-q", "--no-header", "-p", "no:cacheprovider", "--timeout", str(int(limit)),
    ]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", PYTHONDONTWRITEBYTECODE="1")
    log_path = Path(os.environ.get("KATA_LOG_DIR", "/tmp")) / f"kata-grade-{os.getpid()}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log,
            stderr=subprocess.STDOUT, pass_fds=(write_fd, key_read), start_new_session=True,
        )
    os.close(write_fd)
    os.close(key_read)
    os.write(key_write, key)  # 32 bytes fit in any pipe buffer; read before workers exist
    os.close(key_write)
    forged = 0
    records: list[dict[str, Any]] = []
    failure = None
    buffer = b""
    deadline = time.monotonic() + limit
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                failure = f"grading stopped after the overall limit of {limit:.0f} s"
                break
            ready, _, _ = select.select([read_fd], [], [], min(left, 1.0))
            if not ready:
                continue
            chunk = os.read(read_fd, 1 << 16)
            if not chunk:
                break
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                record = _verified(line, key)
                if record is None:
                    forged += 1
                    continue
                records.append(record)
                if on_record is not None:
                    on_record(record)
    finally:
        os.close(read_fd)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        code = proc.wait()
    if forged and failure is None:
        failure = f"{forged} result record(s) failed verification and were ignored"
    if failure is None and code not in (0, 1):
        failure = f"the grading session ended with exit status {code} (log: {log_path})"
    else:
        log_path.unlink(missing_ok=True)
    return records, failure

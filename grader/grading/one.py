"""Grading one submission of a batch, in a process of its own (started by grader.grading.batch).

    python -m grader.grading.one --student ID --submission PATH --out-dir OUT/ID \
        --only q17,q21 [--format NAME ...] [--digest HEX] [--token T] [--require-sandbox]

Unpacks a `.zip` safely (grader.grading.archive), grades with grader.runner.grade (which
never raises for bad code), writes `OUT/ID/report-<format>.<ext>` for each format and then
`OUT/ID/result.json`, each atomically; result.json comes last, so its presence means
"graded". SIGTERM or SIGINT stops the grading: grade()'s cleanup kills its grading session,
the private folders are removed, nothing is written, and the exit status is 128 + signal.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

from grader.grading import archive
from grader.manifest import load_manifest
from grader.reports import RENDERERS
from grader.results import GradeReport
from grader.runner import grade
from grader.scoring import build_report

RESULT_NAME = "result.json"
EXTENSIONS = {"table": "txt", "json": "json", "gradescope": "json", "exercism": "json",
              "classroom": "json", "junit": "xml", "markdown": "md", "html": "html"}
# Submission statuses (the gradebook's `status` column).
PASSED, FAILED, ERROR, REJECTED = "passed", "failed", "error", "rejected"
NOT_GRADED, GRADER_ERROR = "not_graded", "grader_error"


class Stopped(BaseException):
    """SIGTERM/SIGINT arrived: unwind (grade() kills its session on the way) and write nothing.

    A BaseException, so no `except Exception` inside the grader can swallow it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def report_name(fmt: str) -> str:
    return f"report-{fmt}.{EXTENSIONS.get(fmt, 'txt')}"


def submission_status(exercise_statuses: list[str], rejected: bool = False) -> str:
    """One word for a submission: passed (every exercise), error (one crashed, hung or did
    not load), failed (graded, not all passed: wrong answers, TODOs, missing files)."""
    if rejected:
        return REJECTED
    if exercise_statuses and all(s == "passed" for s in exercise_statuses):
        return PASSED
    if any(s in ("error", "timeout") for s in exercise_statuses):
        return ERROR
    return FAILED


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def grade_one(args: argparse.Namespace) -> dict[str, Any]:
    manifest = load_manifest()
    exercises = [manifest[name] for name in args.only.split(",") if name]
    started = time.monotonic()
    submission: Path = args.submission
    unpacked: Path | None = None
    rejected = False
    try:
        if submission.is_file():
            try:
                unpacked = archive.unpack_private(submission)
            except archive.UnsafeArchive as exc:
                rejected = True
                why = f"the zip was not graded: {exc}"
                report = build_report(str(submission), exercises, [],
                                      {e.id: f"{e.id}: {why}" for e in exercises})
                report.warnings.append(why)
        if not rejected:
            folder = archive.submission_root(unpacked) if unpacked else submission
            try:
                report = grade(folder, exercises, require_sandbox=args.require_sandbox)
            except Exception as exc:  # noqa: BLE001 - a grader failure costs one student
                why = f"the grader failed ({type(exc).__name__}: {exc}); nothing was graded"
                report = build_report(str(submission), exercises, [],
                                      {e.id: f"{e.id}: {why}" for e in exercises})
            report.submission = str(submission)
    finally:
        if unpacked is not None:
            shutil.rmtree(unpacked, ignore_errors=True)
    return _write(args, report, rejected, time.monotonic() - started)


def _write(args: argparse.Namespace, report: GradeReport, rejected: bool,
           seconds: float) -> dict[str, Any]:
    out: Path = args.out_dir
    problems = []
    for fmt in args.format:
        try:
            text = RENDERERS[fmt](report)
        except Exception as exc:  # noqa: BLE001 - one format's bug costs that file only
            problems.append(f"{fmt}: {type(exc).__name__}: {exc}")
            print(f"{args.student}: the {fmt} report failed: {exc}", file=sys.stderr)
            continue
        write_atomically(out / report_name(fmt), text)
    result = report.to_dict()
    result["batch"] = {
        "student": args.student,
        "status": submission_status([e.status for e in report.exercises.values()], rejected),
        "exercises": list(report.exercises),
        "digest": args.digest,
        "token": args.token,
        "graded_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "seconds": round(seconds, 2),
        "report_errors": problems,
    }
    write_atomically(out / RESULT_NAME, json.dumps(result, indent=2) + "\n")
    return result


def _stop(signum: int, frame: FrameType | None) -> None:
    raise Stopped(signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.grading.one")
    parser.add_argument("--student", required=True)
    parser.add_argument("--submission", type=Path, required=True)
    parser.add_argument("--out-dir", type=Path, required=True)
    parser.add_argument("--only", required=True)
    parser.add_argument("--format", action="append", default=[], choices=sorted(RENDERERS))
    parser.add_argument("--digest", default="")
    parser.add_argument("--token", default="", help="names this run in result.json")
    parser.add_argument("--require-sandbox", action="store_true")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        result = grade_one(args)
    except Stopped as stop:
        return 128 + stop.signum
    print(json.dumps({"student": args.student, "status": result["batch"]["status"],
                      "score": result["score"], "max_score": result["max_score"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`kata grade-many DIR`: grade a whole class, resumably, N submissions at a time.

Every subfolder and every `.zip` of DIR is one submission; its name (without `.zip`) is the
student id. Each submission is graded by a child process (grader.grading.one) around
grader.runner.grade, which bounds every grading and never raises for bad code, so a broken,
hanging or hostile submission costs its own row only. Results land in OUT/<student>/
(result.json last, atomically, so its presence means "graded"); a later run skips them
unless --force or the submission changed. Then the CSV gradebook and OUT/class-report.html
are written from what OUT holds.

SIGINT or SIGTERM stops the batch: running gradings are stopped (their grading sessions
killed), the gradebook and class report are written with what was graded, the students not
graded are named, and the exit status is 130 (SIGINT) or 143 (SIGTERM). A second signal
kills the running gradings at once.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO, Any

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from grader import sandbox
from grader.grading import archive
from grader.grading.one import (
    ERROR,
    FAILED,
    GRADER_ERROR,
    NOT_GRADED,
    PASSED,
    RESULT_NAME,
    write_atomically,
)
from grader.manifest import (
    REPO_ROOT,
    Exercise,
    UnknownExercise,
    load_manifest,
    select_exercises,
)
from grader.reports import RENDERERS

CLASS_REPORT_NAME = "class-report.html"
STOP_GRACE = 20.0  # seconds a stopped grading may take to kill its session and clean up
POLL = 0.2
_CSV_RISKY = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Submission:
    student: str
    path: Path
    digest: str


@dataclass
class Running:
    submission: Submission
    proc: subprocess.Popen[bytes]
    log: IO[bytes]
    log_path: Path
    token: str
    started: float


@dataclass
class Outcome:
    """What this run knows of each student: a result (dict) or why there is none."""

    results: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)  # student -> status


def printable(name: str) -> str:
    """A student id safe to print on a terminal (control characters escaped)."""
    return name if name.isprintable() else ascii(name)[1:-1]


def discover(folder: Path, out_dir: Path, exercises: list[Exercise]) -> tuple[
        list[Submission], list[str]]:
    """The submissions in `folder`, sorted by student id, and notes on what was left out."""
    names = [f"{e.id}/{e.file}" for e in exercises]
    skip = {out_dir.resolve()}
    found: dict[str, Submission] = {}
    notes: list[str] = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith(".") or entry.resolve() in skip:
            continue
        if entry.is_dir():
            student = entry.name
        elif entry.is_file() and entry.name.lower().endswith(".zip"):
            student = entry.name[:-4]
        else:
            continue
        if not student or student in (".", ".."):
            continue
        if student in found:
            notes.append(f"{printable(entry.name)}: not graded, {printable(student)} already "
                         f"has a submission ({found[student].path.name})")
            continue
        found[student] = Submission(student, entry, archive.digest(entry, names))
    return [found[key] for key in sorted(found)], notes


def read_result(out_dir: Path, student: str) -> dict[str, Any] | None:
    try:
        result = json.loads((out_dir / student / RESULT_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(result, dict) or not isinstance(result.get("batch"), dict):
        return None
    return result


def is_current(result: dict[str, Any] | None, submission: Submission,
               exercises: list[Exercise]) -> bool:
    """True when `result` grades this very submission on these exercises."""
    if result is None:
        return False
    batch = result["batch"]
    return (batch.get("exercises") == [e.id for e in exercises]
            and batch.get("digest") == submission.digest)


def _csv_cell(text: str) -> str:
    # A spreadsheet runs a cell starting with = + - @ as a formula: never let an id do so.
    return "'" + text if text.startswith(_CSV_RISKY) else text


def gradebook(submissions: list[Submission], exercises: list[Exercise],
              outcome: Outcome) -> str:
    """The CSV: student, one score column per exercise, total, max_score, status, statuses."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    ids = [e.id for e in exercises]
    writer.writerow(["student", *ids, "total", "max_score", "status", "statuses"])
    max_score = sum(e.points for e in exercises)
    for submission in submissions:
        result = outcome.results.get(submission.student)
        if result is None:
            status = outcome.problems.get(submission.student, NOT_GRADED)
            writer.writerow([_csv_cell(submission.student), *[""] * len(ids), "",
                             f"{max_score:g}", status, ""])
            continue
        graded = result.get("exercises", {})
        scores = [f"{graded[i]['score']:g}" if i in graded else "" for i in ids]
        statuses = " ".join(f"{i}:{graded[i]['status']}" for i in ids if i in graded)
        writer.writerow([_csv_cell(submission.student), *scores, f"{result['score']:g}",
                         f"{result['max_score']:g}", result["batch"]["status"], statuses])
    return buffer.getvalue()


class Tally:
    """Counts of submission statuses and the mean score, for the bar and the lines."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {PASSED: 0, FAILED: 0, ERROR: 0}
        self.fractions: list[float] = []

    def add(self, result: dict[str, Any] | None) -> None:
        status = GRADER_ERROR if result is None else str(result["batch"]["status"])
        self.counts[status] = self.counts.get(status, 0) + 1
        if result is not None and result.get("max_score"):
            self.fractions.append(result["score"] / result["max_score"])

    def __str__(self) -> str:
        colours = {PASSED: "green", FAILED: "yellow", ERROR: "red"}
        parts = [f"[{colours.get(status, 'magenta')}]{count} {status}[/]"
                 for status, count in self.counts.items() if count or status in colours]
        if self.fractions:
            parts.append(f"mean {100 * sum(self.fractions) / len(self.fractions):.0f}%")
        return " · ".join(parts)

    def plain(self) -> str:
        return Console(file=io.StringIO(), no_color=True).render_str(str(self)).plain


class Batch:
    def __init__(self, args: argparse.Namespace, exercises: list[Exercise],
                 submissions: list[Submission], console: Console) -> None:
        self.args, self.exercises, self.submissions = args, exercises, submissions
        self.out_dir: Path = args.out_dir
        self.console = console
        self.outcome = Outcome()
        self.stop_signal: int | None = None
        self.running: list[Running] = []
        self.tally = Tally()
        self.work = Path(tempfile.mkdtemp(prefix="kata-batch-"))

    # Signals: the first asks for a clean stop, a second kills the gradings at once.
    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.stop_signal is None:
            self.stop_signal = signum
            return
        for job in self.running:
            _kill(job.proc, signal.SIGKILL)

    def run(self) -> int:
        todo: list[Submission] = []
        for submission in self.submissions:
            result = read_result(self.out_dir, submission.student)
            if not self.args.force and is_current(result, submission, self.exercises):
                assert result is not None
                self.outcome.results[submission.student] = result
                self.tally.add(result)
            else:
                todo.append(submission)
        skipped = len(self.submissions) - len(todo)
        self.console.print(
            f"kata grade-many: {len(self.submissions)} submission(s) on "
            f"{', '.join(e.id for e in self.exercises)}; {len(todo)} to grade, "
            f"{self.args.jobs} at a time"
            + (f"; {skipped} already graded, skipped (--force grades them again)"
               if skipped else ""), highlight=False, markup=False)
        previous = {sig: signal.signal(sig, self._on_signal)
                    for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            self._grade_all(todo, skipped)
        except BaseException:
            for job in self.running:  # never leave gradings behind, whatever went wrong
                _kill(job.proc, signal.SIGTERM)
            raise
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            shutil.rmtree(self.work, ignore_errors=True)
        return self._finish()

    def _grade_all(self, todo: list[Submission], skipped: int) -> None:
        queue = list(todo)
        total = len(self.submissions)
        columns = (TextColumn("[bold]grading"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                   TextColumn("{task.fields[tally]}"))
        live = self.console.is_terminal
        with Progress(*columns, console=self.console, disable=not live,
                      refresh_per_second=4) as progress:
            task = progress.add_task("grade", total=total, completed=skipped,
                                     tally=str(self.tally))
            done = skipped
            while (queue or self.running) and self.stop_signal is None:
                while queue and len(self.running) < self.args.jobs:
                    self.running.append(self._start(queue.pop(0)))
                for job in [j for j in self.running if j.proc.poll() is not None]:
                    self.running.remove(job)
                    done += 1
                    self._collect(job, done, total, progress, task)
                time.sleep(POLL)
            if self.stop_signal is not None:
                self._stop_running()

    def _start(self, submission: Submission) -> Running:
        token = secrets.token_hex(8)
        log_path = self.work / f"{len(self.outcome.results) + len(self.running)}-{token}.log"
        log = log_path.open("wb")
        command = [sys.executable, "-m", "grader.grading.one", "--student", submission.student,
                   "--submission", str(submission.path.resolve()),
                   "--out-dir", str((self.out_dir / submission.student).resolve()),
                   "--only", ",".join(e.id for e in self.exercises),
                   "--digest", submission.digest, "--token", token]
        for fmt in self.args.format or []:
            command += ["--format", fmt]
        if self.args.require_sandbox:
            command.append("--require-sandbox")
        # Its own session: a terminal's Ctrl-C reaches this process, which stops the
        # gradings itself (SIGTERM, then SIGKILL after STOP_GRACE).
        proc = subprocess.Popen(command, cwd=REPO_ROOT, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        return Running(submission, proc, log, log_path, token, time.monotonic())

    def _settle(self, job: Running) -> dict[str, Any] | None:
        """Read what `job` left: its result, or record why there is none."""
        job.log.close()
        result = read_result(self.out_dir, job.submission.student)
        if result is not None and result["batch"].get("token") == job.token:
            self.outcome.results[job.submission.student] = result
            return result
        if self.stop_signal is None:
            tail = job.log_path.read_bytes()[-2000:].decode("utf-8", "replace").strip()
            self.outcome.problems[job.submission.student] = GRADER_ERROR
            self.console.print(f"[red]{escape(printable(job.submission.student))}: the "
                               f"grading process ended with status {job.proc.returncode} and "
                               f"no result[/]\n{escape(tail)}", highlight=False)
        return None

    def _collect(self, job: Running, done: int, total: int, progress: Progress,
                 task: TaskID) -> None:
        result = self._settle(job)
        self.tally.add(result)
        seconds = time.monotonic() - job.started
        student = escape(printable(job.submission.student))
        if result is not None:
            status = result["batch"]["status"]
            colour = {PASSED: "green", FAILED: "yellow", ERROR: "red"}.get(status, "magenta")
            line = (f"[{done:>{len(str(total))}}/{total}] {student}: "
                    f"{result['score']:g}/{result['max_score']:g} [{colour}]{status}[/] "
                    f"({seconds:.0f} s)")
        else:
            line = f"[{done}/{total}] {student}: [magenta]{GRADER_ERROR}[/] ({seconds:.0f} s)"
        progress.update(task, completed=done, tally=str(self.tally))
        if self.console.is_terminal:
            progress.console.print(line, highlight=False)
        else:
            text = Console(file=io.StringIO(), no_color=True).render_str(line).plain
            print(f"{text} | {self.tally.plain()}", file=sys.stderr, flush=True)

    def _stop_running(self) -> None:
        for job in self.running:
            _kill(job.proc, signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE
        for job in self.running:
            try:
                job.proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _kill(job.proc, signal.SIGKILL)
                job.proc.wait()
            self._settle(job)
        self.running = []

    def _finish(self) -> int:
        csv_path: Path = self.args.csv or self.out_dir / "grades.csv"
        write_atomically(csv_path, gradebook(self.submissions, self.exercises, self.outcome))
        report_path = self.out_dir / CLASS_REPORT_NAME
        try:
            from grader.grading.classreport import write_class_report

            write_class_report(self.out_dir, report_path)
            report_note = f", class report {report_path}"
        except Exception as exc:  # noqa: BLE001 - the gradebook matters more than the page
            report_note = f"; the class report could not be written ({exc})"
        missing = [s.student for s in self.submissions if s.student not in self.outcome.results]
        self.console.print(f"kata grade-many: {len(self.outcome.results)} of "
                           f"{len(self.submissions)} graded ({self.tally.plain()}); gradebook "
                           f"{csv_path}{report_note}", highlight=False, markup=False)
        if self.stop_signal is not None:
            name = signal.Signals(self.stop_signal).name
            self.console.print(
                f"kata grade-many: stopped by {name}; not graded ({len(missing)}): "
                f"{', '.join(printable(m) for m in missing) or 'none'}. Run the same command "
                "again to grade them; what was graded is kept.", highlight=False, markup=False)
            return 128 + self.stop_signal
        failed = [s for s in missing if self.outcome.problems.get(s) == GRADER_ERROR]
        if failed:
            self.console.print(f"kata grade-many: the grader failed on "
                               f"{', '.join(printable(m) for m in failed)}; run again to "
                               "retry them", highlight=False, markup=False)
        return 0


def _kill(proc: subprocess.Popen[bytes], sig: int) -> None:
    try:
        proc.send_signal(sig)
    except ProcessLookupError:
        pass


def add_parsers(commands: Any) -> None:
    """Register `grade-many` and `class-report` on the CLI's subcommands."""
    many = commands.add_parser(
        "grade-many", help="grade every submission (subfolder or .zip) of a folder",
        description="Grade every subfolder and .zip of DIR (the name is the student id), "
                    "writing OUT/<student>/result.json, a CSV gradebook and "
                    "OUT/class-report.html. Already graded submissions are skipped.")
    many.add_argument("folder", type=Path, metavar="DIR", help="one submission per entry")
    many.add_argument("--jobs", "-j", type=int, default=1,
                      help="submissions graded at once (default 1)")
    many.add_argument("--csv", type=Path, help="the gradebook (default OUT/grades.csv)")
    many.add_argument("--format", action="append", choices=sorted(RENDERERS),
                      help="also write OUT/<student>/report-<format>.<ext>; repeatable")
    many.add_argument("--out-dir", type=Path,
                      help="where results go (default: DIR-grades beside DIR)")
    many.add_argument("--force", action="store_true",
                      help="grade again submissions that were already graded")
    many.add_argument("--only", help="comma-separated exercise ids, e.g. q4,q7")
    many.add_argument("--require-sandbox", action="store_true",
                      help="refuse to grade unless the OS sandbox (bubblewrap) works")
    report = commands.add_parser(
        "class-report", help="an HTML page of a graded class's scores and common mistakes")
    report.add_argument("out_dir", type=Path, metavar="OUT_DIR",
                        help="the --out-dir of kata grade-many")
    report.add_argument("--out", type=Path,
                        help=f"where to write it (default OUT_DIR/{CLASS_REPORT_NAME})")


def cmd_grade_many(args: argparse.Namespace) -> int:
    manifest = load_manifest()
    folder: Path = args.folder
    if not folder.is_dir():
        print(f"kata grade-many: {folder} is not a folder", file=sys.stderr)
        return 2
    if args.jobs < 1:
        print("kata grade-many: --jobs must be at least 1", file=sys.stderr)
        return 2
    try:
        exercises = select_exercises(manifest, args.only)
    except UnknownExercise as exc:
        print(f"kata grade-many: {exc}", file=sys.stderr)
        return 2
    if args.require_sandbox and sandbox.isolation_level() != sandbox.SANDBOX:
        print(f"kata grade-many: --require-sandbox: no sandbox: {sandbox.sandbox_problem()}",
              file=sys.stderr)
        return 2
    if args.out_dir is None:
        args.out_dir = folder.resolve().parent / f"{folder.resolve().name}-grades"
    if args.out_dir.resolve() == folder.resolve():
        print("kata grade-many: --out-dir must not be DIR itself (a folder inside it is fine)",
              file=sys.stderr)
        return 2
    args.out_dir.mkdir(parents=True, exist_ok=True)
    submissions, notes = discover(folder, args.out_dir, exercises)
    console = Console(stderr=True, highlight=False, soft_wrap=True)
    for note in notes:
        console.print(f"kata grade-many: {note}", markup=False)
    return Batch(args, exercises, submissions, console).run()


def cmd_class_report(args: argparse.Namespace) -> int:
    from grader.grading.classreport import write_class_report

    out_dir: Path = args.out_dir
    if not out_dir.is_dir():
        print(f"kata class-report: {out_dir} is not a folder", file=sys.stderr)
        return 2
    target: Path = args.out or out_dir / CLASS_REPORT_NAME
    count = write_class_report(out_dir, target)
    if count == 0:
        print(f"kata class-report: no graded submissions in {out_dir} "
              f"(<student>/{RESULT_NAME}); the page says so", file=sys.stderr)
    print(f"kata class-report: {count} submission(s), written to {target}", file=sys.stderr)
    return 0


def main(args: argparse.Namespace) -> int:
    if args.command == "grade-many":
        return cmd_grade_many(args)
    return cmd_class_report(args)


"""The `kata` command.

Instructors:
    kata grade SUBMISSION [--only q4,q7] [--format NAME [--out FILE]]... [--require-sandbox]
    kata grade-many DIR [--jobs N] [--csv FILE] [--format NAME]... [--out-dir OUT] [--force]
    kata class-report OUT_DIR
    kata release nbgrader|gradescope|classroom|notebooks OUT [--only q17,q22]
Learners (`--dir` is your folder of katas, default exercises/):
    kata list | next | progress
    kata check qN | hint qN | reset qN [--yes] | solution qN
    kata watch [qN] [--poll]

Run from the repository root. `kata grade` exits 0 whenever grading completed, whatever the
score (1 if a report could not be written); every command exits 2 for misuse (no such
folder, unknown exercise).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from grader import learn
from grader.manifest import (
    REPO_ROOT,
    Exercise,
    UnknownExercise,
    load_manifest,
    select_exercises,
)
from grader.reports import RENDERERS
from grader.reports.progress import GradeProgress
from grader.results import GradeReport
from grader.runner import SandboxRequired, grade
from grader.scoring import build_report


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kata", description="keras-kata: graded Keras katas")
    commands = parser.add_subparsers(dest="command", required=True)
    grade_cmd = commands.add_parser("grade", help="grade a submission against the hidden tests")
    grade_cmd.add_argument("submission", type=Path, help="a folder laid out like exercises/")
    grade_cmd.add_argument("--only", help="comma-separated exercise ids, e.g. q4,q7")
    grade_cmd.add_argument(
        "--format", choices=sorted(RENDERERS), action=_InOrder,
        help="report format (default table); repeat, each with its --out, for several reports",
    )
    grade_cmd.add_argument(
        "--out", type=Path, action=_InOrder,
        help="write the report of the --format before it here instead of stdout",
    )
    grade_cmd.add_argument(
        "--require-sandbox", action="store_true",
        help="refuse to grade unless every worker can run in the OS sandbox (bubblewrap)",
    )

    def learner_command(
        name: str, help_text: str, needs_id: bool | None
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text)
        if needs_id is not None:
            sub.add_argument("exercise", nargs=None if needs_id else "?", help="e.g. q4")
        sub.add_argument("--dir", type=Path, default=REPO_ROOT / "exercises",
                         help="your folder of katas (default: exercises/)")
        return sub

    learner_command("list", "every kata with its level and status", None)
    learner_command("next", "the first kata you have not finished", None)
    learner_command("progress", "how many katas pass", None)
    learner_command("check", "run a kata's visible tests on your code", True)
    learner_command("hint", "the next hint for a kata, one at a time", True)
    reset = learner_command("reset", "restore a kata's original stub (keeps a backup)", True)
    reset.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    learner_command("solution", "show our solution, once your code passes", True)
    watch = learner_command("watch", "re-run the current kata on every save", False)
    watch.add_argument("--poll", action="store_true",
                       help="poll for changes (for WSL2, network drives, containers)")
    from grader.grading.batch import add_parsers as add_batch_parsers

    add_batch_parsers(commands)
    from grader.releases.cli import add_parser as add_release_parser

    add_release_parser(commands)
    return parser


class _InOrder(argparse.Action):
    """Keeps --format and --out in the order given, so each --out pairs with its --format."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        setattr(namespace, self.dest, values)
        namespace.reports = [*(getattr(namespace, "reports", None) or []), (self.dest, values)]


def _report_outputs(given: list[tuple[str, object]] | None) -> list[tuple[str, Path | None]]:
    """(format, file or None for stdout) pairs from --format/--out in the order given.

    One --format and one --out pair in either order, as always; with several, each --out
    belongs to the --format before it, and at most one --format may go to stdout.

    Raises:
        ValueError: a pairing that cannot be meant, with what to do instead.
    """
    given = given or []
    formats = [str(v) for k, v in given if k == "format"] or ["table"]
    outs = [v for k, v in given if k == "out" and isinstance(v, Path)]
    if len(formats) == 1 and len(outs) <= 1:
        pairs: list[tuple[str, Path | None]] = [(formats[0], outs[0] if outs else None)]
    else:
        pairs = []
        for key, value in given:
            if key == "format":
                pairs.append((str(value), None))
            elif not pairs or pairs[-1][1] is not None:
                raise ValueError(f"--out {value} follows no --format of its own; write "
                                 "--format NAME --out FILE for each report")
            else:
                pairs[-1] = (pairs[-1][0], value if isinstance(value, Path) else None)
        if sum(out is None for _, out in pairs) > 1:
            raise ValueError("only one report can go to stdout: give the others an --out each")
    files = [out.resolve() for _, out in pairs if out is not None]
    if len(set(files)) != len(files):
        raise ValueError("two reports cannot be written to the same --out file")
    if any(name == "gradescope" for name, _ in pairs):
        from grader.reports.gradescope import hidden_visibility

        hidden_visibility()  # a bad $KATA_GRADESCOPE_VISIBILITY is misuse, found before grading
    return pairs


def _write_reports(report: GradeReport, outputs: list[tuple[str, Path | None]]) -> int:
    """Render and write every report; one that fails costs that report only (exit 1)."""
    code, written = 0, []
    for name, out in outputs:
        try:
            text = RENDERERS[name](report)
            if out is None:
                sys.stdout.write(text)
                sys.stdout.flush()
            else:
                _write_atomically(out, text)
                written.append(f"{out} ({name})")
        except Exception as exc:  # noqa: BLE001 - the other reports are still written
            print(f"kata grade: the {name} report could not be written: "
                  f"{type(exc).__name__}: {exc}", file=sys.stderr)
            code = 1
    if written:
        print(f"kata grade: {report.score:g}/{report.max_score:g}, "
              f"report{'s' if len(written) > 1 else ''} written to {', '.join(written)}",
              file=sys.stderr)
    return code


def _write_atomically(path: Path, text: str) -> None:
    # Replace, never update in place: a file prepared earlier by anyone is simply superseded.
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def cmd_grade(args: argparse.Namespace) -> int:
    manifest = load_manifest()
    if not args.submission.is_dir() and not (
            args.submission.is_file() and args.submission.suffix in (".zip", ".ipynb")):
        print(f"kata grade: {args.submission} is not a folder, a .zip or a notebook",
              file=sys.stderr)
        return 2
    try:
        exercises = select_exercises(manifest, args.only)
    except UnknownExercise as exc:
        print(f"kata grade: {exc}", file=sys.stderr)
        return 2
    try:
        outputs = _report_outputs(getattr(args, "reports", None))
    except ValueError as exc:
        print(f"kata grade: {exc}", file=sys.stderr)
        return 2
    shown = GradeProgress(str(args.submission), exercises)  # one line per kata, on stderr
    shown.start()
    try:
        report = grade(args.submission, exercises, on_record=shown.on_record,
                       require_sandbox=args.require_sandbox)
    except SandboxRequired as exc:
        shown.stop()
        print(f"kata grade: --require-sandbox: {exc}. Install bubblewrap (Debian/Ubuntu: "
              "apt-get install bubblewrap) and allow user namespaces; see the README.",
              file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - the report is written whatever happened
        report = _failed_report(args.submission, exercises, f"{type(exc).__name__}: {exc}")
    finally:
        shown.stop()
    shown.finish(report)
    return _write_reports(report, outputs)


def _failed_report(submission: Path, exercises: list[Exercise], why: str) -> GradeReport:
    """A report for a grading that broke inside the grader itself: every exercise 0, error."""
    problems = {e.id: f"{e.id}: the grader failed ({why}); nothing was graded" for e in exercises}
    return build_report(str(submission), exercises, [], problems)


def _exercise(manifest: dict[str, Exercise], name: str | None) -> Exercise | None:
    if name is None:
        return None
    if name not in manifest:
        print(f"kata: unknown exercise {name}; known: {', '.join(manifest)}", file=sys.stderr)
        raise SystemExit(2)
    return manifest[name]


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "grade":
        return cmd_grade(args)
    if args.command in ("grade-many", "class-report"):
        from grader.grading.batch import main as batch_main

        return batch_main(args)
    if args.command == "release":
        from grader.releases.cli import cmd_release

        return cmd_release(args)
    manifest = load_manifest()
    folder: Path = args.dir
    if not folder.is_dir():
        print(f"kata {args.command}: {folder} is not a folder", file=sys.stderr)
        return 2
    exercise = _exercise(manifest, getattr(args, "exercise", None))
    if args.command == "list":
        return learn.cmd_list(manifest, folder)
    if args.command == "next":
        return learn.cmd_next(manifest, folder)
    if args.command == "progress":
        return learn.cmd_progress(manifest, folder)
    if args.command == "watch":
        from grader.watch import cmd_watch  # watchfiles is only needed here

        return cmd_watch(manifest, folder, exercise, args.poll)
    assert exercise is not None
    if args.command == "check":
        return learn.cmd_check(manifest, folder, exercise)
    if args.command == "hint":
        return learn.cmd_hint(folder, exercise)
    if args.command == "reset":
        return learn.cmd_reset(folder, exercise, args.yes)
    if args.command == "solution":
        return learn.cmd_solution(folder, exercise)
    return 2


if __name__ == "__main__":
    sys.exit(main())

"""The `kata` command.

Instructors:
    kata grade SUBMISSION [--only q4,q7] [--format table|json] [--out FILE] [--require-sandbox]
Learners (`--dir` is your folder of katas, default exercises/):
    kata list | next | progress
    kata check qN | hint qN | reset qN [--yes] | solution qN
    kata watch [qN] [--poll]

Run from the repository root. `kata grade` exits 0 whenever grading completed, whatever the
score; every command exits 2 for misuse (no such folder, unknown exercise).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from grader import learn
from grader.manifest import REPO_ROOT, Exercise, load_manifest
from grader.reports import RENDERERS
from grader.results import GradeReport
from grader.runner import SandboxRequired, grade
from grader.scoring import build_report


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kata", description="keras-kata: graded Keras katas")
    commands = parser.add_subparsers(dest="command", required=True)
    grade_cmd = commands.add_parser("grade", help="grade a submission against the hidden tests")
    grade_cmd.add_argument("submission", type=Path, help="a folder laid out like exercises/")
    grade_cmd.add_argument("--only", help="comma-separated exercise ids, e.g. q4,q7")
    grade_cmd.add_argument("--format", choices=sorted(RENDERERS), default="table")
    grade_cmd.add_argument("--out", type=Path, help="write the report here instead of stdout")
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
    return parser


def _write_atomically(path: Path, text: str) -> None:
    # Replace, never update in place: a file prepared earlier by anyone is simply superseded.
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def cmd_grade(args: argparse.Namespace) -> int:
    manifest = load_manifest()
    if not args.submission.is_dir():
        print(f"kata grade: {args.submission} is not a folder", file=sys.stderr)
        return 2
    if args.only:
        wanted = [name.strip() for name in args.only.split(",") if name.strip()]
        unknown = [name for name in wanted if name not in manifest]
        if unknown:
            print(f"kata grade: unknown exercise(s) {', '.join(unknown)}; "
                  f"known: {', '.join(manifest)}", file=sys.stderr)
            return 2
        exercises = [manifest[name] for name in wanted]
    else:
        exercises = list(manifest.values())

    def progress(record: dict[str, object]) -> None:
        mark = {"passed": ".", "failed": "F", "skipped": "s"}.get(str(record["outcome"]), "?")
        print(mark, end="", file=sys.stderr, flush=True)

    try:
        report = grade(args.submission, exercises, on_record=progress,
                       require_sandbox=args.require_sandbox)
    except SandboxRequired as exc:
        print(f"kata grade: --require-sandbox: {exc}. Install bubblewrap (Debian/Ubuntu: "
              "apt-get install bubblewrap) and allow user namespaces; see the README.",
              file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 - the report is written whatever happened
        report = _failed_report(args.submission, exercises, f"{type(exc).__name__}: {exc}")
    print(file=sys.stderr)
    text = RENDERERS[args.format](report)
    if args.out:
        _write_atomically(args.out, text)
        print(f"kata grade: {report.score:g}/{report.max_score:g}, report written to {args.out}",
              file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


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

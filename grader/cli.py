"""The `kata` command.

    kata grade SUBMISSION [--only q4,q7] [--format table|json] [--out FILE]

Run from the repository root. Exit status 0 whenever grading completed, whatever the score;
2 for misuse (no such folder, unknown exercise).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from grader import report_json, report_table
from grader.manifest import load_manifest
from grader.runner import grade

RENDERERS = {"table": report_table.render, "json": report_json.render}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kata", description="keras-kata: graded Keras katas")
    commands = parser.add_subparsers(dest="command", required=True)
    grade_cmd = commands.add_parser("grade", help="grade a submission against the hidden tests")
    grade_cmd.add_argument("submission", type=Path, help="a folder laid out like exercises/")
    grade_cmd.add_argument("--only", help="comma-separated exercise ids, e.g. q4,q7")
    grade_cmd.add_argument("--format", choices=sorted(RENDERERS), default="table")
    grade_cmd.add_argument("--out", type=Path, help="write the report here instead of stdout")
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

    report = grade(args.submission, exercises, on_record=progress)
    print(file=sys.stderr)
    text = RENDERERS[args.format](report)
    if args.out:
        _write_atomically(args.out, text)
        print(f"kata grade: {report.score:g}/{report.max_score:g}, report written to {args.out}",
              file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "grade":
        return cmd_grade(args)
    return 2


if __name__ == "__main__":
    sys.exit(main())

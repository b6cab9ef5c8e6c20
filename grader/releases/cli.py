"""`kata release PLATFORM OUT [--only q4,q7]`: argument wiring for the release commands."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

PLATFORMS = ("nbgrader", "gradescope", "classroom", "notebooks")


def add_parser(commands: Any) -> None:
    """Register `release` on the `kata` parser's subcommands."""
    release = commands.add_parser(
        "release", help="build a course release: nbgrader, gradescope, classroom, notebooks")
    release.add_argument("platform", choices=PLATFORMS)
    release.add_argument("out", type=Path, help="folder to write (created if missing)")
    release.add_argument("--only", help="comma-separated exercise ids, e.g. q17,q22")
    release.add_argument("--assignment", default="katas",
                         help="nbgrader assignment name (default: katas)")


def cmd_release(args: argparse.Namespace) -> int:
    from grader.releases import common

    try:
        exercises = common.select(args.only)
        if args.platform == "nbgrader":
            from grader.releases import nbgrader

            if not args.only:
                skipped = [e.id for e in exercises if not common.has_notebook_checks(e)]
                exercises = [e for e in exercises if common.has_notebook_checks(e)]
                if skipped:
                    print(f"kata release nbgrader: no notebook checks yet for "
                          f"{', '.join(skipped)}: left out", file=sys.stderr)
            written = nbgrader.release(args.out, exercises, args.assignment)
        elif args.platform == "gradescope":
            from grader.releases import gradescope

            written = [gradescope.release(args.out, exercises, all_katas=not args.only)]
        elif args.platform == "classroom":
            from grader.releases import classroom

            written = [classroom.release(args.out, exercises)]
        else:
            from grader.releases import notebooks

            written = notebooks.release(args.out, exercises)
    except common.ReleaseError as exc:
        print(f"kata release {args.platform}: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(path)
    return 0

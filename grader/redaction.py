"""Keeping hidden tests, probes and reference solutions out of every message a report shows.

A submission controls the text of the errors it raises and of what it prints, and the
worker necessarily sees its exercise's probes. Whatever a message holds, any line of a
hidden-test, probe or solution file found in it verbatim is replaced before the message
reaches a report, so a report can never carry our code, whole or slice by slice.
"""

from __future__ import annotations

from functools import lru_cache

from grader.manifest import REPO_ROOT

MIN_SECRET = 16  # shorter lines ("return x", "import numpy as np") are not secrets
HIDDEN = "[hidden]"
MAX_MESSAGE = 2000  # characters of one test's message kept in a report


@lru_cache(maxsize=1)
def _public_lines() -> frozenset[str]:
    """Lines learners have anyway (stubs, READMEs, the grader): never worth hiding."""
    lines: set[str] = set()
    for folder in ("exercises", "grader", "docs"):
        for path in (REPO_ROOT / folder).rglob("*"):
            if path.suffix in (".py", ".md", ".toml") and path.is_file():
                lines.update(line.strip() for line in
                             path.read_text(encoding="utf-8", errors="replace").splitlines())
    return frozenset(lines)


@lru_cache(maxsize=64)
def secret_lines(exercise_id: str) -> tuple[str, ...]:
    """Lines of the files a learner must never see for `exercise_id`, longest first."""
    public = _public_lines()
    lines: set[str] = set()
    for folder in (REPO_ROOT / "tests" / exercise_id, REPO_ROOT / "solutions" / exercise_id):
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.suffix not in (".py", ".toml") or not path.is_file():
                continue
            for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
                text = line.strip()
                if (len(text) >= MIN_SECRET and text not in public
                        and not text.startswith(("import ", "from "))):
                    lines.add(text)
    return tuple(sorted(lines, key=len, reverse=True))


def redact(message: str, exercise_id: str | None) -> str:
    """`message` cut to MAX_MESSAGE characters, with every line of the exercise's hidden
    files replaced, and every line of the message that is a piece of one (a slice cut
    mid-line) too."""
    if not message or exercise_id is None:
        return message
    if len(message) > MAX_MESSAGE:
        cut = len(message) - MAX_MESSAGE
        message = f"{message[:MAX_MESSAGE]} [... {cut} more characters cut by the grader]"
    secrets = secret_lines(exercise_id)
    for secret in secrets:
        if secret in message:
            message = message.replace(secret, HIDDEN)
    lines = message.split("\n")
    for index, line in enumerate(lines):
        for piece in (line.strip(), line.strip().strip("'\"")):
            if len(piece) >= MIN_SECRET and any(piece in secret for secret in secrets):
                lines[index] = HIDDEN
                break
    return "\n".join(lines)



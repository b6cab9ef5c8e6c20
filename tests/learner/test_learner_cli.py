"""Do the learner's `kata` commands guide a newcomer from a stub to a passing kata?"""

from __future__ import annotations

import json

import pytest

from grader.learn import cmd_reset
from grader.manifest import load_manifest

MANIFEST = load_manifest()
FIRST = next(iter(MANIFEST))


def test_list_next_and_progress_start_with_everything_pending(kata_cli):
    listing = kata_cli("list")
    assert listing.returncode == 0
    assert all(f"{e.id} " in listing.stdout for e in MANIFEST.values())
    assert "done" not in listing.stdout
    assert f"Next: {FIRST}," in kata_cli("next").stdout
    assert f"0/{len(MANIFEST)} katas" in kata_cli("progress").stdout


def test_hints_come_one_at_a_time_and_stop_at_the_last(kata_cli, katas):
    hints = MANIFEST["q4"].hints
    for number in range(1, len(hints) + 2):
        out = kata_cli("hint", "q4").stdout
        shown = min(number, len(hints))
        assert f"Hint {shown} of {len(hints)}" in out
        assert hints[shown - 1].split()[0] in out
    state = json.loads((katas / ".kata-state.json").read_text())
    assert state["hints_shown"]["q4"] == len(hints)


def test_unknown_exercise_is_misuse(kata_cli):
    result = kata_cli("hint", "q99")
    assert result.returncode == 2 and "unknown exercise q99" in result.stderr


@pytest.mark.slow
def test_check_records_a_pass_and_only_then_shows_the_solution(kata_cli, solve):
    assert kata_cli("solution", "q17").returncode == 1
    failing = kata_cli("check", "q17")
    assert failing.returncode == 1 and "not implemented yet" in failing.stdout
    solve("q17", "custom_dense.py")
    passing = kata_cli("check", "q17")
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "q17 passes its visible tests" in passing.stdout
    assert "done" in kata_cli("list").stdout
    solution = kata_cli("solution", "q17")
    assert solution.returncode == 0 and "class CustomDense" in solution.stdout


def test_reset_asks_first_and_keeps_a_backup(katas, solve):
    exercise = MANIFEST["q17"]
    solve("q17", exercise.file)
    target = katas / "q17" / exercise.file
    solved = target.read_text()
    assert cmd_reset(katas, exercise, yes=False, ask=lambda _: "n") == 0
    assert target.read_text() == solved
    assert cmd_reset(katas, exercise, yes=False, ask=lambda _: "y") == 0
    assert "raise NotImplementedError" in target.read_text()
    backups = list((katas / ".kata-backups").iterdir())
    assert len(backups) == 1 and backups[0].read_text() == solved

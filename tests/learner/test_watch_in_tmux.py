"""Does `kata watch` re-run a kata when the learner saves, in a real terminal?"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid

import pytest

from grader.manifest import REPO_ROOT

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]


def _pane(session: str) -> str:
    return subprocess.run(["tmux", "capture-pane", "-p", "-S", "-200", "-t", session],
                          capture_output=True, text=True).stdout


def _wait_for(session: str, text: str, seconds: float) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pane = _pane(session)
        if text in pane:
            return pane
        time.sleep(0.5)
    raise AssertionError(f"{text!r} did not appear within {seconds} s; the pane shows:\n"
                         f"{_pane(session)}")


@pytest.mark.parametrize("poll", [True, False], ids=["polling", "file-events"])
def test_watch_reruns_on_save_and_moves_on_when_the_kata_passes(katas, solve, poll):
    session = f"kata-{uuid.uuid4().hex[:8]}"
    command = (f"cd {REPO_ROOT} && TF_CPP_MIN_LOG_LEVEL=3 {sys.executable} -m grader.cli "
               f"watch q17 --dir {katas}{' --poll' if poll else ''}")
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "160", "-y", "50",
                    command], check=True)
    try:
        _wait_for(session, "Waiting for you to save", 120)
        assert "not implemented yet" in _pane(session)
        subprocess.run(["tmux", "send-keys", "-t", session, "h", "Enter"], check=True)
        _wait_for(session, "Hint 1 of", 30)
        solve("q17", "custom_dense.py")  # the learner saves a working file
        pane = _wait_for(session, "q17 passes!", 120)
        assert "4 passed" in pane or "All 4 visible checks pass" in pane
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)

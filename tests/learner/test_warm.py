"""`kata watch`'s warm process: TensorFlow imported once, every run a fresh fork of it."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from grader.manifest import REPO_ROOT

RUNS = textwrap.dedent('''
    import sys
    from grader import warm

    assert not warm.is_warm()
    warm.warm_up()
    assert warm.is_warm()
    codes = [warm.run_forked([sys.argv[1], "-q", "-p", "no:cacheprovider"], sys.argv[2])
             for _ in range(2)]
    # The children ran TensorFlow ops; this process did not, so it can still fork safely.
    print("CODES", codes, warm.is_warm())
''')

LEARNER_TEST = textwrap.dedent('''
    import sys

    import tensorflow as tf

    def test_each_run_starts_from_the_warm_parent_not_the_last_run():
        assert "tensorflow" in sys.modules
        assert not hasattr(sys, "_kata_left_by_last_run"), "state survived between runs"
        sys._kata_left_by_last_run = True
        assert float(tf.reduce_sum(tf.ones(3))) == 3.0
''')


def test_every_run_is_a_fresh_fork_and_the_parent_stays_fork_safe(tmp_path):
    test_file = tmp_path / "test_learner_run.py"
    test_file.write_text(LEARNER_TEST)
    result = subprocess.run(
        [sys.executable, "-c", RUNS, str(test_file), str(tmp_path)], cwd=REPO_ROOT,
        capture_output=True, text=True, timeout=180,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert "CODES [0, 0] True" in result.stdout, result.stdout[-3000:] + result.stderr[-3000:]


def test_a_failing_run_reports_its_exit_code(tmp_path):
    test_file = tmp_path / "test_learner_run.py"
    test_file.write_text("def test_wrong():\n    assert 1 == 2\n")
    result = subprocess.run(
        [sys.executable, "-c", RUNS, str(test_file), str(tmp_path)], cwd=REPO_ROOT,
        capture_output=True, text=True, timeout=180,
        env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert "CODES [1, 1] True" in result.stdout, result.stdout[-3000:] + result.stderr[-3000:]


SERVER = textwrap.dedent('''
    import sys, time
    from pathlib import Path
    from grader import warm
    from grader.manifest import REPO_ROOT

    warm.warm_up()
    print("READY" if warm.serve_checks(Path(sys.argv[1]), str(REPO_ROOT)) else "NO SOCKET",
          flush=True)
    time.sleep(300)
''')


def test_kata_check_is_answered_by_a_running_watch(tmp_path):
    import shutil

    katas = tmp_path / "katas"
    shutil.copytree(REPO_ROOT / "exercises" / "q17", katas / "q17")
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(katas)], cwd=REPO_ROOT,
                              stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert server.stdout is not None
        assert server.stdout.readline().strip() == "READY"
        check = [sys.executable, "-m", "grader.cli", "check", "q17", "--dir", str(katas)]
        stub = subprocess.run(check, cwd=REPO_ROOT, capture_output=True, text=True,
                              timeout=120, env=env)
        assert stub.returncode == 1, stub.stdout[-2000:] + stub.stderr[-2000:]
        assert "answered by your running `kata watch`" in stub.stdout
        assert "not implemented" in stub.stdout.lower()
        shutil.copy(REPO_ROOT / "solutions" / "q17" / "custom_dense.py",
                    katas / "q17" / "custom_dense.py")
        solved = subprocess.run(check, cwd=REPO_ROOT, capture_output=True, text=True,
                                timeout=120, env=env)
        assert solved.returncode == 0, solved.stdout[-2000:] + solved.stderr[-2000:]
        assert "answered by your running `kata watch`" in solved.stdout
    finally:
        server.kill()
        server.wait()

"""The zygote: one TensorFlow import per grading, workers forked from it and confined.

The end-to-end tests start a real zygote (`python -m grader.zygote -- PYTEST_ARGS`) whose
forked session runs a small generated test module; that module drives `WorkerTransport`
exactly as a hidden test does and asserts, from the session's side, what a forked worker
can and cannot do. The zygote's exit status is the session's.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from grader import confine, sandbox
from grader.manifest import REPO_ROOT

# The session's side: a generated test module run inside the zygote's forked session.
SESSION_TESTS = '''
import os
import time
from pathlib import Path

import pytest

from grader import zygote
from grader.errors import SubmissionError
from grader.manifest import load_manifest
from grader.transport import WorkerTransport

HERE = Path(__file__).parent
EXERCISE = load_manifest()["q21"]
MODULE = Path(os.environ["KATA_TEST_MODULE"])


def _transport():
    return WorkerTransport(EXERCISE, MODULE, HERE / "probes.py", 60)


def test_session_is_forked_from_a_preloaded_zygote():
    assert zygote.connect() is not None
    assert zygote.PRELOADED


def test_worker_is_forked_with_tensorflow_already_imported():
    transport = _transport()
    try:
        started = time.monotonic()
        seen = transport.call("look")
        assert seen["preloaded"], "the worker imported TensorFlow itself"
        assert seen["pid"] != os.getpid()
        assert transport.call("look")["pid"] == seen["pid"], "a new worker for every call"
        print(f"first call (worker start + probe): {time.monotonic() - started:.2f} s")
    finally:
        transport.close()


def test_worker_sees_no_hidden_tests_and_no_session_scratch():
    transport = _transport()
    try:
        seen = transport.call("look")
        assert seen["hidden_tests"] in ([], "refused"), seen["hidden_tests"]
        if os.environ.get("KATA_ISOLATION") == "sandbox" or seen["own_user_namespace"]:
            assert seen["hidden_open"] == -1, "the worker's namespaces did not cover tests/"
        if os.environ.get("KATA_ISOLATION") == "sandbox":
            assert seen["session_keras_open"] == -1, "the worker saw the session's scratch"
            assert seen["umount"] != 0, "the worker could uncover the hidden tests"
    finally:
        transport.close()


def test_a_daemon_the_learner_forks_dies_with_its_worker():
    transport = _transport()
    daemon = transport.call("daemon")
    assert daemon > 0
    transport.close()
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):
        os.kill(daemon, 0)


def test_a_crashed_worker_is_reported_and_the_next_one_starts():
    transport = _transport()
    with pytest.raises(SubmissionError, match="stopped during the test"):
        transport.call("crash")
    transport.close()
    again = _transport()
    try:
        assert again.call("look")["preloaded"]
    finally:
        again.close()
'''

PROBES = '''
import os
import sys

TESTS = os.environ.get("KATA_REPO_TESTS", "")


def _listing(path):
    try:
        return sorted(os.listdir(path))
    except OSError:
        return "refused"


def look(module):
    import ctypes
    from grader import zygote

    libc = ctypes.CDLL(None, use_errno=True)
    tests = module.REPO_TESTS
    # libc's open, not Python's: the audit hook would refuse first, and this asks the kernel.
    return {
        "preloaded": bool(zygote.PRELOADED),
        "pid": os.getpid(),
        "hidden_tests": _listing(tests),
        "hidden_open": int(libc.open(f"{tests}/q21/probes.py".encode(), 0)),
        "session_keras_open": int(libc.open(f"{module.SESSION_TMP}/.keras".encode(), 0)),
        "umount": int(libc.umount2(tests.encode(), 2)),
        "own_user_namespace": open("/proc/self/uid_map").read().split()[2] == "1",
    }


def daemon(module):
    return module.start_daemon()


def crash(module):
    os._exit(3)
'''

LEARNER = '''
import ctypes
import os
import time

REPO_TESTS = {tests!r}
SESSION_TMP = {session_tmp!r}


def start_daemon():
    libc = ctypes.CDLL(None)
    read, write = os.pipe()
    pid = libc.fork()  # past the audit hook: only the zygote's clean-up stops this one
    if pid == 0:
        libc.setsid()
        os.write(write, str(os.getpid()).encode())
        while True:
            time.sleep(1)
    return int(os.read(read, 32))


def derivative(f, x):
    raise NotImplementedError


second_derivative = linear_regression = derivative
'''


def _zygote_run(tmp_path: Path, isolation: str) -> subprocess.CompletedProcess[str]:
    session = tmp_path / "session"
    session.mkdir()
    (session / "test_in_zygote.py").write_text(SESSION_TESTS)
    (session / "probes.py").write_text(PROBES)
    submission = tmp_path / "submission"
    (submission / "q21").mkdir(parents=True)
    in_box = isolation == sandbox.SANDBOX
    learner = submission / "q21" / "gradients.py"
    learner.write_text(LEARNER.format(
        tests=str(REPO_ROOT / "tests"),
        session_tmp=sandbox.SESSION_TMP if in_box else str(tmp_path / "session-tmp"),
    ))
    module = f"{sandbox.SUBMISSION_DIR}/q21/gradients.py" if in_box else str(learner)
    env = dict(os.environ, KATA_ISOLATION=isolation, KATA_TEST_MODULE=module,
               TF_CPP_MIN_LOG_LEVEL="3")
    if not in_box:
        (tmp_path / "session-tmp").mkdir()
    args = ["-m", "grader.zygote", "--", str(session), "-q", "-s", "-p", "no:cacheprovider",
            f"--rootdir={session}"]
    command = [sys.executable, *args]
    if in_box:
        # The session module and probes live in the test's tmp folder: bind it in too.
        command = sandbox.session_command(args, REPO_ROOT, submission, env)
        command[command.index("--chdir"):command.index("--chdir")] = [
            "--ro-bind", str(session), str(session)]
    return subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.parametrize("isolation", [sandbox.SANDBOX, sandbox.PROCESS])
def test_zygote_forks_confined_workers_that_leave_nothing_behind(tmp_path, isolation):
    if isolation == sandbox.SANDBOX and sandbox.sandbox_problem() is not None:
        pytest.skip(f"no sandbox here: {sandbox.sandbox_problem()}")
    result = _zygote_run(tmp_path, isolation)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "5 passed" in output, output[-4000:]


def _fork_and_confine(hidden: Path, scratch: Path) -> tuple[int, str]:
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        os.close(read)
        report = "?"
        try:
            confine.enter_namespaces((str(hidden),), str(scratch), 1 << 20)
            libc = ctypes.CDLL(None, use_errno=True)
            unmounted = libc.umount2(str(hidden).encode(), 2) == 0
            (scratch / "mine").write_text("x")
            report = f"{sorted(os.listdir(hidden))}|{unmounted}|{sorted(os.listdir(scratch))}"
        except OSError as exc:
            report = f"refused: {exc}"
        os.write(write, report.encode())
        os._exit(0)
    os.close(write)
    data = os.read(read, 4096).decode()
    os.close(read)
    _, status = os.waitpid(pid, 0)
    return status, data


def test_confined_child_cannot_see_or_uncover_a_hidden_folder(tmp_path):
    hidden = tmp_path / "tests"
    hidden.mkdir()
    (hidden / "test_secret.py").write_text("ANSWER = 42\n")
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    (scratch / "left-by-last-worker").write_text("old")
    status, report = _fork_and_confine(hidden, scratch)
    if report.startswith("refused"):
        pytest.skip(f"this kernel refuses user namespaces here: {report}")
    assert os.waitstatus_to_exitcode(status) == 0
    listing, unmounted, scratch_listing = report.split("|")
    assert listing == "[]", "the hidden folder was visible"
    assert unmounted == "False", "the cover over the hidden folder could be unmounted"
    assert scratch_listing == "['mine']", "the scratch folder was not fresh"
    # The child's mounts were its own: nothing changed out here.
    assert (hidden / "test_secret.py").read_text() == "ANSWER = 42\n"
    assert sorted(p.name for p in scratch.iterdir()) == ["left-by-last-worker"]


def test_zygote_refuses_to_fork_after_a_tensorflow_op():
    code = textwrap.dedent("""
        from grader import zygote
        zygote.preload()
        assert zygote.tensorflow_untouched()
        import tensorflow as tf
        tf.constant(1.0) + 1
        assert not zygote.tensorflow_untouched()
        print("ok")
    """)
    result = subprocess.run([sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True,
                            text=True, timeout=120, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    assert result.stdout.strip().endswith("ok"), result.stderr[-2000:]

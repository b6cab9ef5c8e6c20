"""A hostile q4: steal the reference solution by every file-system route, then run it.

`__REPO__` and `__CLONE__` are replaced by the test with this checkout and another clone of
it (a student who knows where the instructor keeps the course). Every route must fail, so
the functions below stay wrong and score nothing. It also tries to plant a `.pth` file in
the virtual environment and a file in the checkout, to leave a daemon behind, and to read
the grading process's memory.
"""

import os
import sys

REPO = "__REPO__"
CLONE = "__CLONE__"
RELATIVE = "solutions/q4/training_loop.py"
STOLEN = None


def _attempt(route):
    global STOLEN
    if STOLEN:
        return
    try:
        text = route()
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        if text and "def train_step" in text:
            STOLEN = text
    except BaseException:  # noqa: BLE001
        pass


for root in (REPO, CLONE):
    target = os.path.join(root, RELATIVE)
    _attempt(lambda: open(target).read())
    _attempt(lambda: open("/proc/self/root" + target).read())
    _attempt(lambda: os.read(os.open(RELATIVE, os.O_RDONLY, dir_fd=os.open(root, os.O_RDONLY)),
                             1 << 20))
    _attempt(lambda: os.read(os.open(target[1:], os.O_RDONLY, dir_fd=os.open("/", os.O_RDONLY)),
                             1 << 20))

    def _via_link():
        os.link(target, "stolen.py")
        return open("stolen.py").read()

    def _via_copy():
        import shutil

        shutil.copy(target, "stolen2.py")
        return open("stolen2.py").read()

    def _via_cat():
        import subprocess

        return subprocess.run(["cat", target], capture_output=True, text=True).stdout

    def _via_spawn():
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        queue = context.Queue()
        process = context.Process(target=print, args=(target,))
        process.start()
        process.join(5)
        return None if queue.empty() else queue.get()

    for route in (_via_link, _via_copy, _via_cat, _via_spawn):
        _attempt(route)

# Plant code that would run in the next grading: a .pth in site-packages, a conftest.py
# in the checkout.
for entry in sys.path:
    if entry.endswith("site-packages"):
        try:
            with open(os.path.join(entry, "kata_escape.pth"), "w") as handle:
                handle.write("import os; os.environ['KATA_ESCAPED'] = '1'\n")
        except BaseException:  # noqa: BLE001
            pass
for path in (os.path.join(REPO, "tests", "conftest_escape.py"), "/tmp/kata-escape-was-here"):
    try:
        with open(path, "w") as handle:
            handle.write("escaped = True\n")
    except BaseException:  # noqa: BLE001
        pass
try:
    os.rename(__file__, os.path.join(REPO, "escaped_by_rename.py"))
except BaseException:  # noqa: BLE001
    pass

# The grading process's memory (for the signing key), by pid and through /proc/self/root.
for pid in (os.getppid(), 1):
    for path in (f"/proc/{pid}/mem", f"/proc/self/root/proc/{pid}/environ"):
        try:
            open(path, "rb").read(16)
        except BaseException:  # noqa: BLE001
            pass

# A daemon that outlives grading and would stop the grader.
try:
    if os.fork() == 0:
        os.setsid()
        import time

        open("/tmp/kata-escape-daemon-alive", "w").write(str(os.getpid()))
        time.sleep(600)
        os._exit(0)
except BaseException:  # noqa: BLE001
    pass

if STOLEN:
    exec(compile(STOLEN, "stolen", "exec"), globals())  # noqa: S102
else:

    def train_step(model, optimizer, loss_fn, x, y, metrics=()):
        return 0.0

    def test_step(model, loss_fn, x, y, metrics=()):
        return 0.0

    def fit(model, train_ds, val_ds, epochs, optimizer, loss_fn):
        return {key: [0.0] * epochs for key in ("loss", "accuracy", "val_loss", "val_accuracy")}

"""Confining a worker forked from the zygote, before it runs a line of learner code.

A forked worker cannot be started by bubblewrap (that takes an `exec`, which would throw
away the TensorFlow the zygote imported), so it confines itself with the same kernel
features, in this order:

1. `detach`: its own session, killed with its parent, first in line for the OOM killer, not
   dumpable (no ptrace and no `/proc/<pid>/mem` for anything it starts), and holding no
   file descriptor but the three the grading session handed it.
2. `enter_namespaces`: a new user, mount, network and IPC namespace; every path in `hide` is
   covered by an empty tmpfs (the hidden tests; the grading session's `/tmp`), `scratch` gets
   a fresh size-capped tmpfs; then a second user and mount namespace, so the kernel locks
   those mounts: code running later, even with the capabilities a user namespace gives,
   cannot unmount them to see what lies beneath.

Inside the bubblewrap sandbox the zygote already runs in, this adds a private view on top of
the sandbox's. Without bubblewrap it is the main layer beside the audit hook; where the
kernel refuses user namespaces the worker says so and the audit hook is all that remains.
"""

from __future__ import annotations

import ctypes
import os
import signal

CLONE_NEWNS = 0x00020000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000
MS_NOSUID, MS_NODEV, MS_REC, MS_PRIVATE = 2, 4, 1 << 14, 1 << 18
PR_SET_PDEATHSIG, PR_SET_DUMPABLE, PR_SET_NO_NEW_PRIVS = 1, 4, 38
NOBODY = 65534

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def detach(keep: tuple[int, ...]) -> None:
    """Cut the ties a forked worker has to the zygote and the grading session."""
    os.setsid()
    _check(_libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0), "prctl(PDEATHSIG)")
    _check(_libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), "prctl(DUMPABLE)")
    try:
        with open("/proc/self/oom_score_adj", "w") as adj:
            adj.write("1000")  # a learner's memory blow-up kills the worker, not the session
    except OSError:
        pass
    for fd in os.listdir("/proc/self/fd") if os.path.isdir("/proc/self/fd") else ():
        number = int(fd)
        if number > 2 and number not in keep:
            try:
                os.close(number)
            except OSError:
                pass


def drop_to_nobody() -> None:
    """As root outside bubblewrap, become `nobody` (the zygote checked it may read the venv)."""
    os.setgroups([])
    os.setresgid(NOBODY, NOBODY, NOBODY)
    os.setresuid(NOBODY, NOBODY, NOBODY)


def _own_user_namespace() -> None:
    uid, gid = os.getuid(), os.getgid()
    _check(_libc.unshare(CLONE_NEWUSER | CLONE_NEWNS), "unshare(user, mount)")
    # A process that is not dumpable cannot write its own maps (its /proc files are root's);
    # no learner code runs yet, and it is not dumpable again right after.
    _check(_libc.prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), "prctl(DUMPABLE)")
    try:
        with open("/proc/self/setgroups", "w") as f:
            f.write("deny")
        with open("/proc/self/uid_map", "w") as f:
            f.write(f"{uid} {uid} 1")
        with open("/proc/self/gid_map", "w") as f:
            f.write(f"{gid} {gid} 1")
    finally:
        _check(_libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0), "prctl(DUMPABLE)")


def _tmpfs(path: str, size: int) -> None:
    options = f"size={size},mode=0700,uid={os.getuid()},gid={os.getgid()}".encode()
    _check(_libc.mount(b"tmpfs", path.encode(), b"tmpfs", MS_NOSUID | MS_NODEV, options),
           f"mount tmpfs on {path}")


def enter_namespaces(hide: tuple[str, ...], scratch: str, scratch_bytes: int) -> None:
    """Private namespaces with `hide` covered and a fresh `scratch`, locked (see module doc).

    Raises:
        OSError: the kernel refused; the caller reports it and relies on the audit hook.
    """
    _own_user_namespace()
    _check(_libc.unshare(CLONE_NEWNET | CLONE_NEWIPC), "unshare(net, ipc)")
    _check(_libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "make / private")
    for path in hide:
        if os.path.isdir(path):
            _tmpfs(path, 4096)
    os.makedirs(scratch, exist_ok=True)
    _tmpfs(scratch, scratch_bytes)
    # Mounts copied into a namespace owned by a less privileged user namespace are locked.
    _own_user_namespace()
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "prctl(NO_NEW_PRIVS)")

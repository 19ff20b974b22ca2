"""How the command and the processes it forks end: SIGTERM as Ctrl-C, and no forked process
outliving the command.

Python does not handle SIGTERM (`kill`, a service manager, a CI's timeout): the command died at
once, its temporary files left in /tmp and its PDF workers left running without a parent. A
command killed outright (kill -9, the kernel's out-of-memory killer) left its workers and its
presses waiting for ever, 100 MB each, on pipes that their siblings hold open.
"""

from __future__ import annotations

import os
import signal
import sys
import threading

PR_SET_PDEATHSIG = 1  # prctl(2): the signal this process gets when its parent thread ends

# Noted by the forking thread just before each fork, for the child to read (that thread goes
# on in it): the forking process, and whether that thread is its main thread.
_fork = threading.local()


def install() -> None:
    """For the `octavo` command (cli.run): SIGTERM ends the processes it forked and raises
    SystemExit(143), so its temporary files are removed as on any error; and each process
    forked from the command's main thread is killed by the kernel if the command dies."""
    signal.signal(signal.SIGTERM, _terminated)
    os.register_at_fork(before=_note_parent, after_in_child=_tie_to_parent)


def _terminated(signum: int, frame: object) -> None:
    """SIGTERM: the processes this one forked are ended at once (a worker may be stuck in a
    layout that never ends, and the build would wait for it), then this one unwinds."""
    import multiprocessing

    for child in multiprocessing.active_children():
        child.terminate()
    raise SystemExit(128 + signum)


def _note_parent() -> None:
    _fork.parent = os.getpid()
    _fork.from_main_thread = threading.current_thread() is threading.main_thread()


def _tie_to_parent() -> None:
    """In a forked process: SIGTERM kills at once again (a worker stuck in a lock the fork
    copied never runs a Python handler, and its parent ends it with SIGTERM); and on Linux it
    dies with its parent. The kernel's signal comes when the forking *thread* ends: only a
    fork from the main thread is tied."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if not (getattr(_fork, "from_main_thread", False) and sys.platform.startswith("linux")):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl to be had: the process is merely not tied
        return
    if os.getppid() != _fork.parent:  # the parent died before the tie was made
        os._exit(1)

"""The renderer's folders: Chromium's profile and kaleido's page, one folder per process.

Each process that renders keeps them in ``indicators-render-<pid>-*`` in the temporary
directory and removes it when its renderer closes. A process killed outright cannot: its
folder is removed by the next renderer to start (any folder whose process has gone), and by
the server's master as soon as it reaps the worker (``deploy/gunicorn.conf.py``), after the
Chromium it left behind, if still running, is stopped (it would write its profile back into
the folder as it quits). This module imports nothing heavy, so the master can use it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
import time
from pathlib import Path

FOLDER_PREFIX = "indicators-render-"


def make_folder() -> Path:
    """A new folder for this process's renderer."""
    return Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-"))


def _pid_of(folder: Path) -> int | None:
    rest = folder.name[len(FOLDER_PREFIX) :]
    head = rest.split("-", 1)[0]
    return int(head) if head.isdigit() else None


def _running(pid: int) -> bool:
    """Whether ``pid`` runs: a zombie does not (a killed process whose parent has not reaped
    it yet, as an init that reaps late leaves an orphan)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return not _zombie(pid)


def _users(folder: Path) -> list[int]:
    """The processes still running with ``folder`` on their command line (the Chromium of a
    process that was killed, and its helpers)."""
    needle = str(folder).encode()
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if needle in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
    return found


def _stop_users(folder: Path, wait_s: float = 2.0) -> None:
    """Stop what still runs in a dead process's folder, and wait (briefly) for it to go."""
    users = _users(folder)
    for user in users:
        with contextlib.suppress(OSError):
            os.kill(user, signal.SIGKILL)
    deadline = time.monotonic() + wait_s
    while users and time.monotonic() < deadline:
        users = [u for u in users if _running(u)]
        time.sleep(0.05)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def remove_folders(pid: int | None = None) -> list[Path]:
    """Remove the renderer folders of process ``pid`` (a server worker that has exited), or
    of every process that no longer runs; return those removed."""
    removed = []
    for folder in Path(tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*"):
        owner = _pid_of(folder)
        if owner is None or (pid is None and owner == os.getpid()):
            continue
        if (pid is not None and owner == pid) or (pid is None and not _running(owner)):
            _stop_users(folder)
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed

"""The renderer's folders: Chromium's profile and kaleido's page, one folder per process.

Each process that renders keeps them in ``indicators-render-<pid>-*`` in the temporary
directory and removes it when its renderer closes. A process killed outright cannot: its
folder is removed by the next renderer to start (any folder whose process has gone), and by
the server's master as soon as it reaps the worker (``deploy/gunicorn.conf.py``). This module
imports nothing heavy, so the master can use it.
"""

from __future__ import annotations

import os
import shutil
import tempfile
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
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def remove_folders(pid: int | None = None) -> list[Path]:
    """Remove the renderer folders of process ``pid`` (a server worker that has exited), or
    of every process that no longer runs; return those removed."""
    removed = []
    for folder in Path(tempfile.gettempdir()).glob(f"{FOLDER_PREFIX}*"):
        owner = _pid_of(folder)
        if owner is None or (pid is None and owner == os.getpid()):
            continue
        if (pid is not None and owner == pid) or (pid is None and not _running(owner)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed

"""One data folder, one writer: ``fetch``, ``add``, ``remove`` and ``build`` hold a file lock.

Two commands changing one data folder at once would each stage the raw folder as they found it,
and the second swap would discard what the first added. The lock (an OS file lock, released
when its process ends, even by ``kill -9``) makes the second wait, saying for whom, and refuse
after a timeout. Readers (the dashboard, ``info``, ``diff``, ``export``) never take it: they read
``data/processed``, which a build swaps in with one rename.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from filelock import FileLock, Timeout

from indicators.contract.paths import DataDir

LOCK_FILE = ".lock"
HOLDER_FILE = ".lock-holder.json"
# Long enough for another command's build or a fetch from a local folder; a download over a
# slow link may take longer, hence --wait.
DEFAULT_WAIT_S = 60.0


class Busy(Exception):
    """Another command kept the data folder for longer than this one would wait."""


def _notice(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def wait_seconds(given: float | None) -> float:
    """The wait: as given (``--wait``), else ``$INDICATORS_WAIT``, else the default."""
    if given is not None:
        return max(0.0, given)
    try:
        return max(0.0, float(os.environ.get("INDICATORS_WAIT", DEFAULT_WAIT_S)))
    except ValueError:
        return DEFAULT_WAIT_S


def holder(data: DataDir) -> str:
    """Who holds the lock, as the holder wrote it down ('`indicators add` (pid 12, since ...)')."""
    try:
        info = json.loads((data.root / HOLDER_FILE).read_text())
        return f"`indicators {info['command']}` (pid {info['pid']}, since {info['since']})"
    except (OSError, ValueError, KeyError, TypeError):
        return "another indicators command"


@contextmanager
def writer(
    data: DataDir,
    command: str,
    wait: float | None = None,
    notice: Callable[[str], None] = _notice,
) -> Iterator[None]:
    """Hold the data folder's lock for one command; wait (saying for whom) or raise Busy."""
    seconds = wait_seconds(wait)
    data.root.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(data.root / LOCK_FILE))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        who = holder(data)
        notice(
            f"indicators {command}: waiting up to {seconds:g} s for {who} to finish with "
            f"{data.root}"
        )
        try:
            lock.acquire(timeout=seconds)
        except Timeout:
            raise Busy(
                f"{data.root} is still in use by {holder(data)} after {seconds:g} s; nothing "
                "was changed: run the command again when it has finished (or wait longer with "
                "--wait SECONDS)"
            ) from None
    try:
        since = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        info = {"command": command, "pid": os.getpid(), "since": since}
        (data.root / HOLDER_FILE).write_text(json.dumps(info))
        yield
    finally:
        lock.release()

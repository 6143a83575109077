"""A process's renderer when the machine's render server draws its images.

When ``INDICATORS_RENDER_SOCKET`` names a socket (``deploy/gunicorn.conf.py`` sets it), a
process sends its images to the one render server on that socket
(:mod:`indicators.outputs.render_service`), and starts that server itself when none answers (a
lock file makes sure only one process starts it). If it cannot be started, the process draws
with its own Chromium rather than fail the download.

Wire format, both ways: frames of a 4-byte big-endian length and a payload. A request is one
JSON frame ``{"jobs": [{figure, fmt, width, height, scale}, ...]}`` (or ``{"ping": true}``); the
answer a JSON frame ``{"ok": true, "pid": ..., "chromium": ...}`` or ``{"ok": false, "error":
...}``, then, if ok, one raw frame per image.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from indicators.outputs.imaging import TIMEOUT_S, ImageRenderer, Job, RenderError, check_formats

SOCKET_ENV = "INDICATORS_RENDER_SOCKET"
SERVER_MODULE = "indicators.outputs.render_service"
START_TIMEOUT_S = 60.0
CONNECT_TIMEOUT_S = 2.0
HEADER = struct.Struct(">I")
log = logging.getLogger(__name__)


def default_socket() -> Path:
    """The machine's render socket for this user (one server however many gunicorns run)."""
    return Path(tempfile.gettempdir()) / f"indicators-renderer-{os.getuid()}.sock"


def send_frame(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(HEADER.pack(len(payload)) + payload)


def _exactly(sock: socket.socket, size: int) -> bytes:
    chunks, left = [], size
    while left:
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            raise ConnectionError("the render server closed the connection")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_frame(sock: socket.socket) -> bytes:
    (size,) = HEADER.unpack(_exactly(sock, HEADER.size))
    return _exactly(sock, size)


def job_json(jobs: Sequence[Job]) -> bytes:
    """Jobs as the request's JSON (plotly's encoder: figures hold numpy arrays)."""
    from plotly.utils import PlotlyJSONEncoder

    listed = [
        {"figure": j.figure, "fmt": j.fmt, "width": j.width, "height": j.height, "scale": j.scale}
        for j in jobs
    ]
    return json.dumps({"jobs": listed}, cls=PlotlyJSONEncoder).encode()


class RemoteRenderer:
    """A process's renderer when the machine's render server draws its images; ``fallback``
    gives the process's own renderer, for when no server can be started."""

    def __init__(self, path: Path, fallback: Callable[[], ImageRenderer]) -> None:
        self.path = path
        self.fallback = fallback
        self.starts = 0  # render servers this process has started
        self._server_pid: int | None = None
        self._chromium_pid: int | None = None

    def _ask(self, payload: bytes, count: int, timeout: float) -> list[bytes]:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(CONNECT_TIMEOUT_S)
            sock.connect(str(self.path))
            sock.settimeout(timeout)
            send_frame(sock, payload)
            head = json.loads(read_frame(sock))
            if not head.get("ok"):
                raise RenderError(head.get("error", "the render server failed"))
            self._server_pid, self._chromium_pid = head.get("pid"), head.get("chromium")
            return [read_frame(sock) for _ in range(count)]

    def alive(self) -> bool:
        """Whether the render server answers."""
        try:
            self._ask(b'{"ping": true}', 0, CONNECT_TIMEOUT_S)
        except (OSError, ValueError):
            return False
        return True

    def start(self) -> None:
        """Start the render server if none answers (only one process starts it)."""
        if self.alive():
            return
        lock_path = self.path.with_name(self.path.name + ".lock")
        with lock_path.open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if self.alive():  # another process started it while this one waited
                return
            log.warning("starting the render server on %s", self.path)
            env = {k: v for k, v in os.environ.items() if k != SOCKET_ENV}  # it draws itself
            # Started through a shell that leaves it running in the background: the server is
            # no child of this process, and outlives it (it belongs to the machine).
            command = [sys.executable, "-m", SERVER_MODULE, str(self.path)]
            subprocess.run(
                ["/bin/sh", "-c", 'exec "$@" </dev/null &', "sh", *command],
                env=env, start_new_session=True, check=True,
            )  # fmt: skip
            self.starts += 1
            deadline = time.monotonic() + START_TIMEOUT_S
            while not self.alive():
                if time.monotonic() > deadline:
                    raise RenderError("the render server did not start")
                time.sleep(0.1)

    def render_many(self, jobs: Sequence[Job]) -> list[bytes]:
        """Render images on the machine's server (started if it is not running; if it cannot
        be, this process draws them itself rather than fail the download)."""
        check_formats(jobs)
        payload = job_json(jobs)
        timeout = TIMEOUT_S * 2 * max(1, len(jobs)) + 30  # a restart and a retry
        try:
            return self._ask(payload, len(jobs), timeout)
        except (OSError, ValueError) as exc:
            log.warning("the render server did not answer (%r); starting it", exc)
        try:
            self.start()
            return self._ask(payload, len(jobs), timeout)
        except (OSError, ValueError, RenderError) as exc:
            log.error("no render server (%r): this process draws its images itself", exc)
            return self.fallback().render_many(jobs)

    def render(self, job: Job) -> bytes:
        """Render one image."""
        return self.render_many([job])[0]

    def render_stream(self, groups: Iterable[Sequence[Job]]) -> list[list[bytes]]:
        """Each group in turn (the server draws a group's images at once)."""
        return [self.render_many(list(group)) for group in groups]

    def pid(self) -> int | None:
        """The Chromium the server draws with (as of the last answer)."""
        return self._chromium_pid

    def server_pid(self) -> int | None:
        """The render server's process id (as of the last answer)."""
        return self._server_pid

    def close(self) -> None:
        """Nothing to close: the server is the machine's, and stops when idle."""

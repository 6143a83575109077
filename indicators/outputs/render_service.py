"""One Chromium per machine: a render server on a Unix socket for every server worker.

A Chromium with its tabs holds 300-500 MB (proportional set size, shared pages counted once);
one per gunicorn worker would multiply that by the number of workers. When
``INDICATORS_RENDER_SOCKET`` names a socket (``deploy/gunicorn.conf.py`` sets it), a process's
renderer is a :class:`RemoteRenderer`: it sends its images to the one server on that socket, and
starts that server itself when none answers (a lock file makes sure only one starts). The server
renders with the process renderer of :mod:`indicators.outputs.render` (its crash recovery
included), answers each request on a thread of its own, and exits after ``IDLE_EXIT_S`` without
a request, its Chromium and folder with it.

Wire format, both ways: frames of a 4-byte big-endian length and a payload. A request is one
JSON frame ``{"jobs": [{figure, fmt, width, height, scale}, ...]}`` (or ``{"ping": true}``); the
answer a JSON frame ``{"ok": true, "pid": ...}`` or ``{"ok": false, "error": ...}``, then, if ok,
one raw frame per image.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import signal
import socket
import socketserver
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

SOCKET_ENV = "INDICATORS_RENDER_SOCKET"
IDLE_EXIT_S = 600.0
START_TIMEOUT_S = 60.0
CONNECT_TIMEOUT_S = 2.0
HEADER = struct.Struct(">I")
log = logging.getLogger(__name__)


def default_socket() -> Path:
    """The machine's render socket for this user (one server however many gunicorns run)."""
    return Path(tempfile.gettempdir()) / f"indicators-renderer-{os.getuid()}.sock"


# ---- frames


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


def job_json(jobs: Sequence[Any]) -> bytes:
    """Jobs as the request's JSON (plotly's encoder: figures hold numpy arrays)."""
    from plotly.utils import PlotlyJSONEncoder

    listed = [
        {"figure": j.figure, "fmt": j.fmt, "width": j.width, "height": j.height, "scale": j.scale}
        for j in jobs
    ]
    return json.dumps({"jobs": listed}, cls=PlotlyJSONEncoder).encode()


# ---- the server


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        from indicators.outputs import render

        server: RenderServer = self.server  # type: ignore[assignment]
        server.touch()
        try:
            request = json.loads(read_frame(self.request))
            head: dict[str, Any]
            if request.get("ping"):
                answer: list[bytes] = []
            else:
                jobs = [render.Job(**job) for job in request["jobs"]]
                answer = render.renderer().render_many(jobs)
            head = {"ok": True, "pid": os.getpid(), "chromium": render.renderer().pid()}
        except (ValueError, KeyError, TypeError, render.RenderError) as exc:
            head, answer = {"ok": False, "error": str(exc)[:500]}, []
        except ConnectionError:
            return  # the client went away
        with contextlib.suppress(OSError):
            send_frame(self.request, json.dumps(head).encode())
            for content in answer:
                send_frame(self.request, content)
        server.touch()


class RenderServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """The machine's render server; it stops itself after IDLE_EXIT_S without a request."""

    daemon_threads = True

    def __init__(self, path: Path, idle_exit_s: float = IDLE_EXIT_S) -> None:
        self.idle_exit_s = idle_exit_s
        self.last = time.monotonic()
        super().__init__(str(path), _Handler)
        path.chmod(0o600)  # this user's processes only

    def touch(self) -> None:
        self.last = time.monotonic()

    def watch_idle(self) -> None:
        """Shut down once nothing has asked for an image for idle_exit_s."""
        while time.monotonic() - self.last < self.idle_exit_s:
            time.sleep(min(5.0, self.idle_exit_s / 4))
        log.warning("render server idle for %.0f s; stopping", self.idle_exit_s)
        self.shutdown()


def serve(path: Path, idle_exit_s: float = IDLE_EXIT_S) -> None:
    """Run the render server on ``path`` until it has been idle for ``idle_exit_s``."""
    from indicators.outputs import render

    os.environ.pop(SOCKET_ENV, None)  # this process draws with its own Chromium
    with contextlib.suppress(FileNotFoundError):
        path.unlink()  # a socket left by a server that died (the caller holds the start lock)
    server = RenderServer(path, idle_exit_s)
    threading.Thread(target=server.watch_idle, name="idle", daemon=True).start()

    def stop(*_: Any) -> None:  # SIGTERM: stop serving, then clean up below
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever(poll_interval=0.5)
    finally:
        server.server_close()
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        render.renderer().close()


# ---- the client


class RemoteRenderer:
    """A process's renderer when the machine's render server draws its images."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.starts = 0  # render servers this process has started
        self._server_pid: int | None = None
        self._chromium_pid: int | None = None

    def _ask(self, payload: bytes, count: int, timeout: float) -> list[bytes]:
        from indicators.outputs import render

        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(CONNECT_TIMEOUT_S)
            sock.connect(str(self.path))
            sock.settimeout(timeout)
            send_frame(sock, payload)
            head = json.loads(read_frame(sock))
            if not head.get("ok"):
                raise render.RenderError(head.get("error", "the render server failed"))
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
        from indicators.outputs import render

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
            command = [sys.executable, "-m", __name__, str(self.path)]
            subprocess.run(
                ["/bin/sh", "-c", 'exec "$@" </dev/null &', "sh", *command],
                env=env, start_new_session=True, check=True,
            )  # fmt: skip
            self.starts += 1
            deadline = time.monotonic() + START_TIMEOUT_S
            while not self.alive():
                if time.monotonic() > deadline:
                    raise render.RenderError("the render server did not start")
                time.sleep(0.1)

    def render_many(self, jobs: Sequence[Any]) -> list[bytes]:
        """Render images on the machine's server (started if it is not running; if it cannot
        be, this process draws them itself rather than fail the download)."""
        from indicators.outputs import render

        for job in jobs:
            if job.fmt not in render.IMAGE_FORMATS:
                raise ValueError(f"unknown image format {job.fmt!r}")
        payload = job_json(jobs)
        timeout = render.TIMEOUT_S * 2 * max(1, len(jobs)) + 30  # a restart and a retry
        try:
            return self._ask(payload, len(jobs), timeout)
        except (OSError, ValueError) as exc:
            log.warning("the render server did not answer (%r); starting it", exc)
        try:
            self.start()
            return self._ask(payload, len(jobs), timeout)
        except (OSError, ValueError, render.RenderError) as exc:
            log.error("no render server (%r): this process draws its images itself", exc)
            return render.local_renderer().render_many(jobs)

    def render(self, job: Any) -> bytes:
        return self.render_many([job])[0]

    def render_stream(self, groups: Iterable[Sequence[Any]]) -> list[list[bytes]]:
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


def main(argv: list[str] | None = None) -> int:
    """``python -m indicators.outputs.render_service SOCKET [IDLE_EXIT_S]``."""
    args = sys.argv[1:] if argv is None else argv
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s render %(message)s")
    serve(Path(args[0]), float(args[1]) if len(args) > 1 else IDLE_EXIT_S)
    return 0


if __name__ == "__main__":
    sys.exit(main())

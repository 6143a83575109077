"""One Chromium per machine: the render server every server worker sends its images to.

A Chromium with its tabs holds 300-500 MB (proportional set size, shared pages counted once);
one per gunicorn worker would multiply that by the number of workers. This server, started by
the first worker that needs it (:mod:`indicators.outputs.render_client`), draws with the
process renderer of :mod:`indicators.outputs.render` (its crash recovery included), answers each
request on a thread of its own, and exits after ``IDLE_EXIT_S`` without a request (or on
SIGTERM), its Chromium and folder with it.

    python -m indicators.outputs.render_service SOCKET [IDLE_EXIT_S]
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import socketserver
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from indicators.outputs import render
from indicators.outputs.imaging import Job, RenderError
from indicators.outputs.render_client import SOCKET_ENV, read_frame, send_frame

IDLE_EXIT_S = 600.0
log = logging.getLogger(__name__)


# ---- the server


class _Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        server: RenderServer = self.server  # type: ignore[assignment]
        with server.busy():
            self.answer()

    def answer(self) -> None:
        try:
            request = json.loads(read_frame(self.request))
            head: dict[str, Any]
            if request.get("ping"):
                answer: list[bytes] = []
            else:
                jobs = [Job(**job) for job in request["jobs"]]
                answer = render.local_renderer().render_many(jobs)
            head = {"ok": True, "pid": os.getpid(), "chromium": render.local_renderer().pid()}
        except (ValueError, KeyError, TypeError, RenderError) as exc:
            head, answer = {"ok": False, "error": str(exc)[:500]}, []
        except ConnectionError:
            return  # the client went away
        with contextlib.suppress(OSError):
            send_frame(self.request, json.dumps(head).encode())
            for content in answer:
                send_frame(self.request, content)


class RenderServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """The machine's render server; it stops itself once no request has been in flight for
    IDLE_EXIT_S."""

    daemon_threads = True

    def __init__(self, path: Path, idle_exit_s: float = IDLE_EXIT_S) -> None:
        self.idle_exit_s = idle_exit_s
        self.last = time.monotonic()
        self.active = 0
        self._lock = threading.Lock()
        super().__init__(str(path), _Handler)
        path.chmod(0o600)  # this user's processes only

    @contextlib.contextmanager
    def busy(self) -> Iterator[None]:
        """Count a request in flight (the server never stops under one)."""
        with self._lock:
            self.active += 1
        try:
            yield
        finally:
            with self._lock:
                self.active -= 1
                self.last = time.monotonic()

    def idle_for(self) -> float:
        with self._lock:
            return 0.0 if self.active else time.monotonic() - self.last

    def watch_idle(self) -> None:
        """Shut down once nothing has asked for an image for idle_exit_s."""
        while self.idle_for() < self.idle_exit_s:
            time.sleep(min(5.0, self.idle_exit_s / 4))
        log.warning("render server idle for %.0f s; stopping", self.idle_exit_s)
        self.shutdown()


def _warm() -> None:
    with contextlib.suppress(RenderError):  # the first render tries again and reports it
        render.local_renderer().start()


def serve(path: Path, idle_exit_s: float = IDLE_EXIT_S) -> None:
    """Run the render server on ``path`` until it has been idle for ``idle_exit_s``."""
    os.environ.pop(SOCKET_ENV, None)  # this process draws with its own Chromium
    with contextlib.suppress(FileNotFoundError):
        path.unlink()  # a socket left by a server that died (the caller holds the start lock)
    server = RenderServer(path, idle_exit_s)
    threading.Thread(target=server.watch_idle, name="idle", daemon=True).start()
    # Chromium starts now, not on the first download: a worker starts this server when it
    # serves a chart page, so that the first click finds a browser ready.
    threading.Thread(target=_warm, name="chromium-warm-up", daemon=True).start()

    def stop(*_: Any) -> None:  # SIGTERM: stop serving, then clean up below
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever(poll_interval=0.5)
    finally:
        server.server_close()
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        render.local_renderer().close()


def main(argv: list[str] | None = None) -> int:
    """``python -m indicators.outputs.render_service SOCKET [IDLE_EXIT_S]``."""
    args = sys.argv[1:] if argv is None else argv
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s render %(message)s")
    serve(Path(args[0]), float(args[1]) if len(args) > 1 else IDLE_EXIT_S)
    return 0


if __name__ == "__main__":
    sys.exit(main())

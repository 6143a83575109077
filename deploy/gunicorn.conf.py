"""gunicorn for the dashboard behind nginx (deploy/nginx.conf): README, "Run it for a team".

    INDICATORS_DATA=$PWD/data gunicorn --config deploy/gunicorn.conf.py app:server

It listens on loopback only: nginx faces the network, buffers every request and response, and
so no slow client ever holds one of these threads. Workers share nothing but the published data
folder they read, so more machines (or more of these) behind one nginx upstream just work.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from pathlib import Path
from typing import Any

chdir = str(Path(__file__).resolve().parents[1])  # the repository, where app.py is
sys.path.insert(0, chdir)  # the package, for the hooks below (also when not installed)

from indicators.outputs import folders, render_client  # noqa: E402  (light: no plotly, no pandas)

bind = os.environ.get("INDICATORS_BIND", "127.0.0.1:8050")
workers = int(os.environ.get("INDICATORS_WORKERS", "2"))  # about 250 MB each, plus Chromium
worker_class = "gthread"
threads = 4
# A figure download may wait for Chromium to restart and draw again (the renderer's limit is
# 60 s); nginx's proxy_read_timeout is longer still.
timeout = 120
graceful_timeout = 30
# The same request line limit as nginx's large_client_header_buffers (8 kB).
limit_request_line = 8190
limit_request_field_size = 8190
limit_request_fields = 100
# Not needed here, and one fixed path per user: two instances on one machine would share it.
control_socket_disable = True
errorlog = "-"
loglevel = "info"
# The app's own warnings (refused requests, a Chromium restarted) go to the same log.
logconfig_dict: dict[str, Any] = {
    "root": {"level": "WARNING", "handlers": ["error_console"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["error_console"], "propagate": False}
    },
}
# Images are drawn by one render server per machine (one Chromium for every worker), which the
# first worker to need it starts and which stops after 10 minutes without a download.
os.environ.setdefault(render_client.SOCKET_ENV, str(render_client.default_socket()))
# glibc gives each thread its own heap arena; a worker's four threads then hold memory their
# siblings freed. Two arenas keep a worker's resident size near what it uses.
MALLOC_ARENAS = 2
M_ARENA_MAX = -8


def post_fork(server: Any, worker: Any) -> None:
    """Cap the worker's malloc arenas before its threads start."""
    libc = ctypes.util.find_library("c")
    if libc and sys.platform.startswith("linux"):
        ctypes.CDLL(libc).mallopt(M_ARENA_MAX, MALLOC_ARENAS)


def child_exit(server: Any, worker: Any) -> None:
    """Remove the folder of the worker's Chromium, however the worker ended (even killed)."""
    for folder in folders.remove_folders(worker.pid):
        server.log.info("removed %s of worker %s", folder, worker.pid)

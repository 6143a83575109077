"""Browser tests: the real app, served by dash[testing], driven in headless system Chromium."""

from __future__ import annotations

import os
import shutil
import socket

import pytest

from indicators.contract import store
from indicators.dashboard.state import STATE

os.environ.setdefault("DASH_TEST_CHROMEPATH", shutil.which("chromium") or "/usr/bin/chromium")


@pytest.fixture
def dash_app(published):
    """The dashboard app, reading the tables built from the real files."""
    STATE.set_tables(store.TableCache(published))
    import app

    return app.app


@pytest.fixture(scope="session", autouse=True)
def chromium_for_downloads():
    """Start the app's renderer before any test server: dash[testing] stops its threaded
    server by raising SystemExit in every thread started since, which would take the
    renderer's event-loop and pipe threads down with it (gunicorn workers do no such thing)."""
    from indicators.outputs import render

    renderer = render.renderer()
    renderer.render(render.Job({"data": [], "layout": {}}, "png", 10, 10, 1))
    yield renderer


def free_port() -> int:
    """A port nobody listens on, so that browser runs side by side do not collide on 8050."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(autouse=True)
def _free_port(request):
    """dash[testing] serves every test on port 8050 unless told otherwise: give each a free one."""
    if "dash_duo" not in request.fixturenames:
        return
    duo = request.getfixturevalue("dash_duo")
    start = duo.start_server

    def start_server(app, **kwargs):
        kwargs.setdefault("port", free_port())
        return start(app, **kwargs)

    duo.start_server = start_server

"""Browser tests: the real app, served by dash[testing], driven in headless system Chromium."""

from __future__ import annotations

import os
import shutil

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

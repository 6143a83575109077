"""Browser tests: the real app, served by dash[testing], driven in headless system Chromium."""

from __future__ import annotations

import os
import shutil

import pytest

from indicators import store
from indicators.dashboard.state import STATE

os.environ.setdefault("DASH_TEST_CHROMEPATH", shutil.which("chromium") or "/usr/bin/chromium")


@pytest.fixture
def dash_app(published):
    """The dashboard app, reading the tables built from the real files."""
    STATE.set_tables(store.TableCache(published))
    import app

    return app.app

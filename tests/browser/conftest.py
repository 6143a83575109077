"""Browser tests: the real app, served by dash[testing], driven in headless system Chromium."""

from __future__ import annotations

import os
import shutil

import pytest

from indicators import store, ui
from indicators.build import build
from indicators.fetch import fetch

os.environ.setdefault("DASH_TEST_CHROMEPATH", shutil.which("chromium") or "/usr/bin/chromium")


@pytest.fixture(scope="session")
def published(tmp_path_factory, mirror) -> store.DataDir:
    """The real files fetched from the mirror and built once for the browser session."""
    data = store.DataDir(tmp_path_factory.mktemp("browser-data"))
    fetch(data, from_dir=mirror, progress=lambda _: None)
    build(data, progress=lambda _: None)
    return data


@pytest.fixture
def dash_app(published):
    """The dashboard app, reading the tables built from the real files."""
    ui.set_tables(store.TableCache(published))
    import app

    return app.app

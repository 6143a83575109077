"""The app's Flask test client, reading the tables built from the real files."""

from __future__ import annotations

import pytest

from indicators.contract import store
from indicators.dashboard.state import STATE


@pytest.fixture(scope="module")
def http(published):
    import app

    before = STATE.tables()
    STATE.set_tables(store.TableCache(published))
    yield app.server.test_client()
    STATE.set_tables(before)

"""Former home of the dashboard's building blocks; they live in :mod:`indicators.dashboard`.

Kept so that code written against ``indicators.ui`` keeps working: tables, per-version values,
pages of panels and their callbacks.
"""

from __future__ import annotations

from typing import Any

from indicators import store
from indicators.dashboard import callbacks, panels
from indicators.dashboard.state import STATE

Panels = panels.Panels
page = panels.page
data_table = panels.html_table
caption_block = panels.caption_block
panel = panels.panel
register_panels = callbacks.register_panels
register_url_sync = callbacks.register_url_sync


def tables() -> store.TableCache:
    """The process's table cache."""
    return STATE.tables()


def set_tables(cache: store.TableCache | None) -> None:
    """Point the app at another data folder (tests, benchmarks)."""
    STATE.set_tables(cache)


def per_version(name: str, compute: Any) -> Any:
    """``compute(tables)`` once per published version."""
    return STATE.per_version(name, compute)

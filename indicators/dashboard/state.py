"""The process's state in one object: the published tables and what is computed from them."""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from plotly.utils import PlotlyJSONEncoder

from indicators import catalogue
from indicators.contract import store
from indicators.contract.lru import ByteLRU
from indicators.figures import Chart

# Image exports start a Chromium each; more at once than this and a process runs out of memory.
IMAGE_RENDERS = 2
IMAGE_WAIT_S = 20.0
MB = 2**20
# What each cache may hold, in (estimated) bytes: a worker holds about 220 MB of code, tables
# and their derived values, and must stay within 250 MB however many views it is asked for.
# Views and page layouts are kept as the JSON sent (a view about 13 kB, a page 50-120 kB); a
# chart about 50 kB; the per-version values (Overview cards, claims, Data & sources, What
# changed blocks) up to 0.7 MB each, asked for by everyone, so they get the largest share.
# INDICATORS_CACHE_MB scales them all (the default, 8 MB, measured: benchmarks/bench_dashboard.py
# --churn).
CACHE_SHARES = {"charts": 0.15, "views": 0.25, "pages": 0.2, "per_version": 0.4}
CACHE_MB = float(os.environ.get("INDICATORS_CACHE_MB", "8"))


T = TypeVar("T")


def pack(value: Any) -> bytes:
    """A value the browser is sent, as the JSON it will be sent as: a page's layout or a panel's
    view kept this way takes a sixth of the memory its Python objects would, in one block that
    is given back whole when dropped (thousands of small objects leave the heap fragmented)."""
    return json.dumps(value, cls=PlotlyJSONEncoder, separators=(",", ":")).encode()


def unpack(data: bytes) -> Any:
    """The JSON-ready value again (Dash sends dicts of components as it sends components)."""
    return json.loads(data)


def _freeze(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _frozen(params: dict[str, Any]) -> tuple[Any, ...] | None:
    """The values as a cache key, or None where one is unhashable."""
    frozen = tuple(sorted((k, _freeze(v)) for k, v in params.items()))
    try:
        hash(frozen)
    except TypeError:
        return None
    return frozen


class AppState:
    """Tables (reloaded when a build publishes), chart and per-version caches, render limits."""

    def __init__(self, tables: store.TableCache | None = None) -> None:
        self._tables = tables
        # pandas does not promise thread-safe reads of a shared frame (indexes build lazily), and
        # gunicorn threads share the cached tables: one chart render at a time per process.
        self._render_lock = threading.Lock()
        # Page layouts and per-version values are built one at a time per process: the GIL runs
        # one at a time anyway, and builds run side by side only pile up their garbage (a worker's
        # resident size keeps its highest point). Reentrant: a page may ask for a per-version value.
        self._build_lock = threading.RLock()
        self.images = threading.BoundedSemaphore(IMAGE_RENDERS)
        self.image_wait_s = IMAGE_WAIT_S
        budget = {name: int(CACHE_MB * MB * share) for name, share in CACHE_SHARES.items()}
        self.caches: dict[str, ByteLRU[Any]] = {name: ByteLRU(b) for name, b in budget.items()}

    def tables(self) -> store.TableCache:
        """The table cache (the default data folder unless told otherwise)."""
        if self._tables is None:
            self._tables = store.TableCache(store.default_data_dir())
        return self._tables

    def set_tables(self, cache: store.TableCache | None) -> None:
        """Point the app at another data folder (tests, benchmarks); drops every cache."""
        self._tables = cache
        self.clear()

    def clear(self) -> None:
        """Forget every cached chart and per-version value."""
        for cache in self.caches.values():
            cache.clear()

    def cached_bytes(self) -> int:
        """What the caches hold, in estimated bytes."""
        return sum(cache.bytes for cache in self.caches.values())

    def _render(self, version: str | None, chart_id: str, frozen: tuple[Any, ...]) -> Chart:
        params = {k: list(v) if isinstance(v, tuple) else v for k, v in frozen}
        with self._render_lock:
            return catalogue.render(chart_id, self.tables(), params, strict=False)

    def _chart(self, version: str | None, chart_id: str, frozen: tuple[Any, ...]) -> Chart:
        key = (version, chart_id, frozen)
        made: Chart = self.caches["charts"].get(
            key, lambda: self._render(version, chart_id, frozen)
        )
        return made

    def chart(self, chart_id: str, params: dict[str, Any]) -> Chart:
        """A chart for these (already resolved) values, rendered once per published version.

        Callers must not mutate the returned chart (they copy the figure before changing it).
        """
        frozen = _frozen(params)
        if frozen is None:  # a value of a shape no control produces: render without the cache
            with self._render_lock:
                return catalogue.render(chart_id, self.tables(), params, strict=False)
        return self._chart(self.tables().version, chart_id, frozen)

    def chart_view(
        self, chart_id: str, params: dict[str, Any], make: Callable[..., T], *args: Hashable
    ) -> T:
        """``make(chart, *args)`` for the chart of these values, once per published version:
        what a page shows of a chart (figure as a JSON-ready dict, caption, title, table) costs
        more to derive than the cached chart does to look up. It comes back as the JSON the
        browser receives (components as their dicts). Raises as ``chart`` does.
        """
        frozen = _frozen(params)
        if frozen is None:
            return make(self.chart(chart_id, params), *args)
        version = self.tables().version
        key = (version, chart_id, frozen, make, args)
        packed = self.caches["views"].get(
            key, lambda: pack(make(self._chart(version, chart_id, frozen), *args))
        )
        view: T = unpack(packed)
        return view

    def page(self, name: str, query: dict[str, Any], build: Callable[[dict[str, Any]], Any]) -> Any:
        """``build(query)``, a page's layout for a link, once per published version and link:
        the same links are followed again and again (the navigation bar's, the Overview's). It
        comes back as the JSON the browser receives (components as their dicts).
        Callers must not mutate it."""
        frozen = _frozen(query)
        if frozen is None:
            return self._built(build, query)
        key = (self.tables().version, name, frozen)
        return unpack(self.caches["pages"].get(key, lambda: pack(self._built(build, query))))

    def _built(self, make: Callable[..., T], *args: Any) -> T:
        with self._build_lock:
            return make(*args)

    def per_version(self, name: str, compute: Callable[[Any], Any]) -> Any:
        """``compute(tables)`` once per published version (overview cards, claims views)."""
        return self.caches["per_version"].get(
            (self.tables().version, name), lambda: self._built(compute, self.tables())
        )

    def memo(self, name: str, key: Hashable, make: Callable[[], T]) -> T:
        """``make()`` once per published version and key, within the byte budget (the What
        changed page's summaries and tables)."""
        key = (self.tables().version, name, key)
        value: T = self.caches["per_version"].get(key, lambda: self._built(make))
        return value


STATE = AppState()

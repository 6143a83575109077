"""The process's state in one object: the published tables and what is computed from them."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from indicators import catalogue
from indicators.contract import store
from indicators.figures import Chart

# Image exports start a Chromium each; more at once than this and a process runs out of memory.
IMAGE_RENDERS = 2
IMAGE_WAIT_S = 20.0


T = TypeVar("T")


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
        self.images = threading.BoundedSemaphore(IMAGE_RENDERS)
        self.image_wait_s = IMAGE_WAIT_S
        self._versioned: dict[str, Callable[[Any], Any]] = {}
        self._chart = functools.lru_cache(maxsize=512)(self._render)
        self._view = functools.lru_cache(maxsize=512)(self._make_view)
        self._by_version = functools.lru_cache(maxsize=64)(self._compute)
        self._builders: dict[str, Callable[[dict[str, Any]], Any]] = {}
        # A chart page's layout is about 0.4 MB: a few dozen links' worth stay within budget.
        self._pages = functools.lru_cache(maxsize=32)(self._make_page)
        self._block_builders: dict[str, Callable[[Any], Any]] = {}
        self._blocks = functools.lru_cache(maxsize=128)(self._make_block)

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
        self._chart.cache_clear()
        self._view.cache_clear()
        self._by_version.cache_clear()
        self._pages.cache_clear()
        self._blocks.cache_clear()

    def _render(self, version: str | None, chart_id: str, frozen: tuple[Any, ...]) -> Chart:
        params = {k: list(v) if isinstance(v, tuple) else v for k, v in frozen}
        with self._render_lock:
            return catalogue.render(chart_id, self.tables(), params, strict=False)

    def chart(self, chart_id: str, params: dict[str, Any]) -> Chart:
        """A chart for these (already resolved) values, rendered once per published version.

        Callers must not mutate the returned chart (they copy the figure before changing it).
        """
        frozen = _frozen(params)
        if frozen is None:  # a value of a shape no control produces: render without the cache
            with self._render_lock:
                return catalogue.render(chart_id, self.tables(), params, strict=False)
        return self._chart(self.tables().version, chart_id, frozen)

    def _make_view(
        self,
        version: str | None,
        chart_id: str,
        frozen: tuple[Any, ...],
        make: Callable[..., Any],
        args: tuple[Hashable, ...],
    ) -> Any:
        return make(self._chart(version, chart_id, frozen), *args)

    def chart_view(
        self, chart_id: str, params: dict[str, Any], make: Callable[..., T], *args: Hashable
    ) -> T:
        """``make(chart, *args)`` for the chart of these values, once per published version:
        what a page shows of a chart (figure as a JSON-ready dict, caption, title, table) costs
        more to derive than the cached chart does to look up. Raises as ``chart`` does; callers
        must not mutate what it returns.
        """
        frozen = _frozen(params)
        if frozen is None:
            return make(self.chart(chart_id, params), *args)
        version = self.tables().version
        return self._view(version, chart_id, frozen, make, args)  # type: ignore[no-any-return]

    def _make_page(self, version: str | None, name: str, frozen: tuple[Any, ...]) -> Any:
        return self._builders[name]({k: list(v) if isinstance(v, tuple) else v for k, v in frozen})

    def page(self, name: str, query: dict[str, Any], build: Callable[[dict[str, Any]], Any]) -> Any:
        """``build(query)``, a page's layout for a link, once per published version and link:
        the same links are followed again and again (the navigation bar's, the Overview's).
        Callers must not mutate it."""
        self._builders[name] = build
        frozen = _frozen(query)
        if frozen is None:
            return build(query)
        return self._pages(self.tables().version, name, frozen)

    def _make_block(self, version: str | None, name: str, key: Hashable) -> Any:
        return self._block_builders[name](key)

    def block(self, name: str, key: Hashable, build: Callable[[Any], T]) -> T:
        """``build(key)``, a part of a bespoke page for one view (What changed's summary for a
        choice of source and editions), once per published version, name and key. Callers
        must not mutate it."""
        self._block_builders[name] = build
        return self._blocks(self.tables().version, name, key)  # type: ignore[no-any-return]

    def _compute(self, version: str | None, name: str) -> Any:
        return self._versioned[name](self.tables())

    def per_version(self, name: str, compute: Callable[[Any], Any]) -> Any:
        """``compute(tables)`` once per published version (overview cards, claims views)."""
        self._versioned[name] = compute
        return self._by_version(self.tables().version, name)


STATE = AppState()

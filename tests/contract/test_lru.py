"""The byte-bounded caches: least recently used dropped first, sizes estimated from content,
and the app's caches within their budget however many views are asked for."""

from __future__ import annotations

import random
import sys

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from indicators import catalogue
from indicators.catalogue import charts
from indicators.contract import lru as cache
from indicators.dashboard import state


def test_the_least_recently_used_go_first_once_the_bytes_exceed_the_budget():
    # 1 kB a byte of value, so that the keys' own few dozen bytes hardly count
    lru: cache.ByteLRU[bytes] = cache.ByteLRU(max_bytes=10_000, size=lambda v: 1000 * len(v))
    made = []

    def make(value: bytes):
        def inner() -> bytes:
            made.append(value)
            return value

        return inner

    assert lru.get("a", make(b"aaaa")) == b"aaaa"
    lru.get("b", make(b"bbbb"))
    assert lru.get("a", make(b"zzzz")) == b"aaaa"  # a hit: "a" is now the most recent
    lru.get("c", make(b"cccc"))  # over 12 kB: "b", the least recently used, goes
    assert len(lru) == 2 and 8_000 < lru.bytes <= 10_000
    lru.get("b", make(b"bbbb"))
    assert made == [b"aaaa", b"bbbb", b"cccc", b"bbbb"]
    assert lru.get("huge", make(b"x" * 11)) == b"x" * 11  # larger than the budget: not kept
    assert "huge" not in lru._items and lru.bytes <= 10_000
    # a stored value that no longer holds is made again
    assert lru.get("b", make(b"BBBB"), fresh=lambda v: v != b"bbbb") == b"BBBB"


def test_keys_count_too_so_many_small_values_stay_bounded():
    lru: cache.ByteLRU[bool] = cache.ByteLRU(max_bytes=50_000, size=lambda v: 0)
    for i in range(10_000):
        lru.get(("draws", "chart", f"view {i}" * 5), lambda: True)
    assert lru.bytes <= 50_000 and len(lru) < 1000


def test_sizes_count_buffers_once_and_not_what_values_share():
    frame = pd.DataFrame({"x": np.arange(100_000, dtype="float64")})
    assert 800_000 <= cache.sizeof(frame) < 900_000
    assert cache.sizeof([frame, frame]) < cache.sizeof(frame) + 1000  # the same frame once
    text = "w" * 10_000
    assert cache.sizeof({"a": text, "b": text}) < 2 * sys.getsizeof(text)
    small, big = go.Figure(go.Scatter(y=[1])), go.Figure(go.Scatter(y=list(range(50_000))))
    assert cache.sizeof(small) < 100_000  # plotly's validators (MBs) are shared, not counted
    assert cache.sizeof(big) > 50_000 * 8
    assert cache.sizeof(cache.sizeof) == 0  # functions are shared


def test_the_app_caches_stay_within_their_budget_under_view_churn(tables):
    app_state = state.AppState(tables)
    total = sum(c.max_bytes for c in app_state.caches.values())
    assert abs(total - state.CACHE_MB * state.MB) < 16  # the shares add up to the budget
    for lru in app_state.caches.values():  # a few charts' worth, so a short churn fills them
        lru.max_bytes = 200_000
    rng = random.Random(7)
    spec = catalogue.chart("internet_compare")
    options = {p.name: p.options(tables) for p in spec.params if p.kind == "multi"}
    for _ in range(24):
        params = charts.resolve(spec, tables, {}, strict=False)
        params.update({k: rng.sample(v, 3) for k, v in options.items()})
        chart = app_state.chart("internet_compare", params)
        app_state.chart_view("internet_compare", params, lambda c: c.figure.to_dict())
        assert chart.figure is not None
    for name, lru in app_state.caches.items():
        assert lru.bytes <= lru.max_bytes, name
    assert 0 < len(app_state.caches["charts"]) < 24  # some were dropped, some kept
    assert app_state.caches["charts"].misses == 24

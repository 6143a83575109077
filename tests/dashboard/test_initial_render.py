"""A chart page arrives drawn: each panel's layout holds its figure, title, caption or table for
the link's values, so the render callbacks wait for a control to change instead of firing."""

from __future__ import annotations

import json
from typing import Any

import pytest

from indicators.contract import store
from indicators.dashboard import panels
from indicators.dashboard.state import STATE
from indicators.topics import internet
from tests.helpers import prop, text_of


@pytest.fixture
def tables(published):
    before = STATE.tables()
    STATE.set_tables(store.TableCache(published))
    yield STATE.tables()
    STATE.set_tables(before)


def by_id(component: Any) -> dict[str, Any]:
    """Every component under ``component`` that has a string id (as objects or as the dicts a
    cached page holds)."""
    found = {}
    stack = [component]
    while stack:
        c = stack.pop()
        if isinstance(prop(c, "id"), str):
            found[prop(c, "id")] = c
        children = prop(c, "children")
        if children is not None and not isinstance(children, str):
            stack.extend(children if isinstance(children, list) else [children])
    return found


def text(component: Any) -> str:
    """The text of a component tree."""
    return text_of(component)


def test_panels_arrive_with_the_links_view_drawn(tables):
    query = {"internet-map.year": "2021", "internet-compare.view": "table"}
    ids = by_id(panels.topic_page(internet.TOPIC, query))
    assert "Individuals using the Internet, 2021" in text(ids["internet-map-title"])
    assert ids["internet-map-graph"].figure["data"][0]["type"] == "choropleth"
    assert ids["internet-map-graph"].style != {"display": "none"}
    assert "Source:" in text(ids["internet-map-caption"])
    assert not ids["internet-map-empty"].children
    # The compare panel shows its table, its graph hidden, as the link asks.
    assert ids["internet-compare-graph"].style == {"display": "none"}
    assert ids["internet-compare-table"].style == {}
    assert ids["internet-compare-table"].children
    for prefix, _ in internet.TOPIC.panels:
        assert ids[f"{prefix}-title"].children, prefix


def test_render_callbacks_do_not_fire_on_load(tables):
    import app

    deps = json.loads(app.app.server.test_client().get("/_dash-dependencies").data)
    renders = [d for d in deps if "-graph.figure." in d["output"]]
    assert len(renders) >= len(internet.TOPIC.panels)
    assert all(d["prevent_initial_call"] for d in renders), [d["output"][:40] for d in renders]

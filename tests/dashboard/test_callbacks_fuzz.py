"""Crafted requests to every callback of the real app: a default view or a 4xx, never a 500.

Each callback in the app's callback map is posted the request the page would send, then
variants the page never sends: wrong types, missing and extra values, 5,000 ids, a scalar where
a list belongs, a list where a scalar belongs, and broken request bodies.
"""

from __future__ import annotations

import copy
import json
import logging
from typing import Any

import dash
import pytest

from indicators.dashboard.state import STATE

UPDATE = "/_dash-update-component"


@pytest.fixture(scope="module")
def client(published):
    import app

    before = STATE.tables()
    from indicators.contract import store

    STATE.set_tables(store.TableCache(published))
    # Pages register their callbacks when imported: load every layout once.
    yield app.app, app.server.test_client()
    STATE.set_tables(before)


def parse_id(text: str) -> Any:
    return json.loads(text) if text.startswith("{") else text


def dependency(dep: dict[str, str], value: Any) -> dict[str, Any]:
    ident = parse_id(dep["id"])
    if isinstance(ident, dict) and any(v == ["ALL"] or v == "ALL" for v in ident.values()):
        concrete = {k: ("x" if v in (["ALL"], "ALL") else v) for k, v in ident.items()}
        return [{"id": concrete, "property": dep["property"], "value": value}]  # type: ignore[return-value]
    return {"id": ident, "property": dep["property"], "value": value}


def body(key: str, callback: dict[str, Any], value: Any) -> dict[str, Any]:
    raw = callback["output"] if isinstance(callback["output"], list) else [callback["output"]]
    outputs = [{"id": o.component_id, "property": o.component_property} for o in raw]
    return {
        "output": key,
        "outputs": outputs if len(outputs) > 1 else outputs[0],
        "inputs": [dependency(d, value) for d in callback["inputs"]],
        "state": [dependency(d, value) for d in callback["state"]],
        # The last input: for downloads the CSV button (images start a Chromium each; the
        # browser tests click those).
        "changedPropIds": [f"{d['id']}.{d['property']}" for d in callback["inputs"]][-1:],
    }


VALUES: list[Any] = [
    None,
    "chart",
    7,
    -1.5,
    True,
    {"a": 1},
    ["WLD", "LDC"],
    ["x"] * 5000,
    [{"nested": [1, 2]}],
    '=HYPERLINK("http://example.com")',
    "a" * 20000,
]


def variants(key: str, callback: dict[str, Any]) -> list[Any]:
    out: list[Any] = [body(key, callback, v) for v in VALUES]
    base = body(key, callback, "chart")
    missing = copy.deepcopy(base)
    missing["inputs"] = missing["inputs"][:-1]
    extra = copy.deepcopy(base)
    extra["inputs"].append({"id": "nope", "property": "value", "value": 1})
    extra["state"].append({"id": "nope", "property": "value", "value": 1})
    no_state = {k: v for k, v in base.items() if k != "state"}
    scalar_inputs = {**base, "inputs": "WLD"}
    return [
        *out,
        missing,
        extra,
        no_state,
        scalar_inputs,
        {**base, "output": "no-such-output.children"},
        {**base, "outputs": None},
        {"output": key},
        [],
        "not json at all",
        None,
    ]


def test_every_callback_survives_crafted_requests(client, caplog):
    dash_app, http = client
    # Visit every page once so that each page's callbacks are registered and its layout built.
    for path in ("/", "/internet", "/gender", "/affordability", "/bandwidth", "/report", "/data"):
        assert http.get(path).status_code == 200
    callbacks = {k: v for k, v in dash_app.callback_map.items() if not v.get("clientside_function")}
    assert len(callbacks) >= 12
    statuses: dict[int, int] = {}
    caplog.set_level(logging.ERROR)
    for key, callback in callbacks.items():
        for request in variants(key, callback):
            if isinstance(request, str):
                response = http.post(UPDATE, data=request, content_type="application/json")
            else:
                response = http.post(UPDATE, json=request)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            assert response.status_code < 500, (key, str(request)[:300], response.data[:300])
            assert b"Traceback" not in response.data
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text[:2000]
    assert statuses.get(200, 0) > 0  # the well-formed requests were answered


def test_render_with_crafted_values_gives_the_default_view_and_says_so(client):
    from indicators.dashboard import panels

    ids = [{"type": "param", "panel": "p", "param": "entities"}]
    out = panels.render_panel("internet_compare", [["x"] * 5000], "chart", ids)
    assert "World" in str(out[6])  # the title of the default view
    assert "5000 values" in str(out[7])
    scalar = panels.render_panel("internet_compare", "WLD", None, ids)
    assert "default view" in str(scalar[7])
    wrong = panels.render_panel("internet_map", [{"a": 1}], 3, [{"param": "year"}])
    assert "2024" in str(wrong[6])


def test_image_downloads_are_bounded_and_say_when_busy(client):
    from indicators.dashboard import callbacks

    taken = []
    wait, STATE.image_wait_s = STATE.image_wait_s, 0.05
    try:
        while STATE.images.acquire(blocking=False):
            taken.append(1)
        assert taken  # the limit is a number of concurrent renders, not unlimited
        sent, status = callbacks.download_panel("bandwidth_regions", "png", [], [])
        assert sent is dash.no_update and "busy" in status
    finally:
        for _ in taken:
            STATE.images.release()
        STATE.image_wait_s = wait

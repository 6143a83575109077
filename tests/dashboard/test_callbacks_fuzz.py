"""Crafted requests to every callback of the real app: a default view or a 4xx, never a 500.

Each callback in the app's callback map is posted the request the page would send, then
variants the page never sends: wrong types, missing and extra values, 5,000 ids, a scalar where
a list belongs, a list where a scalar belongs, and broken request bodies; then the hostile
classes found by probing a running server: malformed ``changedPropIds`` entries, lone
surrogates, JSON nested deeper than any page sends, lists and objects inside ids, addresses
that are not URLs, and bodies over the size limit.
"""

from __future__ import annotations

import copy
import json
import logging
from types import SimpleNamespace
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


def wildcard(value: Any) -> bool:
    """ALL, MATCH or ALLSMALLER, as callback_map spells them (or as a Wildcard object)."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    return not isinstance(value, str | int | float) or value in ("ALL", "MATCH", "ALLSMALLER")


def dependency(dep: dict[str, str], value: Any) -> dict[str, Any]:
    ident = parse_id(dep["id"])
    if isinstance(ident, dict) and any(wildcard(v) for v in ident.values()):
        concrete = {k: ("x" if wildcard(v) else v) for k, v in ident.items()}
        item = {"id": concrete, "property": dep["property"], "value": value}
        every = any(v in (["ALL"], "ALL") for v in ident.values())
        return [item] if every else item  # type: ignore[return-value]
    return {"id": ident, "property": dep["property"], "value": value}


def output_id(ident: Any) -> Any:
    """An output's id as the page sends it (a pattern's wildcards made concrete)."""
    if isinstance(ident, dict):
        return {k: ("x" if wildcard(v) else v) for k, v in ident.items()}
    return ident


def body(key: str, callback: dict[str, Any], value: Any) -> dict[str, Any]:
    raw = callback["output"] if isinstance(callback["output"], list) else [callback["output"]]
    outputs = [{"id": output_id(o.component_id), "property": o.component_property} for o in raw]
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


# Hostile classes: each was a 500 on a running server, or could be. They are sent on top of
# the request the page itself would send (its components' current values), one entry at a time,
# so that every other value is valid and the hostile one reaches the code that reads it.

SURROGATE = "\ud800"  # a lone surrogate: valid JSON, not valid Unicode
BAD_URLS = ["http://[::1", "http://[::1]:99999/", "//[", "http://%zz/", "javascript:alert(1)"]
BAD_TRIGGERS = [
    "{x.n_clicks",  # a brace that is not JSON
    "{}.n_clicks",
    '{"type":"nope"}.value',
    '{"type":["x"],"panel":{"a":1}}.value',
    "nodot",
    "",
    ".value",
    "x" * 10000 + ".value",
]


def components(dash_app: Any) -> list[Any]:
    """Every component with an id, in the app's layout and every page's layout (a cached page
    comes as the JSON the browser receives)."""
    from dash.development.base_component import Component

    found: list[Any] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict) and isinstance(node.get("props"), dict):
            node = SimpleNamespace(**node["props"])  # a component as the browser receives it
        if isinstance(node, Component | SimpleNamespace):
            if getattr(node, "id", None) is not None:
                found.append(node)
            walk(getattr(node, "children", None))
        elif isinstance(node, list | tuple):
            for child in node:
                walk(child)

    walk(dash_app.layout)
    for page in dash.page_registry.values():
        walk(page["layout"]() if callable(page["layout"]) else page["layout"])
    return found


def matches(pattern: Any, ident: Any) -> bool:
    if not isinstance(pattern, dict):
        return pattern == ident
    if not isinstance(ident, dict) or set(ident) != set(pattern):
        return False
    return all(wildcard(v) or ident[k] == v for k, v in pattern.items())


def page_entry(dep: dict[str, str], found: list[Any]) -> Any:
    """An input or state entry as the page sends it: the components' current values."""
    pattern, prop = parse_id(dep["id"]), dep["property"]
    hits = [c for c in found if matches(pattern, c.id)]
    entries = [
        {"id": c.id, "property": prop, "value": c.id if prop == "id" else getattr(c, prop, None)}
        for c in hits
    ]
    wildcard = isinstance(pattern, dict) and any(v in (["ALL"], "ALL") for v in pattern.values())
    if wildcard:
        return entries
    return entries[0] if entries else {"id": pattern, "property": prop, "value": None}


def matched(deps: list[dict[str, str]], found: list[Any]) -> dict[str, Any]:
    """For a MATCH callback, the values its wildcards take on the page (those of the first
    component that matches its first MATCH input), so every entry names the same panel."""
    for dep in deps:
        pattern = parse_id(dep["id"])
        if isinstance(pattern, dict) and any(v in (["MATCH"], "MATCH") for v in pattern.values()):
            hit = next((c for c in found if matches(pattern, c.id)), None)
            if hit is not None:
                return {k: hit.id[k] for k, v in pattern.items() if v in (["MATCH"], "MATCH")}
    return {}


def settle(ident: Any, fixed: dict[str, Any]) -> Any:
    """An id with its MATCH wildcards set to the page's values."""
    if not isinstance(ident, dict):
        return ident
    return {k: fixed.get(k, v) if wildcard(v) and k in fixed else v for k, v in ident.items()}


def page_body(key: str, callback: dict[str, Any], found: list[Any]) -> dict[str, Any]:
    """The request the page would send, one input named as the one that changed (a download's
    CSV button: images start a Chromium each, and the browser tests click those)."""
    made = body(key, callback, None)
    fixed = matched([*callback["inputs"], *callback["state"]], found)
    if fixed:
        outs = made["outputs"] if isinstance(made["outputs"], list) else [made["outputs"]]
        raw = callback["output"] if isinstance(callback["output"], list) else [callback["output"]]
        for out, o in zip(outs, raw, strict=True):
            out["id"] = settle(o.component_id, fixed)
        deps = [
            {**d, "id": json.dumps(settle(parse_id(d["id"]), fixed))} for d in callback["inputs"]
        ]
        state = [
            {**d, "id": json.dumps(settle(parse_id(d["id"]), fixed))} for d in callback["state"]
        ]
        made["inputs"] = [page_entry(d, found) for d in deps]
        made["state"] = [page_entry(d, found) for d in state]
        made["changedPropIds"] = [f"{id_text(made['inputs'][0]['id'])}.{deps[0]['property']}"]
        return made
    made["inputs"] = [page_entry(d, found) for d in callback["inputs"]]
    made["state"] = [page_entry(d, found) for d in callback["state"]]
    plain = [d for d in callback["inputs"] if "ALL" not in d["id"]]
    named = [d for d in plain if d["id"].endswith("-csv")] or plain[-1:]
    made["changedPropIds"] = [f"{d['id']}.{d['property']}" for d in named]
    if not plain and made["inputs"] and made["inputs"][0]:  # a wildcard: its first entry clicked
        first = made["inputs"][0][0]
        first["value"] = 1
        made["changedPropIds"] = [f"{id_text(first['id'])}.{first['property']}"]
    return made


def id_text(ident: Any) -> str:
    """An id as the page writes it in ``changedPropIds`` (dicts as JSON with sorted keys)."""
    if isinstance(ident, dict):
        return json.dumps(ident, sort_keys=True, separators=(",", ":"))
    return str(ident)


def each_value(made: dict[str, Any], value: Any, only_text: bool = False) -> list[dict[str, Any]]:
    """Copies of a request with one input or state value replaced by ``value`` (``only_text``:
    only values the page sends as text)."""
    out = []
    for group in ("inputs", "state"):
        for i, entry in enumerate(made[group]):
            for j in range(len(entry) if isinstance(entry, list) else 1):
                changed = copy.deepcopy(made)
                target = changed[group][i]
                item = target[j] if isinstance(target, list) else target
                if only_text and not isinstance(item["value"], str | None):
                    continue
                item["value"] = value
                out.append(changed)
    return out


def replace_ids(entry: Any, make: Any) -> Any:
    """An input or state entry with every id (and each wildcard entry's id) replaced."""
    if isinstance(entry, list):
        return [replace_ids(e, make) for e in entry]
    return {**entry, "id": make(entry["id"])}


def listy(ident: Any) -> Any:
    if isinstance(ident, dict):
        return {k: [v] for k, v in ident.items()}
    return [ident]


def nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


def hostile(key: str, callback: dict[str, Any], found: list[Any]) -> list[tuple[str, Any]]:
    """(class, request): dicts are posted as JSON, strings as they are."""
    base = page_body(key, callback, found)
    out: list[tuple[str, Any]] = []
    out += [("changedPropIds", {**base, "changedPropIds": [t]}) for t in BAD_TRIGGERS]
    out.append(("changedPropIds", {**base, "changedPropIds": [["a"], {"b": 1}]}))
    for dep in callback["inputs"]:  # each input named with its brace broken
        broken = "{" + dep["id"] + "." + dep["property"]
        out.append(("changedPropIds", {**base, "changedPropIds": [broken]}))
    for value in (SURROGATE, [SURROGATE, "WLD"], {"a" + SURROGATE: 1}, "Mol" + SURROGATE):
        out += [("surrogate", made) for made in each_value(base, value)]
    out.append(("surrogate", {**base, "changedPropIds": [SURROGATE + ".value"]}))
    out += [("depth", made) for made in each_value(base, nested(40))[:3]]
    out.append(("depth", "[" * 100_000 + "]" * 100_000))
    out.append(("depth", '{"output": ' + "[" * 100_000 + "]" * 100_000 + "}"))
    for make in (listy, lambda _: {"a": {"b": {"c": 1}}}, lambda _: None, lambda _: 7):
        ids = {g: [replace_ids(e, make) for e in base[g]] for g in ("inputs", "state")}
        out.append(("ids", {**base, **ids}))
    for i, entry in enumerate(base["inputs"]):  # one wildcard entry's id holding a list, clicked
        if isinstance(entry, list) and entry:
            bad = copy.deepcopy(base)
            first = bad["inputs"][i][0]
            first["id"], first["value"] = listy(entry[0]["id"]), 1
            bad["changedPropIds"] = [f"{id_text(first['id'])}.{first['property']}"]
            out.append(("ids", bad))
    for url in BAD_URLS:
        out += [("url", made) for made in each_value(base, url, only_text=True)]
    out.append(
        ("size", {**base, "inputs": [{"id": "x", "property": "value", "value": "a" * 2_000_000}]})
    )
    return out


def callbacks_of(dash_app: Any) -> dict[str, Any]:
    """The callbacks that run on the server."""
    return {k: v for k, v in dash_app.callback_map.items() if callable(v.get("callback"))}


HOSTILE = ["page", "changedPropIds", "surrogate", "depth", "ids", "url", "size"]


@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_requests_get_a_4xx_or_an_answer_never_a_500(client, caplog, kind):
    dash_app, http = client
    for path in ("/", "/internet", "/gender", "/affordability", "/bandwidth", "/report", "/data"):
        assert http.get(path).status_code == 200
    found = components(dash_app)
    caplog.set_level(logging.ERROR)
    statuses: dict[int, int] = {}
    for key, callback in callbacks_of(dash_app).items():
        requests = [("page", page_body(key, callback, found))]
        for name, request in [*requests, *hostile(key, callback, found)]:
            if name != kind:
                continue
            if isinstance(request, str):
                response = raw_post(http, request)
            else:
                response = http.post(UPDATE, json=request)
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            assert response.status_code < 500, (key, str(request)[:300], response.data[:300])
            assert b"Traceback" not in response.data
            if response.status_code == 200:
                json.loads(response.data)  # an answer the page can read
    assert statuses
    if kind == "page":  # the page's own requests are answered, not refused
        assert set(statuses) <= {200, 204}, statuses
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text[:2000]


def raw_post(http: Any, text: str) -> Any:
    return http.post(UPDATE, data=text.encode(), content_type="application/json")


def test_a_body_over_the_limit_is_refused_with_413(client):
    _, http = client
    huge = json.dumps({"output": "x", "inputs": ["a" * 2_000_000]})
    response = raw_post(http, huge)
    assert response.status_code == 413
    assert b"Traceback" not in response.data


def test_values_longer_than_any_control_sends_are_refused_not_rendered(client):
    dash_app, http = client
    key = next(k for k in dash_app.callback_map if "internet-compare-graph.figure" in k)
    request = page_body(key, dash_app.callback_map[key], components(dash_app))
    entities = [
        entry
        for entry in request["inputs"]
        if isinstance(entry, dict)
        and isinstance(entry.get("id"), dict)
        and entry["id"].get("param") == "entities"
    ]
    assert len(entities) == 1
    entities[0]["value"] = ["WLD"] * 5000
    response = http.post(UPDATE, json=request)
    assert response.status_code == 400
    assert b"too many" in response.data


def test_the_trigger_helper_refuses_a_malformed_id_with_400(client):
    import werkzeug.exceptions
    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    from indicators.dashboard import guard

    dash_app, _ = client
    with dash_app.server.test_request_context(UPDATE, method="POST"):
        for prop_id in ("{x.n_clicks", '{"table":["a"],"fmt":"csv"}.n_clicks'):
            triggered = [{"prop_id": prop_id, "value": 1}]
            token = context_value.set(AttributeDict(triggered_inputs=triggered))
            try:
                with pytest.raises(werkzeug.exceptions.BadRequest):
                    guard.triggered_id()
            finally:
                context_value.reset(token)
        good = [{"prop_id": '{"fmt":"csv","table":"a"}.n_clicks', "value": 1}]
        token = context_value.set(AttributeDict(triggered_inputs=good))
        try:
            assert guard.triggered_id() == {"fmt": "csv", "table": "a"}
        finally:
            context_value.reset(token)

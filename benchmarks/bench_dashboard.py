"""Measure the dashboard: cold start, callback latency, load under gunicorn, worker memory.

Builds a fresh data folder from the mirror of the publishers' files, then:

1. cold start (median of 3; target <= 1 s for each): ``import app`` plus loading every
   published table in a fresh interpreter (what a worker does before it can draw a chart), and
   a freshly launched gunicorn (one worker) until it first answers ``GET /`` (polled every
   50 ms; this includes the interpreter's own start-up);
2. server-side latency, through Flask's test client, of every page (index GET, the
   page-content callback that runs its ``layout``) and of every chart panel's render
   callback with each parameter varied through its choices (target p95 <= 150 ms), beside a
   trivial one-callback Dash app measured the same way (the floor);
3. load: the app under gunicorn (2 workers x 4 threads) on loopback, 20 keep-alive clients
   looping over page visits (page GET, ``_dash-layout``, page content, every panel's render)
   then the trivial app under the same settings; target: no errors, and the render callbacks'
   p95 at most 8x the trivial app's callback p95 under the same load (the floor);
4. resident memory of each gunicorn worker after the load (target <= 250 MB);
5. ``--proxy``: the README's team set-up (``tests/deploy/team.py`` starts its commands: nginx in
   front of gunicorn with ``deploy/``'s configuration), 20 clients for 60 s through nginx, then
   the trivial app behind the same nginx set-up; target: no errors, render callbacks' p95 at
   most 8x the trivial app's callback p95 measured in the same run; then the memory of the
   workers and of the machine's render server and its Chromium;
6. ``--churn``: view churn on the team set-up: every request a view not asked for before (a
   panel's render, a link's page, one in 20 a PNG download), the resident memory of each
   worker (target <= 250 MB) and of the render server and its Chromium sampled as it goes.

Pages and panels are discovered from ``dash.page_registry`` and each page module's ``PANELS``,
so new pages are covered without editing this file. It prints tables and asserts nothing.

Sections 5 and 6 run instead of 1-4 when asked for.

Usage: python benchmarks/bench_dashboard.py [MIRROR_DIR | --data-dir DIR] [--seconds 60]
       [--clients 20] [--quick] [--proxy] [--churn [--churn-seconds 120] [--workers 2]]
"""

from __future__ import annotations

import argparse
import http.client
import importlib
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import server

REPO = server.REPO
HOST = server.HOST
UPDATE = "/_dash-update-component"
JSON_HEADERS = {"Content-Type": "application/json"}
WORKERS, THREADS = 2, 4
APP_SPEC = server.APP_SPEC
FLOOR_SPEC = "bench_dashboard:floor_server()"
MIN_REQUESTS = 40  # render requests per panel
VALUES_PER_PARAM = 4
PAGE_REPEATS = 10
FLOOR_REQUESTS = 200
VISITS_PER_PAGE = 8  # parameter sets per page in the load mix
WARMUP_SECONDS = 3.0
TARGET_COLD_S = 1.0
TARGET_CALLBACK_P95_MS = 150.0
TARGET_RENDER_VS_FLOOR = 8.0  # render callbacks' p95 under load over the floor's callback p95
TARGET_RSS_MB = 250.0
DOWNLOAD_EVERY = 20  # in the churn, one request in this many is a PNG download
PAGE_EVERY = 9  # and one in this many any page's content (the others: chart pages' panels)
CHURN_CLIENTS = 4
SAMPLE_EVERY_S = 10.0

COLD_START = """
import time
started = time.perf_counter()
import app
from indicators.contract import store
from indicators.dashboard.state import STATE
cache = STATE.tables()
for name in store.published_tables(cache.data):
    cache.get(name)
print(time.perf_counter() - started)
"""

Memory = list[tuple[str, float, float]]


@dataclass(frozen=True)
class Request:
    """One HTTP request of the benchmark, ready to send; `prefix` names a panel's render."""

    kind: str
    label: str
    method: str
    path: str
    body: bytes | None = None
    prefix: str = ""


@dataclass(frozen=True)
class Sample:
    """The outcome of one request."""

    request: Request
    ms: float
    error: str = ""  # empty when the response was a success
    empty: bool = False


@dataclass(frozen=True)
class Stats:
    """What a table row says about a group of samples."""

    n: int
    errors: int
    empty: int
    p50: float
    p95: float
    max: float
    p95_drawn: float  # p95 of the responses that drew a chart (not the empty state)


@dataclass(frozen=True)
class Page:
    """A registered page and its chart panels, as (prefix, chart id) pairs."""

    path: str
    panels: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class LoadRun:
    """Samples of a load run, how long it took, the client's CPU time, the server's memory."""

    samples: list[Sample]
    seconds: float
    client_cpu: float
    memory: Memory


# Small helpers


def stats(samples: list[Sample]) -> Stats:
    times = [s.ms for s in samples]
    drawn = [s.ms for s in samples if not s.empty]
    return Stats(
        n=len(samples),
        errors=sum(bool(s.error) for s in samples),
        empty=sum(s.empty for s in samples),
        p50=server.percentile(times, 50),
        p95=server.percentile(times, 95),
        max=max(times, default=float("nan")),
        p95_drawn=server.percentile(drawn, 95),
    )


def group_by(samples: list[Sample], key: Callable[[Request], Any]) -> dict[Any, list[Sample]]:
    """Samples grouped by something about their request, in first-seen order."""
    groups: dict[Any, list[Sample]] = {}
    for s in samples:
        groups.setdefault(key(s.request), []).append(s)
    return groups


def plain(value: Any) -> Any:
    """A JSON-ready value (numpy scalars to Python ones, lists element-wise)."""
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    item = getattr(value, "item", None)
    return item() if callable(item) and not isinstance(value, str) else value


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def id_string(ident: dict[str, Any]) -> str:
    """A pattern-matching id as Dash writes it in ``changedPropIds``."""
    return json.dumps(ident, sort_keys=True, separators=(",", ":"))


def spread(options: list[Any], k: int) -> list[Any]:
    """Up to k options, evenly spaced from first to last."""
    if len(options) <= k:
        return list(options)
    step = (len(options) - 1) / (k - 1)
    return [options[round(i * step)] for i in range(k)]


def cell(value: Any) -> str:
    if isinstance(value, float):
        return "-" if value != value else f"{value:.1f}"  # nan: nothing to show
    return str(value)


def table(
    title: str, headers: list[str], widths: list[int], rows: list[list[Any]], left: int = 1
) -> None:
    """Print a titled table: the first `left` columns left-aligned, the others right-aligned."""
    print(f"\n== {title} ==")
    for line in [headers, *rows]:
        parts = [
            cell(v).ljust(w) if i < left else cell(v).rjust(w)
            for i, (v, w) in enumerate(zip(line, widths, strict=True))
        ]
        print(" ".join(parts).rstrip())


def ratio(value: float, floor: float) -> str:
    if not floor or value != value:
        return "-"
    return f"{value / floor:.1f}x" if value < 10 * floor else f"{value / floor:.0f}x"


# Data, app and pages


def load_app(data_root: Path) -> Any:
    """The dashboard module, imported in this process and reading ``data_root``."""
    os.environ["INDICATORS_DATA"] = str(data_root)
    sys.path.insert(0, str(REPO))
    import app
    from indicators.contract import store
    from indicators.dashboard.state import STATE

    STATE.set_tables(store.TableCache(store.DataDir(data_root)))
    return app


def discover_pages() -> list[Page]:
    """Every registered page (in navbar order) with its chart panels: a topic's from the
    catalogue, a bespoke page's from its module's PANELS, if any."""
    import dash

    from indicators import catalogue
    from indicators.dashboard import panels

    by_path = {t.path: tuple(panels.panels_of(t)) for t in catalogue.topics()}
    pages = []
    ordered = sorted(dash.page_registry.values(), key=lambda p: (p.get("order") or 0, p["path"]))
    for entry in ordered:
        if entry.get("path_template"):
            print(f"note: {entry['path_template']} skipped (a path template, no fixed address)")
            continue
        found = by_path.get(entry["path"])
        if found is None:
            module = sys.modules.get(entry["module"]) or importlib.import_module(entry["module"])
            found = tuple(getattr(module, "PANELS", ()))
        pages.append(Page(entry["relative_path"], found))
    return pages


def uncovered(pages: list[Page], callback_map: dict[str, Any]) -> list[str]:
    """Panels with a render callback that no page's PANELS lists (so not measured)."""
    known = {prefix for page in pages for prefix, _ in page.panels}
    found = [m for k in callback_map for m in re.findall(r"\.\.([\w-]+)-graph\.figure\.\.", k)]
    return sorted(p for p in found if p not in known)


def floor_server() -> Any:
    """The trivial app (one input echoed into a div): its Flask server, for gunicorn too."""
    import dash
    from dash import Input, Output, dcc, html

    floor = dash.Dash(__name__, use_pages=False)
    floor.layout = html.Div([dcc.Input(id="floor-in", value=""), html.Div(id="floor-out")])

    @floor.callback(Output("floor-out", "children"), Input("floor-in", "value"))
    def echo(value: str) -> str:
        return value

    return floor.server


# Request bodies, built from the app's callback map


def outputs_of(callback: dict[str, Any]) -> list[dict[str, str]]:
    return [{"id": o.component_id, "property": o.component_property} for o in callback["output"]]


def fill(dep: dict[str, str], values: dict[str, Any], view: str) -> Any:
    """One input or state entry of a request, from its dependency in the callback map: every
    control's value and id (a download's state), a control's value, the chart/table toggle,
    the Undo button's clicks (none) or the kept view state (no choices yet, as a link without
    parameters opens the panel)."""
    raw, prop = dep["id"], dep["property"]
    ident = json.loads(raw) if raw.startswith("{") else raw
    if isinstance(ident, dict) and ["ALL"] in ident.values():  # every control (downloads)
        key = next(k for k, v in ident.items() if v == ["ALL"])
        ids = [{**ident, key: name} for name in values]
        return [
            {"id": i, "property": prop, "value": i if prop == "id" else values[i[key]]} for i in ids
        ]
    kind = ident.get("type") if isinstance(ident, dict) else None
    value: Any = None  # the Undo button, never clicked
    if kind == "param":
        value = values[ident["param"]]
    elif kind == "view":
        value = view
    elif kind == "chosen":
        value = {"chosen": {}}
    return {"id": ident, "property": prop, "value": value}


def render_body(
    key: str, callback: dict[str, Any], values: dict[str, Any], view: str, changed: list[str]
) -> bytes:
    """The JSON a browser posts when a panel's controls change."""
    body = {
        "output": key,
        "outputs": outputs_of(callback),
        "inputs": [fill(d, values, view) for d in callback["inputs"]],
        "state": [fill(d, values, view) for d in callback["state"]],
        "changedPropIds": changed,
    }
    return dumps(body)


def param_choices(param: Any, tables: Any, default: Any) -> list[Any]:
    """A few values of one parameter other than its default."""
    options = [plain(o) for o in param.options(tables)]
    if param.kind == "multi":
        extra = [o for o in spread(options, 6) if o not in default]
        picks = [default[:1], [*default, *extra[:1]], extra[:3]]
        return [p for p in picks if p and p != default]
    return [v for v in spread(options, VALUES_PER_PARAM) if v != default]


def variants(prefix: str, chart_id: str) -> list[tuple[dict[str, Any], str, list[str]]]:
    """(values, view, changed ids): defaults, then one parameter changed at a time; chart, table."""
    from indicators import catalogue
    from indicators.catalogue import charts
    from indicators.dashboard.state import STATE

    spec = catalogue.chart(chart_id)
    tables = STATE.tables()
    defaults = {k: plain(v) for k, v in charts.resolve(spec, tables, {}, strict=False).items()}
    changes: list[tuple[dict[str, Any], list[str]]] = [(defaults, [])]
    for param in spec.params:
        pid = id_string({"type": "param", "panel": prefix, "param": param.name})
        changes += [
            ({**defaults, param.name: value}, [f"{pid}.value"])
            for value in param_choices(param, tables, defaults[param.name])
        ]
    view_id = id_string({"type": "view", "panel": prefix}) + ".value"
    chart = [(values, "chart", changed) for values, changed in changes]
    return chart + [(values, "table", [view_id]) for values, _ in changes]


def render_key(prefix: str, callback_map: dict[str, Any]) -> str:
    """The callback-map key of a panel's render callback ("" if there is not exactly one)."""
    keys = [k for k in callback_map if f"..{prefix}-graph.figure.." in k]
    if len(keys) != 1:
        print(f"note: panel {prefix!r} has {len(keys)} render callbacks, expected 1; not measured")
        return ""
    return keys[0]


def render_requests(prefix: str, chart_id: str, callback_map: dict[str, Any]) -> list[Request]:
    """The render requests of one panel: every variant, cycled up to MIN_REQUESTS."""
    key = render_key(prefix, callback_map)
    if not key:
        return []
    made = [
        Request("render", prefix, "POST", UPDATE, render_body(key, callback_map[key], *v), prefix)
        for v in variants(prefix, chart_id)
    ]
    return [made[i % len(made)] for i in range(max(MIN_REQUESTS, len(made)))]


def router_request(path: str, callback_map: dict[str, Any], search: str = "") -> Request:
    """The page-content callback the browser posts on arriving at a page (runs its layout)."""
    key = next(k for k in callback_map if "_pages_content.children" in k)
    callback = callback_map[key]
    given = {"pathname": path, "search": search}
    inputs = [
        {"id": d["id"], "property": d["property"], "value": given.get(d["property"])}
        for d in callback["inputs"]
    ]
    body = {
        "output": key,
        "outputs": outputs_of(callback),
        "inputs": inputs,
        "state": [],
        "changedPropIds": [f"{d['id']}.{d['property']}" for d in callback["inputs"]],
    }
    return Request("page content", path, "POST", UPDATE, dumps(body))


def floor_request(i: int) -> Request:
    """The trivial app's callback, with a changing value."""
    body = {
        "output": "floor-out.children",
        "outputs": {"id": "floor-out", "property": "children"},
        "inputs": [{"id": "floor-in", "property": "value", "value": f"value {i}"}],
        "state": [],
        "changedPropIds": ["floor-in.value"],
    }
    return Request("callback", "floor", "POST", UPDATE, dumps(body))


def page_requests(pages: list[Page], callback_map: dict[str, Any]) -> list[Request]:
    """Dash's own GETs, then each page's index GET and page-content POST."""
    shared = [Request("Dash GET", p, "GET", p) for p in ("/_dash-layout", "/_dash-dependencies")]
    per_page = [
        r
        for page in pages
        for r in (
            Request("page GET", page.path, "GET", page.path),
            router_request(page.path, callback_map),
        )
    ]
    return shared + per_page


def random_values(chart_id: str, rng: random.Random) -> dict[str, Any]:
    """Valid values for every parameter of a chart, each drawn at random from its choices
    (those that depend on others, such as an edition's entities, drawn after them)."""
    from indicators import catalogue
    from indicators.dashboard.state import STATE

    spec = catalogue.chart(chart_id)
    tables = STATE.tables()
    values: dict[str, Any] = {}
    for param in sorted(spec.params, key=lambda p: p.within is not None):
        context = values if param.within is not None else None
        options = [plain(o) for o in param.options(tables, context)]
        if not options:
            continue
        if param.kind == "multi":
            most = min(len(options), param.max_items or 4, 4)
            values[param.name] = rng.sample(options, rng.randint(1, most))
        else:
            values[param.name] = rng.choice(options)
    return values


def download_body(
    prefix: str, values: dict[str, Any], fmt: str, callback_map: dict[str, Any]
) -> bytes:
    """The JSON a browser posts when a panel's download button is clicked."""
    key = next(k for k in callback_map if k.startswith(f"..{prefix}-download.data"))
    callback = callback_map[key]
    clicked = f"{prefix}-dl-{fmt}"
    inputs = [
        {"id": d["id"], "property": d["property"], "value": 1 if d["id"] == clicked else None}
        for d in callback["inputs"]
    ]
    state = [fill(d, values, "chart") for d in callback["state"]]
    body = {"output": key, "outputs": outputs_of(callback), "inputs": inputs, "state": state,
            "changedPropIds": [f"{clicked}.n_clicks"]}  # fmt: skip
    return dumps(body)


def churn_requests(
    pages: list[Page], callback_map: dict[str, Any], count: int, seed: int = 19
) -> list[Request]:
    """``count`` requests, each for a view not asked for before: a panel's render with random
    valid values (chart or table), a chart page's content for a link with random settings, any
    page's content for a new link (one in PAGE_EVERY), or a PNG of a view (one in
    DOWNLOAD_EVERY)."""
    from urllib.parse import urlencode

    rng = random.Random(seed)
    panels = [(page, prefix, chart) for page in pages for prefix, chart in page.panels]
    seen: set[str] = set()
    out: list[Request] = []
    while len(out) < count and panels:
        page, prefix, chart_id = rng.choice(panels)
        values = random_values(chart_id, rng)
        view = rng.choice(["chart", "chart", "table"])
        if len(out) % DOWNLOAD_EVERY == DOWNLOAD_EVERY - 1:
            body = download_body(prefix, values, "png", callback_map)
            request = Request("download", prefix, "POST", UPDATE, body, prefix)
            label = "png" + prefix + json.dumps(values, sort_keys=True)
        elif len(out) % PAGE_EVERY == PAGE_EVERY - 1:  # any page, Overview and Data included
            path = rng.choice(pages).path
            search = f"?visit={len(out)}"
            request = router_request(path, callback_map, search)
            label = path + search
        elif rng.random() < 0.25:  # a link followed: the whole page laid out for it
            query = {
                f"{prefix}.{k}": ",".join(map(str, v)) if isinstance(v, list) else v
                for k, v in values.items()
            }
            search = "?" + urlencode(query)
            request = router_request(page.path, callback_map, search)
            label = page.path + search
        else:
            key = render_key(prefix, callback_map)
            changed = [id_string({"type": "view", "panel": prefix}) + ".value"]
            body = render_body(key, callback_map[key], values, view, changed)
            request = Request("render", prefix, "POST", UPDATE, body, prefix)
            label = prefix + view + json.dumps(values, sort_keys=True)
        if label in seen:
            continue
        seen.add(label)
        out.append(request)
    return out


def build_visits(
    pages: list[Page], renders: dict[str, list[Request]], callback_map: dict[str, Any]
) -> list[list[Request]]:
    """What a browser sends on a page visit, each visit with other parameter values."""
    visits = []
    for page in pages:
        start = [
            Request("page GET", page.path, "GET", page.path),
            Request("Dash GET", "/_dash-layout", "GET", "/_dash-layout"),
            router_request(page.path, callback_map),
        ]
        by_panel = [[r for r in renders[page.path] if r.prefix == p] for p, _ in page.panels]
        by_panel = [rs for rs in by_panel if rs]
        visits += [[*start, *(rs[j % len(rs)] for rs in by_panel)] for j in range(VISITS_PER_PAGE)]
    return visits


def judge(request: Request, status: int, payload: bytes, parse: bool = True) -> tuple[str, bool]:
    """(error, empty): error is "" for a 200 (with a 'response', for callbacks); empty = the
    panel answered with its empty state."""
    if status != 200:
        return f"HTTP {status}", False
    if request.method != "POST":
        return "", False
    if not parse:  # the load clients share the CPUs with the server: no full parse there
        return ("" if b'"response"' in payload[:64] else "no response in the body"), False
    try:
        response = json.loads(payload)["response"]
    except (ValueError, KeyError):
        return "no response in the body", False
    empty = (response.get(f"{request.prefix}-empty") or {}).get("children") if request.prefix else 0
    return "", bool(empty)


# 1. Cold start


def cold_start(env: dict[str, str], runs: int = 3) -> tuple[float, float]:
    """Median seconds of import + table loading in the child, and of the child's whole life."""
    inner, outer = [], []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", COLD_START], cwd=REPO, env=env, capture_output=True, text=True
        )
        outer.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"cold start failed:\n{done.stderr[-3000:]}")
        inner.append(float(done.stdout.strip().splitlines()[-1]))
    return statistics.median(inner), statistics.median(outer)


def first_answer(data_root: Path, runs: int = 3) -> float:
    """Median seconds from launching gunicorn (one worker) until it first answers ``GET /``."""
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(runs):
            with server.running(data_root, Path(tmp) / "gunicorn.log", workers=1) as served:
                times.append(served.startup_s)
    return statistics.median(times)


def report_cold(inner: float, outer: float, served: float) -> None:
    target = f"<= {TARGET_COLD_S:.0f}"
    table(
        "1. Cold start (median of 3)",
        ["measure", "wall s", "target s"],
        [58, 7, 9],
        [
            ["fresh interpreter: import app + load every published table", inner, target],
            ["  the whole `python -c` child (with interpreter start)", outer, "-"],
            ["gunicorn (1 worker) launched until it first answers GET /", served, target],
        ],
    )


# 2. Server-side latency in process


def send_local(client: Any, request: Request) -> Sample:
    """Send a request through Flask's test client and time it."""
    started = time.perf_counter()
    if request.method == "POST":
        resp = client.post(request.path, data=request.body, headers=JSON_HEADERS)
    else:
        resp = client.get(request.path)
    payload = resp.get_data()
    ms = (time.perf_counter() - started) * 1000
    return Sample(request, ms, *judge(request, resp.status_code, payload))


def measure_local(client: Any, requests: list[Request], repeats: int = 1) -> list[Sample]:
    return [send_local(client, r) for _ in range(repeats) for r in requests]


def floor_local() -> dict[str, float]:
    """p95 ms of the trivial app's page GET and callback, through the test client."""
    client = floor_server().test_client()
    client.get("/")
    gets = measure_local(client, [Request("page GET", "/", "GET", "/")], FLOOR_REQUESTS)
    posts = measure_local(client, [floor_request(i) for i in range(FLOOR_REQUESTS)])
    return {"GET": stats(gets).p95, "POST": stats(posts).p95}


PANEL_HEADERS = ["n", "errors", "empty", "p50 ms", "p95 ms", "p95 drawn", "max ms", "vs floor"]
PANEL_WIDTHS = [4, 6, 5, 7, 7, 9, 7, 8]


def cells(s: Stats, floor: float) -> list[Any]:
    """The numeric cells of a latency row; the last is p95 over the floor's p95."""
    return [s.n, s.errors, s.empty, s.p50, s.p95, s.p95_drawn, s.max, ratio(s.p95, floor)]


def report_pages(samples: list[Sample], floor: dict[str, float]) -> None:
    rows = []
    for (kind, label, method), group in group_by(
        samples, lambda r: (r.kind, r.label, r.method)
    ).items():
        rows.append([kind, label, *cells(stats(group), floor[method])])
    rows.append(["floor GET", "/", FLOOR_REQUESTS, 0, 0, "", floor["GET"], "", "", "1x"])
    table(
        f"2a. Pages, server side (Flask test client, {PAGE_REPEATS} each, after one warm-up)",
        ["request", "page", *PANEL_HEADERS],
        [13, 20, *PANEL_WIDTHS],
        rows,
        left=2,
    )
    print("page content = the callback that runs the page's layout(): what a visit waits for")


def report_panels(
    pages: list[Page], samples: list[Sample], floor: dict[str, float], title: str
) -> None:
    by_panel = group_by(samples, lambda r: r.prefix)
    rows = [
        [page.path, prefix, chart_id, *cells(stats(by_panel.get(prefix, [])), floor["POST"])]
        for page in pages
        for prefix, chart_id in page.panels
    ]
    rows.append(["all panels", "", "", *cells(stats(samples), floor["POST"])])
    rows.append(
        ["floor", "trivial app", "echo", FLOOR_REQUESTS, 0, 0, "", floor["POST"], "", "", "1x"]
    )
    table(
        title,
        ["page", "panel", "chart", *PANEL_HEADERS],
        [14, 20, 19, *PANEL_WIDTHS],
        rows,
        left=3,
    )
    print(
        f"target: p95 <= {TARGET_CALLBACK_P95_MS:.0f} ms per panel. empty = answered with the "
        "panel's empty state (no data for that choice), not an error; p95 drawn = p95 without "
        "those; vs floor = p95 / the trivial app's callback p95"
    )


def measure_cold(client: Any, requests: list[Request]) -> list[Sample]:
    """Each request with the app's render cache emptied first: the cost of a new view."""
    from indicators.dashboard.state import STATE

    samples = []
    for request in requests:
        STATE.clear()
        samples.extend(measure_local(client, [request]))
    return samples


def in_process(data_root: Path) -> tuple[list[Page], list[list[Request]]]:
    """Section 2; returns the pages and the page visits for the load test."""
    app = load_app(data_root)
    client = app.server.test_client()
    client.get("/")  # the first request makes Dash register the callbacks
    callback_map = app.app.callback_map
    pages = discover_pages()
    for prefix in uncovered(pages, callback_map):
        print(f"note: panel {prefix!r} has a render callback but is on no page's PANELS")
    pages_req = page_requests(pages, callback_map)
    renders = {
        page.path: [r for p, c in page.panels for r in render_requests(p, c, callback_map)]
        for page in pages
    }
    measure_local(client, pages_req)  # warm-up: table cache, first layouts
    page_samples = measure_local(client, pages_req, PAGE_REPEATS)
    all_renders = [r for rs in renders.values() for r in rs]
    cold = measure_cold(client, all_renders)
    warm = measure_local(client, all_renders)
    floor = floor_local()
    report_pages(page_samples, floor)
    report_panels(
        pages, cold, floor, "2b. Render callbacks, first render (cache cleared before each)"
    )
    report_panels(
        pages, warm, floor, "2c. Render callbacks, repeat views (per-version render cache)"
    )
    return pages, build_visits(pages, renders, callback_map)


# 3. Load under gunicorn


def send_http(conn: http.client.HTTPConnection, request: Request) -> Sample:
    """Send one request on a keep-alive connection; time it until the body is read."""
    started = time.perf_counter()
    try:
        headers = JSON_HEADERS if request.body is not None else {}
        conn.request(request.method, request.path, body=request.body, headers=headers)
        resp = conn.getresponse()
        error, empty = judge(request, resp.status, resp.read(), parse=False)
    except (OSError, http.client.HTTPException) as exc:
        conn.close()  # http.client reconnects on the next request
        error, empty = f"{type(exc).__name__}: {exc}", False
    return Sample(request, (time.perf_counter() - started) * 1000, error, empty)


def client_loop(
    port: int, visits: list[list[Request]], seconds: float, offset: int, out: list[Sample]
) -> None:
    """One client: visit pages in turn until the time is up."""
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    deadline = time.perf_counter() + seconds
    i = offset
    while time.perf_counter() < deadline:
        for request in visits[i % len(visits)]:
            out.append(send_http(conn, request))
            if time.perf_counter() >= deadline:
                break
        i += 1
    conn.close()


def run_load(
    port: int, visits: list[list[Request]], clients: int, seconds: float
) -> tuple[list[Sample], float, float]:
    """Concurrent clients for a while: their samples, elapsed seconds, client CPU seconds."""
    results: list[list[Sample]] = [[] for _ in range(clients)]
    threads = [
        threading.Thread(target=client_loop, args=(port, visits, seconds, i * 7, results[i]))
        for i in range(clients)
    ]
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    used = resource.getrusage(resource.RUSAGE_SELF)
    client_cpu = used.ru_utime - cpu.ru_utime + used.ru_stime - cpu.ru_stime
    return [s for r in results for s in r], elapsed, client_cpu


def under_gunicorn(
    spec: str, data_root: Path, visits: list[list[Request]], clients: int, seconds: float
) -> LoadRun:
    """Serve `spec` under gunicorn, warm it up, load it, read its memory, stop it."""
    here = [Path(__file__).resolve().parent] if spec == FLOOR_SPEC else []
    sizes = {"workers": WORKERS, "threads": THREADS, "pythonpath": here}
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "gunicorn.log"
        with server.running(data_root, log, spec=spec, **sizes) as served:
            run_load(served.port, visits, clients, WARMUP_SECONDS)
            samples, elapsed, client_cpu = run_load(served.port, visits, clients, seconds)
            memory = memory_of(served.proc.pid)
        server_errors(log)
    return LoadRun(samples, elapsed, client_cpu, memory)


def server_errors(log: Path) -> None:
    """Print the tracebacks the server logged, so an error under load can be diagnosed."""
    text = log.read_text(errors="replace")
    blocks = text.split("Traceback (most recent call last):")[1:]
    for block in blocks[:3]:
        print("server traceback:" + block[:2500])
    if len(blocks) > 3:
        print(f"... and {len(blocks) - 3} more server tracebacks")


def floor_by_method(run: LoadRun) -> dict[str, float]:
    """The floor's p95 for its GETs, its callback POSTs, and all requests."""
    methods = group_by(run.samples, lambda r: r.method)
    return {"all": stats(run.samples).p95} | {m: stats(g).p95 for m, g in methods.items()}


def report_load(title: str, run: LoadRun, floor: dict[str, float]) -> None:
    rows = []
    groups = group_by(run.samples, lambda r: (r.kind, r.method))
    for (kind, method), group in [*groups.items(), (("all", "all"), run.samples)]:
        s = stats(group)
        rate = s.n / run.seconds
        rows.append([kind, s.n, s.errors, rate, s.p50, s.p95, s.max, ratio(s.p95, floor[method])])
    table(
        f"{title}, {run.seconds:.0f} s (client CPU {run.client_cpu:.1f} s)",
        ["request", "requests", "errors", "req/s", "p50 ms", "p95 ms", "max ms", "vs floor"],
        [13, 9, 7, 7, 8, 8, 8, 8],
        rows,
    )
    errors = sorted(
        {f"{s.request.kind} {s.request.label}: {s.error}" for s in run.samples if s.error}
    )
    for line in errors[:5]:
        print(f"error: {line}")


def report_render_ratio(run: LoadRun, floor: dict[str, float]) -> None:
    """The load target: render callbacks' p95 over the floor's callback p95, and no errors."""
    renders = stats([s for s in run.samples if s.request.kind == "render"])
    errors = sum(bool(s.error) for s in run.samples)
    times = renders.p95 / floor["POST"] if floor.get("POST") else float("nan")
    verdict = "ok" if times <= TARGET_RENDER_VS_FLOOR and not errors else "MISSED"
    print(
        f"target: render callbacks p95 {renders.p95:.1f} ms = {times:.1f}x the floor's callback "
        f"p95 {floor.get('POST', float('nan')):.1f} ms (target <= {TARGET_RENDER_VS_FLOOR:.0f}x),"
        f" {errors} errors (target 0): {verdict}"
    )


# 4. Memory


def workers_of(master: int) -> list[int]:
    """Pids whose parent is the gunicorn master."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(entry.name))
    return sorted(pids)


def memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB."""
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    status = dict(line.split(":", 1) for line in lines if ":" in line)
    return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024


def memory_of(master: int) -> Memory:
    """(process, RSS MB, peak RSS MB) of the master and each worker."""
    rows = [(f"master {master}", *memory_mb(master))]
    return rows + [(f"worker {pid}", *memory_mb(pid)) for pid in workers_of(master)]


def report_memory(app: Memory, floor: Memory) -> None:
    rows = []
    for name, memory in (("dashboard", app), ("floor", floor)):
        for process, rss, peak in memory:
            worker = name == "dashboard" and process.startswith("worker")
            rows.append([name, process, rss, peak, f"<= {TARGET_RSS_MB:.0f}" if worker else "-"])
    table(
        "4. Resident memory of the gunicorn processes, after the load",
        ["app", "process", "RSS MB", "peak MB", "target MB"],
        [10, 14, 7, 8, 9],
        rows,
        left=2,
    )


# 5. Through nginx, and 6. view churn: the README's team set-up


def team(data_root: Path, workers: int, app: str = "app:server") -> Any:
    """The README's team commands (nginx in front of gunicorn), as the proxy tests start them."""
    sys.path.insert(0, str(REPO))
    from tests.deploy.team import Team

    os.environ["INDICATORS_WORKERS"] = str(workers)
    here = str(Path(__file__).resolve().parent) if app != "app:server" else ""
    return Team(data_root, app=app, pythonpath=here)


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        found = children.get(todo.pop(), [])
        out += found
        todo += found
    return out


def rss_pss_mb(pids: list[int]) -> tuple[float, float]:
    """Summed resident and proportional set sizes (shared pages split between sharers), MB."""
    rss = pss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1])
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            continue
    return rss / 1024, pss / 1024


def team_memory(running: Any) -> list[tuple[str, float, float]]:
    """(process, RSS MB, PSS MB): each worker, the render server, and its Chromium (all its
    processes)."""
    master = running.gunicorn(0).pid
    rows = [(f"worker {w}", *rss_pss_mb([w])) for w in workers_of(master)]
    server = running.render_server()
    if server is not None:
        rows.append((f"render server {server}", *rss_pss_mb([server])))
        chromium = descendants(server)
        rows.append((f"its Chromium ({len(chromium)} processes)", *rss_pss_mb(chromium)))
    return rows


def report_team_memory(title: str, rows: list[tuple[str, float, float]]) -> None:
    table(
        title,
        ["process", "RSS MB", "PSS MB", "target MB"],
        [34, 7, 7, 9],
        [[n, rss, pss, f"<= {TARGET_RSS_MB:.0f}" if n.startswith("worker") else "-"]
         for n, rss, pss in rows],
    )  # fmt: skip
    print("RSS counts shared pages in full in each process; PSS splits them between sharers")


def through_proxy(
    data_root: Path, visits: list[list[Request]], clients: int, seconds: float, workers: int
) -> tuple[LoadRun, list[tuple[str, float, float]]]:
    """Section 5's load on the app behind nginx; its samples and the team's memory after."""
    with team(data_root, workers) as running:
        run_load(running.port, visits, clients, WARMUP_SECONDS)
        samples, elapsed, client_cpu = run_load(running.port, visits, clients, seconds)
        memory = team_memory(running)
    return LoadRun(samples, elapsed, client_cpu, []), memory


def floor_through_proxy(data_root: Path, clients: int, seconds: float, workers: int) -> LoadRun:
    """The trivial app behind the same nginx set-up, under the same clients."""
    mix = [[Request("page GET", "/", "GET", "/"), floor_request(i)] for i in range(50)]
    with team(data_root, workers, app=FLOOR_SPEC) as running:
        run_load(running.port, mix, clients, WARMUP_SECONDS)
        samples, elapsed, client_cpu = run_load(running.port, mix, clients, seconds)
    return LoadRun(samples, elapsed, client_cpu, [])


def proxy_section(data_root: Path, args: argparse.Namespace) -> None:
    """5: 20 clients through nginx, the floor behind the same nginx, memory."""
    _, pages, visits = prepare(data_root)
    loaded, memory = through_proxy(data_root, visits, args.clients, args.seconds, args.workers)
    floor = floor_through_proxy(data_root, args.clients, args.floor_seconds, args.workers)
    floors = floor_by_method(floor)
    setup = (
        f"nginx + gunicorn (deploy/, {args.workers} workers x 4 threads), {args.clients} clients"
    )
    report_load(f"5a. Through nginx: app ({len(pages)} pages), {setup}", loaded, floors)
    report_render_ratio(loaded, floors)
    report_load(f"5b. Through nginx: trivial app, {setup}", floor, floors)
    report_team_memory("5c. Memory after the load (the team set-up)", memory)
    print(server.machine_load())


def churn_client(port: int, requests: list[Request], deadline: float, out: list[Sample]) -> None:
    """One client sending its share of the churn until it runs out or the time is up."""
    conn = http.client.HTTPConnection(HOST, port, timeout=120)
    for request in requests:
        if time.perf_counter() >= deadline:
            break
        out.append(send_http(conn, request))
    conn.close()


def churn_section(data_root: Path, args: argparse.Namespace) -> None:
    """6: every request a new view; memory of workers and renderer sampled as it goes."""
    app, pages, _ = prepare(data_root)
    requests = churn_requests(pages, app.app.callback_map, args.churn_requests)
    shares = [requests[i::CHURN_CLIENTS] for i in range(CHURN_CLIENTS)]
    results: list[list[Sample]] = [[] for _ in shares]
    rows = []
    with team(data_root, args.workers) as running:
        started = time.perf_counter()
        deadline = started + args.churn_seconds
        threads = [
            threading.Thread(target=churn_client, args=(running.port, share, deadline, out))
            for share, out in zip(shares, results, strict=True)
        ]
        for thread in threads:
            thread.start()
        while any(t.is_alive() for t in threads):
            time.sleep(SAMPLE_EVERY_S)
            done = sum(len(r) for r in results)
            for name, rss, pss in team_memory(running):
                rows.append([f"{time.perf_counter() - started:.0f}", done, name, rss, pss])
        for thread in threads:
            thread.join()
        final = team_memory(running)
    samples = [x for r in results for x in r]
    table(
        f"6a. View churn: {CHURN_CLIENTS} clients, each request a new view (1 in "
        f"{DOWNLOAD_EVERY} a PNG download), {args.workers} workers",
        ["s", "requests", "process", "RSS MB", "PSS MB"],
        [5, 9, 34, 7, 7],
        rows,
        left=0,
    )
    for kind, group in group_by(samples, lambda r: r.kind).items():
        st = stats(group)
        print(f"{kind}: {st.n} requests, {st.errors} errors, p50 {st.p50:.0f} ms, "
              f"p95 {st.p95:.0f} ms")  # fmt: skip
    peaks = {}
    for _, _, name, rss, _ in rows:
        peaks[name] = max(peaks.get(name, 0.0), rss)
    worst = max((v for k, v in peaks.items() if k.startswith("worker")), default=float("nan"))
    verdict = "ok" if worst <= TARGET_RSS_MB else "MISSED"
    print(f"target: each worker <= {TARGET_RSS_MB:.0f} MB RSS under churn; the largest sample "
          f"was {worst:.0f} MB: {verdict}")  # fmt: skip
    report_team_memory("6b. Memory at the end of the churn", final)
    print(server.machine_load())


def prepare(data_root: Path) -> tuple[Any, list[Page], list[list[Request]]]:
    """The app in this process (to build requests from), its pages and the page visits."""
    app = load_app(data_root)
    app.server.test_client().get("/")
    callback_map = app.app.callback_map
    pages = discover_pages()
    renders = {
        page.path: [r for p, c in page.panels for r in render_requests(p, c, callback_map)]
        for page in pages
    }
    return app, pages, build_visits(pages, renders, callback_map)


# Main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mirror", nargs="?", type=Path, default=server.MIRROR)
    parser.add_argument("--data-dir", type=Path, help="use this built data folder as it is")
    parser.add_argument("--seconds", type=float, default=60.0, help="load duration (default 60)")
    parser.add_argument("--floor-seconds", type=float, default=15.0, help="floor load duration")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 10 s load, 5 s floor")
    parser.add_argument("--proxy", action="store_true", help="section 5: through nginx")
    parser.add_argument("--churn", action="store_true", help="section 6: view churn, memory")
    parser.add_argument("--churn-seconds", type=float, default=120.0)
    parser.add_argument("--churn-requests", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=WORKERS, help="team set-up's workers")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.floor_seconds = 10.0, 5.0
    return args


def main() -> None:
    args = parse_args()
    python = sys.version.split()[0]
    print(f"cpus: {os.cpu_count()}, python {python}; at start: {server.machine_load()}")
    with tempfile.TemporaryDirectory() as tmp:
        data_root = (
            args.data_dir.resolve()
            if args.data_dir
            else server.build_data(args.mirror, Path(tmp) / "data")
        )
        if args.proxy or args.churn:
            if args.proxy:
                proxy_section(data_root, args)
            if args.churn:
                churn_section(data_root, args)
            return
        env = {**os.environ, "INDICATORS_DATA": str(data_root)}
        report_cold(*cold_start(env), first_answer(data_root))
        pages, visits = in_process(data_root)
        loaded = under_gunicorn(APP_SPEC, data_root, visits, args.clients, args.seconds)
        floor_mix = [[Request("page GET", "/", "GET", "/"), floor_request(i)] for i in range(50)]
        floor = under_gunicorn(FLOOR_SPEC, data_root, floor_mix, args.clients, args.floor_seconds)
    floors = floor_by_method(floor)
    setup = f"gunicorn --workers {WORKERS} --threads {THREADS}, {args.clients} clients"
    report_load(f"3a. Load: app ({len(pages)} pages), {setup}", loaded, floors)
    print(
        "vs floor: p95 / the trivial app's p95 under the same load (GETs to its GET, callbacks "
        "to its callback)"
    )
    report_render_ratio(loaded, floors)
    report_load(f"3b. Floor: trivial app, {setup}", floor, floors)
    report_memory(loaded.memory, floor.memory)
    print("\nthe load clients are threads of this process, on the same CPUs;")
    print(server.machine_load())


if __name__ == "__main__":
    main()

"""Measure the dashboard: cold start, callback latency, load under gunicorn, worker memory.

Builds a fresh data folder from the mirror of the publishers' files, then:

1. cold start: ``import app`` plus loading every published table, in a fresh interpreter
   (median of 3; target <= 2 s);
2. server-side latency of every page (index GET, ``_dash-layout``, the page-content callback)
   and of every chart panel's render callback, each parameter varied through its choices,
   through Flask's test client (target p95 <= 150 ms), beside a trivial one-callback Dash app
   measured the same way (the floor);
3. load: the app under gunicorn (2 workers, 4 threads) on loopback, 20 keep-alive clients
   looping over page visits (page GET, ``_dash-layout``, page content, every panel's render)
   (target: no errors, p95 < 500 ms), then the trivial app under the same settings;
4. resident memory of each gunicorn worker after the load (target <= 300 MB).

Pages and panels are discovered from ``dash.page_registry`` and each page module's ``PANELS``.
It prints tables and asserts nothing.

Usage: python benchmarks/bench_dashboard.py [MIRROR_DIR] [--seconds 60] [--quick]
"""

from __future__ import annotations

import argparse
import http.client
import importlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
MIRROR = REPO.parent / "shared" / "data"
HOST = "127.0.0.1"
UPDATE = "/_dash-update-component"
JSON_HEADERS = {"Content-Type": "application/json"}
GUNICORN = ["--workers", "2", "--threads", "4", "--chdir", str(REPO)]
FLOOR_SPEC = "bench_dashboard:floor_server()"
MIN_REQUESTS = 40  # render requests per panel
VALUES_PER_PARAM = 4
PAGE_REPEATS = 10
FLOOR_REQUESTS = 200
VISITS_PER_PAGE = 8  # distinct parameter sets per page in the load mix
WARMUP_SECONDS = 3.0
TARGET_COLD_S = 2.0
TARGET_CALLBACK_P95_MS = 150.0
TARGET_LOAD_P95_MS = 500.0
TARGET_RSS_MB = 300.0

COLD_START = """
import time
started = time.perf_counter()
import app
from indicators import store, ui
cache = ui.tables()
for name in store.published_tables(cache.data):
    cache.get(name)
print(time.perf_counter() - started)
"""


@dataclass(frozen=True)
class Request:
    """One HTTP request of the benchmark, ready to send."""

    kind: str
    label: str
    method: str
    path: str
    body: bytes | None = None
    prefix: str = ""


@dataclass(frozen=True)
class Sample:
    """The outcome of one request."""

    kind: str
    label: str
    ms: float
    ok: bool
    empty: bool = False


@dataclass(frozen=True)
class Page:
    """A registered page and its chart panels, as (prefix, chart id) pairs."""

    path: str
    panels: tuple[tuple[str, str], ...]


# ---------------------------------------------------------------- helpers


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linearly interpolated; nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def plain(value: Any) -> Any:
    """A JSON-ready value (numpy scalars to Python ones, lists element-wise)."""
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    item = getattr(value, "item", None)
    return item() if callable(item) and not isinstance(value, str) else value


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


def id_string(ident: Any) -> str:
    """A component id as Dash writes it in ``changedPropIds``."""
    if isinstance(ident, dict):
        return json.dumps(ident, sort_keys=True, separators=(",", ":"))
    return str(ident)


def spread(options: list[Any], k: int) -> list[Any]:
    """Up to k options, evenly spaced from first to last."""
    if len(options) <= k:
        return list(options)
    step = (len(options) - 1) / (k - 1)
    return [options[round(i * step)] for i in range(k)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def row(*cells: Any, widths: Iterable[int]) -> str:
    """One line of a table: first cell left-aligned, the rest right-aligned."""
    out = []
    for i, (cell, width) in enumerate(zip(cells, widths, strict=True)):
        text = f"{cell:.1f}" if isinstance(cell, float) else str(cell)
        out.append(text.ljust(width) if i == 0 else text.rjust(width))
    return "".join(out)


def heading(title: str) -> None:
    print(f"\n== {title} ==")


# ---------------------------------------------------------------- data and app


def build_data(mirror: Path, root: Path) -> Path:
    """Fetch the mirror into a fresh data folder and build it; return the folder."""
    from indicators import store
    from indicators.build import build
    from indicators.fetch import fetch

    data = store.DataDir(root)
    fetch(data, from_dir=mirror, progress=lambda _: None)
    build(data, progress=lambda _: None)
    return data.root


def load_app(data_root: Path) -> Any:
    """The dashboard module, imported in this process and reading ``data_root``."""
    os.environ["INDICATORS_DATA"] = str(data_root)
    sys.path.insert(0, str(REPO))
    import app
    from indicators import store, ui

    ui.set_tables(store.TableCache(store.DataDir(data_root)))
    return app


def discover_pages() -> list[Page]:
    """Every registered page (in navbar order) with its module's PANELS, if any."""
    import dash

    pages = []
    ordered = sorted(dash.page_registry.values(), key=lambda p: (p.get("order") or 0, p["path"]))
    for entry in ordered:
        if entry.get("path_template"):
            print(f"skipped {entry['path_template']}: a path template, no fixed address")
            continue
        module = sys.modules.get(entry["module"]) or importlib.import_module(entry["module"])
        panels = tuple(getattr(module, "PANELS", ()))
        pages.append(Page(entry["relative_path"], panels))
    return pages


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


# ---------------------------------------------------------------- request bodies


def fill(dep: dict[str, str], values: dict[str, Any], view: str) -> Any:
    """One input or state entry of a render request, from its dependency in the callback map."""
    raw, prop = dep["id"], dep["property"]
    ident = json.loads(raw) if raw.startswith("{") else raw
    if isinstance(ident, dict) and ["ALL"] in ident.values():
        key = next(k for k, v in ident.items() if v == ["ALL"])
        ids = [{**ident, key: name} for name in values]
        return [
            {"id": i, "property": prop, "value": i if prop == "id" else values[i[key]]} for i in ids
        ]
    return {"id": ident, "property": prop, "value": view if prop == "value" else ident}


def render_body(
    key: str, callback: dict[str, Any], values: dict[str, Any], view: str, changed: list[str]
) -> bytes:
    """The JSON a browser posts when a panel's controls change."""
    return dumps(
        {
            "output": key,
            "outputs": [
                {"id": o.component_id, "property": o.component_property} for o in callback["output"]
            ],
            "inputs": [fill(d, values, view) for d in callback["inputs"]],
            "state": [fill(d, values, view) for d in callback["state"]],
            "changedPropIds": changed,
        }
    )


def param_choices(param: Any, tables: Any, default: Any) -> list[Any]:
    """A few values of one parameter other than its default."""
    options = [plain(o) for o in param.options(tables)]
    if param.kind == "multi":
        extra = [o for o in spread(options, 6) if o not in default]
        picks = [default[:1], [*default, *extra[:1]], extra[:3]]
        return [p for p in picks if p and p != default]
    return [v for v in spread(options, VALUES_PER_PARAM) if v != default]


def variants(prefix: str, chart_id: str) -> list[tuple[dict[str, Any], str, list[str]]]:
    """(values, view, changed prop ids): the defaults, then one parameter changed at a time."""
    from indicators import charts, ui

    spec = {s.id: s for s in charts.catalogue()}[chart_id]
    tables = ui.tables()
    defaults = {k: plain(v) for k, v in charts.resolve(spec, tables, {}, strict=False).items()}
    changes: list[tuple[dict[str, Any], list[str]]] = [(defaults, [])]
    for param in spec.params:
        pid = id_string({"type": "param", "panel": prefix, "param": param.name})
        for value in param_choices(param, tables, defaults[param.name]):
            changes.append(({**defaults, param.name: value}, [f"{pid}.value"]))
    view_id = id_string({"type": "view", "panel": prefix}) + ".value"
    chart = [(values, "chart", changed) for values, changed in changes]
    table = [(values, "table", [view_id]) for values, _ in changes]
    return chart + table


def render_requests(prefix: str, chart_id: str, callback_map: dict[str, Any]) -> list[Request]:
    """The render requests of one panel: every variant, cycled up to MIN_REQUESTS."""
    key = render_key(prefix, callback_map)
    made = [
        Request("render", prefix, "POST", UPDATE, render_body(key, callback_map[key], *v), prefix)
        for v in variants(prefix, chart_id)
    ]
    count = max(MIN_REQUESTS, len(made))
    return [made[i % len(made)] for i in range(count)]


def render_key(prefix: str, callback_map: dict[str, Any]) -> str:
    """The callback-map key of a panel's render callback (its outputs start with the graph)."""
    start = f"..{prefix}-graph.figure."
    keys = [k for k in callback_map if k.startswith(start)]
    if len(keys) != 1:
        raise SystemExit(f"expected one render callback for panel {prefix!r}, found {keys}")
    return keys[0]


def router_request(path: str, callback_map: dict[str, Any]) -> Request:
    """The page-content callback the browser posts on arriving at a page."""
    key = next(k for k in callback_map if "_pages_content.children" in k)
    callback = callback_map[key]
    given = {"pathname": path, "search": ""}
    body = {
        "output": key,
        "outputs": [
            {"id": o.component_id, "property": o.component_property} for o in callback["output"]
        ],
        "inputs": [
            {"id": d["id"], "property": d["property"], "value": given.get(d["property"])}
            for d in callback["inputs"]
        ],
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


def uncovered(pages: list[Page], callback_map: dict[str, Any]) -> list[str]:
    """Render callbacks of panels that no page's PANELS lists (not measured)."""
    known = {prefix for page in pages for prefix, _ in page.panels}
    found = [k[2:].split("-graph.figure.")[0] for k in callback_map if "-graph.figure." in k]
    return sorted(p for p in found if p not in known)


# ---------------------------------------------------------------- checking responses


def judge(request: Request, status: int, payload: bytes) -> tuple[bool, bool]:
    """(ok, empty): 200 and, for callbacks, a 'response' without error; empty = empty state."""
    if status != 200:
        return False, False
    if request.method != "POST":
        return True, False
    try:
        response = json.loads(payload).get("response")
    except ValueError:
        return False, False
    if response is None:
        return False, False
    empty = bool(request.prefix and (response.get(f"{request.prefix}-empty") or {}).get("children"))
    return True, empty


# ---------------------------------------------------------------- 1. cold start


def cold_start(env: dict[str, str], runs: int = 3) -> tuple[float, float]:
    """Median seconds of import + table loading in the child, and of the child's whole life."""
    inner, outer = [], []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", COLD_START],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        outer.append(time.perf_counter() - started)
        inner.append(float(done.stdout.strip().splitlines()[-1]))
    return statistics.median(inner), statistics.median(outer)


def report_cold(inner: float, outer: float) -> None:
    heading("1. Cold start (fresh interpreter, median of 3)")
    widths = (44, 10, 10)
    print(row("measure", "wall s", "target s", widths=widths))
    print(
        row("import app + load every published table", inner, f"<= {TARGET_COLD_S}", widths=widths)
    )
    print(row("whole `python -c` process (incl. interpreter)", outer, "-", widths=widths))


# ---------------------------------------------------------------- 2. in-process latency


def send_local(client: Any, request: Request) -> Sample:
    """Send a request through Flask's test client and time it."""
    started = time.perf_counter()
    if request.method == "POST":
        resp = client.post(request.path, data=request.body, headers=JSON_HEADERS)
    else:
        resp = client.get(request.path)
    payload = resp.get_data()
    ms = (time.perf_counter() - started) * 1000
    ok, empty = judge(request, resp.status_code, payload)
    return Sample(request.kind, request.label, ms, ok, empty)


def page_requests(pages: list[Page], callback_map: dict[str, Any]) -> list[Request]:
    """Index GET and page-content POST of every page, plus the shared layout and dependencies."""
    shared = [
        Request("GET", path, "GET", path) for path in ("/_dash-layout", "/_dash-dependencies")
    ]
    per_page = [
        r
        for page in pages
        for r in (
            Request("page GET", page.path, "GET", page.path),
            router_request(page.path, callback_map),
        )
    ]
    return shared + per_page


def measure_local(client: Any, requests: list[Request], repeats: int = 1) -> list[Sample]:
    return [send_local(client, r) for _ in range(repeats) for r in requests]


def summarise(samples: list[Sample]) -> tuple[int, int, int, float, float]:
    """(requests, errors, empty, p50 ms, p95 ms)."""
    times = [s.ms for s in samples]
    errors = sum(not s.ok for s in samples)
    empty = sum(s.empty for s in samples)
    return len(samples), errors, empty, percentile(times, 50), percentile(times, 95)


def report_pages(samples: list[Sample], floor_p95: float) -> None:
    heading("2a. Pages, server side (Flask test client, 10 each)")
    widths = (16, 18, 6, 7, 9, 9, 9)
    print(row("request", "page", "n", "errors", "p50 ms", "p95 ms", "x floor", widths=widths))
    groups: dict[tuple[str, str], list[Sample]] = {}
    for s in samples:
        groups.setdefault((s.kind, s.label), []).append(s)
    for (kind, label), group in groups.items():
        n, errors, _, p50, p95 = summarise(group)
        print(row(kind, label, n, errors, p50, p95, p95 / floor_p95, widths=widths))


def report_panels(pages: list[Page], samples: list[Sample], floor: list[Sample]) -> None:
    heading("2b. Render callbacks, server side (Flask test client)")
    widths = (16, 22, 22, 5, 7, 7, 9, 9, 9)
    floor_p95 = summarise(floor)[4]
    print(
        row(
            "page",
            "panel",
            "chart",
            "n",
            "errors",
            "empty",
            "p50 ms",
            "p95 ms",
            "x floor",
            widths=widths,
        )
    )
    for page in pages:
        for prefix, chart_id in page.panels:
            n, errors, empty, p50, p95 = summarise([s for s in samples if s.label == prefix])
            print(
                row(
                    page.path,
                    prefix,
                    chart_id,
                    n,
                    errors,
                    empty,
                    p50,
                    p95,
                    p95 / floor_p95,
                    widths=widths,
                )
            )
    n, errors, empty, p50, p95 = summarise(samples)
    print(row("all panels", "", "", n, errors, empty, p50, p95, p95 / floor_p95, widths=widths))
    n, errors, empty, p50, p95 = summarise(floor)
    print(row("floor", "trivial app", "echo", n, errors, empty, p50, p95, 1.0, widths=widths))
    print(
        f"target: p95 <= {TARGET_CALLBACK_P95_MS:.0f} ms per panel; "
        "empty = the panel showed its empty state (NoData / bad parameter), not an error"
    )


def in_process(data_root: Path) -> tuple[list[Page], dict[str, list[Request]]]:
    """Section 2; returns the pages and the per-page render requests for the load test."""
    app = load_app(data_root)
    client = app.server.test_client()
    client.get("/")  # first request: Dash registers the callbacks
    callback_map = app.app.callback_map
    pages = discover_pages()
    for prefix in uncovered(pages, callback_map):
        print(f"note: render callback of panel {prefix!r} is on no page's PANELS; not measured")
    pages_req = page_requests(pages, callback_map)
    renders = {
        page.path: [r for p, c in page.panels for r in render_requests(p, c, callback_map)]
        for page in pages
    }
    measure_local(client, pages_req)  # warm-up: caches, first layouts
    page_samples = measure_local(client, pages_req, PAGE_REPEATS)
    render_samples = measure_local(client, [r for rs in renders.values() for r in rs])
    floor = floor_server().test_client()
    floor.get("/")
    floor_samples = measure_local(floor, [floor_request(i) for i in range(FLOOR_REQUESTS)])
    report_pages(page_samples, summarise(floor_samples)[4])
    report_panels(pages, render_samples, floor_samples)
    visits = build_visits(pages, renders, callback_map)
    return pages, visits


def build_visits(
    pages: list[Page], renders: dict[str, list[Request]], callback_map: dict[str, Any]
) -> dict[str, list[Request]]:
    """Sequences a browser sends on a page visit; each with other parameter values."""
    visits: dict[str, list[Request]] = {}
    for page in pages:
        start = [
            Request("page GET", page.path, "GET", page.path),
            Request("GET", "/_dash-layout", "GET", "/_dash-layout"),
            router_request(page.path, callback_map),
        ]
        by_panel = [[r for r in renders[page.path] if r.prefix == p] for p, _ in page.panels]
        for j in range(VISITS_PER_PAGE):
            visits[f"{page.path}#{j}"] = start + [rs[j % len(rs)] for rs in by_panel]
    return visits


# ---------------------------------------------------------------- 3. load under gunicorn


def start_gunicorn(spec: str, env: dict[str, str], log: Path, extra: list[str]) -> tuple[Any, int]:
    """Start gunicorn on a free loopback port and wait until it answers."""
    port = free_port()
    command = [sys.executable, "-m", "gunicorn", *GUNICORN, *extra, "--bind", f"{HOST}:{port}"]
    with log.open("ab") as sink:
        proc = subprocess.Popen([*command, spec], env=env, stdout=sink, stderr=sink)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        if answers(port):
            return proc, port
        time.sleep(0.25)
    stop(proc)
    raise SystemExit(f"gunicorn did not answer within 60 s:\n{log.read_text()[-3000:]}")


def answers(port: int) -> bool:
    conn = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        conn.request("GET", "/")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def stop(proc: Any) -> None:
    """Ask gunicorn to stop gracefully (SIGTERM); kill only if it does not within 40 s."""
    proc.terminate()
    try:
        proc.wait(timeout=40)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def send_http(conn: http.client.HTTPConnection, request: Request) -> Sample:
    """Send one request on a keep-alive connection and time it until the body is read."""
    started = time.perf_counter()
    try:
        headers = JSON_HEADERS if request.body is not None else {}
        conn.request(request.method, request.path, body=request.body, headers=headers)
        resp = conn.getresponse()
        payload = resp.read()
        ok, empty = judge(request, resp.status, payload)
    except (OSError, http.client.HTTPException):
        conn.close()  # reconnects on the next request
        ok, empty = False, False
    return Sample(request.kind, request.label, (time.perf_counter() - started) * 1000, ok, empty)


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
) -> tuple[list[Sample], float]:
    """Concurrent clients for a while; their samples and the elapsed seconds."""
    results: list[list[Sample]] = [[] for _ in range(clients)]
    threads = [
        threading.Thread(target=client_loop, args=(port, visits, seconds, i * 7, results[i]))
        for i in range(clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [s for r in results for s in r], time.perf_counter() - started


def load_rows(samples: list[Sample], elapsed: float) -> list[tuple[Any, ...]]:
    """(kind, requests, errors, req/s, p50, p95, max) per kind of request, then all."""
    kinds: dict[str, list[Sample]] = {}
    for s in samples:
        kinds.setdefault(s.kind, []).append(s)
    rows = []
    for kind, group in [*kinds.items(), ("all", samples)]:
        times = [s.ms for s in group]
        errors = sum(not s.ok for s in group)
        rows.append(
            (
                kind,
                len(group),
                errors,
                len(group) / elapsed,
                percentile(times, 50),
                percentile(times, 95),
                max(times, default=0.0),
            )
        )
    return rows


def report_load(title: str, samples: list[Sample], elapsed: float, floor_p95: float) -> float:
    """Print one load table; return the overall p95."""
    heading(title)
    widths = (16, 10, 8, 9, 9, 9, 10, 9)
    print(
        row(
            "request",
            "requests",
            "errors",
            "req/s",
            "p50 ms",
            "p95 ms",
            "max ms",
            "x floor",
            widths=widths,
        )
    )
    rows = load_rows(samples, elapsed)
    for kind, n, errors, rate, p50, p95, top in rows:
        ratio = p95 / floor_p95 if floor_p95 else "-"
        print(row(kind, n, errors, rate, p50, p95, top, ratio, widths=widths))
    return float(rows[-1][5])


Memory = list[tuple[str, float, float]]


def under_gunicorn(
    spec: str, env: dict[str, str], visits: list[list[Request]], clients: int, seconds: float
) -> tuple[list[Sample], float, Memory]:
    """Serve `spec` under gunicorn, warm it up, load it, read its memory, stop it."""
    with tempfile.TemporaryDirectory() as tmp:
        proc, port = start_gunicorn(spec, env, Path(tmp) / "gunicorn.log", extra_args(spec))
        try:
            run_load(port, visits, clients, WARMUP_SECONDS)
            samples, elapsed = run_load(port, visits, clients, seconds)
            memory = memory_of(proc.pid)
        finally:
            stop(proc)
    return samples, elapsed, memory


def extra_args(spec: str) -> list[str]:
    """The trivial app is this module, found on the benchmarks folder."""
    return ["--pythonpath", str(Path(__file__).parent)] if spec == FLOOR_SPEC else []


# ---------------------------------------------------------------- 4. memory


def workers_of(master: int) -> list[int]:
    """Pids whose parent is the gunicorn master."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                pids.append(int(entry.name))
    return sorted(pids)


def memory_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB."""
    status = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return int(status["VmRSS"].split()[0]) / 1024, int(status["VmHWM"].split()[0]) / 1024


def memory_of(master: int) -> Memory:
    """(process, RSS MB, peak RSS MB) of the master and each worker."""
    rows = [(f"master {master}", *memory_mb(master))]
    return rows + [(f"worker {pid}", *memory_mb(pid)) for pid in workers_of(master)]


def report_memory(app: Memory, floor: Memory) -> None:
    heading("4. Resident memory of the gunicorn processes, after the load")
    widths = (14, 16, 10, 13, 11)
    print(row("app", "process", "RSS MB", "peak RSS MB", "target MB", widths=widths))
    for name, memory in (("dashboard", app), ("floor", floor)):
        for process, rss, peak in memory:
            target = (
                f"<= {TARGET_RSS_MB:.0f}" if name == "dashboard" and "worker" in process else "-"
            )
            print(row(name, process, rss, peak, target, widths=widths))


# ---------------------------------------------------------------- main


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mirror", nargs="?", type=Path, default=MIRROR)
    parser.add_argument("--seconds", type=float, default=60.0, help="load duration (default 60)")
    parser.add_argument("--floor-seconds", type=float, default=15.0)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="10 s load, 5 s floor: a smoke run")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.floor_seconds = 10.0, 5.0
    return args


def main() -> None:
    args = parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data_root = build_data(args.mirror, Path(tmp) / "data")
        env = {**os.environ, "INDICATORS_DATA": str(data_root)}
        report_cold(*cold_start(env))
        pages, visits = in_process(data_root)
        floor_mix = [[Request("page GET", "/", "GET", "/"), floor_request(i)] for i in range(50)]
        floor = under_gunicorn(FLOOR_SPEC, env, floor_mix, args.clients, args.floor_seconds)
        loaded = under_gunicorn(
            "app:server", env, list(visits.values()), args.clients, args.seconds
        )
    floor_p95 = report_load(
        f"3b. Floor: trivial app under gunicorn, {args.clients} clients, {floor[1]:.0f} s",
        floor[0],
        floor[1],
        0.0,
    )
    report_load(
        f"3a. Load: app under gunicorn, {args.clients} clients, {loaded[1]:.0f} s, "
        f"{len(pages)} pages",
        loaded[0],
        loaded[1],
        floor_p95,
    )
    print(
        f"target: no errors, p95 < {TARGET_LOAD_P95_MS:.0f} ms; x floor = p95 / floor's overall p95"
    )
    report_memory(loaded[2], floor[2])
    python = sys.version.split()[0]
    print(f"gunicorn {' '.join(GUNICORN[:4])}; cpus: {os.cpu_count()}, python {python}")


if __name__ == "__main__":
    main()

"""Time every page of the dashboard in headless Chromium: navigation start to every chart drawn.

Builds a fresh data folder from the mirror of the publishers' files (or uses ``--data-dir``),
serves the app under gunicorn on loopback (2 workers x 4 threads, as bench_dashboard.py and the
screenshots; ``--workers``/``--threads`` change it), loads every page once (its first load, the
"1st" column), waits for what those loads started on the server to settle, then for every page
in ``dash.page_registry`` navigates there ``--loads`` times (after ``--warmups`` loads that fill
the browser's cache and the server's per-version caches) and records, from navigation start
(``performance.now()``):

- per chart: when it is drawn. A chart panel (a ``.panel`` holding ``#<prefix>-graph``) is drawn
  when its title (``.figure-title h3``) is there and its plotly graph has drawn a trace (or the
  graph is hidden because the table is shown), or when its ``.empty-state`` says why there is
  nothing to draw (the condition of ``tests/browser/test_views.py``); any other graph is drawn
  once plotly has drawn it (a trace, unless its figure has no data);
- per page: when the page's content is there and every chart on it is drawn.

Then the same for every chart's deep link (``/page?<prefix>.view=chart``, as a topic's links
write it) and every link on the Overview's cards (which set a chart's controls).

What is on each page (its chart panels and how many other graphs) is read from the page's own
``layout()`` in this process, so new pages and charts are covered without editing this file.
A recorder is installed in every document before its scripts run (Chromium's
``Page.addScriptToEvaluateOnNewDocument``): it checks the page on every DOM change and every
20 ms. Target: p95 <= 1 s for every page. It prints its figures and asserts nothing.

Usage: python benchmarks/bench_pages.py [--data-dir DIR | --mirror DIR] [--loads 20]
       [--warmups 2] [--no-deep-links] [--pages /internet,/gender] [--workers N --threads N]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import server

TARGET_P95_S = 1.0
TARGET_VS_FLOOR = 1.5  # each page's p95 over the one-graph floor page's p95
TARGET_FIRST_VS_FLOOR = 2.0  # each page's first (cold browser cache) load over the floor's
FLOOR_SPEC = "bench_pages:floor_server()"
TIMEOUT_S = 30.0
SETTLE_S = 5.0  # after the first loads, before the timed ones
# Installed in each new document before its own scripts: records when each chart is drawn.
RECORDER_JS = """
(() => {
  const want = %s;
  const rec = {charts: {}, ready: null, content: null};
  window.__bench = rec;
  // Read from the style Dash sets (display: none with the table shown): no forced layout.
  const hidden = graph => graph.style.display === 'none';
  const traced = gd => !!(gd && gd._fullLayout && gd.data && gd.data.length
    && gd.querySelector('.main-svg .trace'));
  function panelDrawn(prefix) {
    const panel = document.getElementById(prefix + '-panel');
    if (!panel) { return false; }
    if (panel.querySelector('.empty-state:not(:empty)')) { return true; }
    if (!panel.querySelector('.figure-title h3')) { return false; }
    const graph = document.getElementById(prefix + '-graph');
    return !!graph && (hidden(graph) || traced(graph.querySelector('.js-plotly-plot')));
  }
  function graphDrawn(gd) {
    return !!(gd && gd._fullLayout) && (!gd.data || !gd.data.length || traced(gd));
  }
  function graphName(graph) {
    if (graph.id) { return graph.id; }
    const owner = graph.parentElement && graph.parentElement.closest('[id]');
    const mine = owner ? [...owner.querySelectorAll('.dash-graph')] : [graph];
    return (owner ? owner.id : 'page') + ' graph ' + (mine.indexOf(graph) + 1);
  }
  function check() {
    if (rec.ready !== null) { return; }
    const now = performance.now();
    if (rec.content === null && document.querySelector('main .page, main h1')) {
      rec.content = now;
    }
    if (rec.content === null) { return; }
    let done = true;
    for (const prefix of want.panels) {
      if (rec.charts[prefix] === undefined && panelDrawn(prefix)) { rec.charts[prefix] = now; }
      done = done && rec.charts[prefix] !== undefined;
    }
    const others = [...document.querySelectorAll('.dash-graph')].filter(
      g => !want.panels.some(p => g.id === p + '-graph'));
    others.forEach(graph => {
      const name = graphName(graph);
      const drawn = graphDrawn(graph.querySelector('.js-plotly-plot'));
      if (drawn && rec.charts[name] === undefined) { rec.charts[name] = now; }
      done = done && drawn;
    });
    if (done && others.length >= want.graphs) { rec.ready = now; }
  }
  new MutationObserver(check).observe(document, {childList: true, subtree: true});
  const timer = setInterval(() => {
    check();
    if (rec.ready !== null) { clearInterval(timer); }
  }, 20);
})();
"""
WAIT_JS = """
const done = arguments[arguments.length - 1];
const until = performance.now() + arguments[0];
(function poll() {
  const rec = window.__bench;
  if ((rec && rec.ready !== null) || performance.now() > until) { done(rec || null); return; }
  setTimeout(poll, 20);
})();
"""


@dataclass(frozen=True)
class Target:
    """An address to load, and what must be drawn there: chart panels and other graphs."""

    label: str
    path: str
    panels: tuple[str, ...]
    graphs: int
    chart: str = ""  # for a deep link: the panel it points at


@dataclass
class Loads:
    """The timings of a target's loads, in seconds: whole page, and per chart."""

    page: list[float] = field(default_factory=list)
    charts: dict[str, list[float]] = field(default_factory=dict)
    first: float = float("nan")  # the first (browser-cache-cold) warm-up load
    timeouts: int = 0


def floor_server() -> Any:
    """The floor: a one-graph Dash page (a heading and one panel drawn like the dashboard's,
    five lines of twenty years), its Flask server for gunicorn."""
    import dash
    import plotly.graph_objects as go
    from dash import dcc, html

    floor = dash.Dash(__name__, use_pages=False)
    years = list(range(2005, 2025))
    figure = go.Figure(
        [go.Scatter(x=years, y=[i * 10 + y % 7 for y in years], name=f"Line {i}") for i in range(5)]
    )
    floor.layout = html.Main(  # the recorder waits for `main .page`, as on the dashboard
        html.Div(
            [
                html.H1("Floor"),
                html.Section(
                    [
                        html.Div(html.H3("One graph"), className="figure-title"),
                        dcc.Graph(id="floor-graph", figure=figure),
                    ],
                    className="panel",
                    id="floor-panel",
                ),
            ],
            className="page",
        ),
    )
    return floor.server


# Discovery, in process


def walk(component: Any) -> Iterator[Any]:
    """A Dash component and everything under it."""
    yield component
    children = getattr(component, "children", None)
    if children is None:
        return
    for child in children if isinstance(children, list | tuple) else [children]:
        if hasattr(child, "_type"):
            yield from walk(child)


def drawn_on(layout: Any) -> tuple[tuple[str, ...], int]:
    """The chart panels (prefixes) of a page's layout and how many other graphs it holds."""
    from dash import dcc

    components = list(walk(layout))
    ids = {c.id for c in components if isinstance(getattr(c, "id", None), str)}
    panels, graphs = [], 0
    for c in components:
        if not isinstance(c, dcc.Graph):
            continue
        ident = getattr(c, "id", None)
        prefix = ident[: -len("-graph")] if isinstance(ident, str) else ""
        if ident and ident.endswith("-graph") and f"{prefix}-panel" in ids:
            panels.append(prefix)
        else:
            graphs += 1
    return tuple(panels), graphs


def discover(data_root: Path) -> tuple[list[Target], list[Target]]:
    """Every page with a fixed address, and every deep link into a chart (topics' charts and
    the Overview's card links), each with what it draws."""
    import dash

    from indicators import catalogue
    from indicators.catalogue.topic import page_href
    from indicators.contract import store
    from indicators.dashboard.state import STATE

    os.environ["INDICATORS_DATA"] = str(data_root)
    sys.path.insert(0, str(server.REPO))
    import app  # noqa: F401  (registers the pages)

    STATE.set_tables(store.TableCache(store.DataDir(data_root)))
    layouts = {}
    pages = []
    for entry in sorted(dash.page_registry.values(), key=lambda p: (p["order"] or 0, p["path"])):
        if entry.get("path_template"):
            print(f"note: {entry['path_template']} skipped (a path template, no fixed address)")
            continue
        layouts[entry["path"]] = entry["layout"]  # a page file's layout, or a topic's
        panels, graphs = drawn_on(entry["layout"]())
        pages.append(Target(entry["relative_path"], entry["relative_path"], panels, graphs))
    deep = []
    for topic in catalogue.topics():
        for prefix, spec in topic.panels:
            path = page_href(topic.path, prefix, {"view": "chart"})
            panels, graphs = drawn_on(layouts[topic.path](**query_of(path)))
            deep.append(Target(f"{spec.id}", path, panels, graphs, prefix))
    for card in STATE.per_version("overview", catalogue.overview_cards):
        for metric in card.metrics:
            if not metric.href or "?" not in metric.href:
                continue
            page, _, _ = metric.href.partition("#")[0].partition("?")
            panels, graphs = drawn_on(layouts[page](**query_of(metric.href)))
            prefix = next(iter(query_of(metric.href.partition("#")[0]))).split(".")[0]
            deep.append(Target(f"Overview: {metric.label}", metric.href, panels, graphs, prefix))
    return pages, deep


def query_of(href: str) -> dict[str, str]:
    from urllib.parse import parse_qsl, urlsplit

    return dict(parse_qsl(urlsplit(href).query))


# In the browser


def install(driver: Any, target: Target) -> str:
    """The recorder for this target, in every new document; returns its id for removal."""
    want = json.dumps({"panels": list(target.panels), "graphs": target.graphs})
    added = driver.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument", {"source": RECORDER_JS % want}
    )
    return str(added["identifier"])


def load_once(driver: Any, url: str) -> dict[str, Any] | None:
    driver.get(url)
    rec = driver.execute_async_script(WAIT_JS, TIMEOUT_S * 1000)
    return rec if rec and rec.get("ready") is not None else None


def first_load(driver: Any, served: server.Served, target: Target) -> float:
    """One load of a target with the browser's cache as it is (empty for a first visit), in
    seconds (nan if it never drew)."""
    ident = install(driver, target)
    try:
        rec = load_once(driver, served.url(target.path))
    finally:
        driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": ident})
    return rec["ready"] / 1000 if rec else math.nan


def measure(driver: Any, served: server.Served, target: Target, loads: int, warm: int) -> Loads:
    """``warm`` loads to fill the caches, then ``loads`` timed ones."""
    ident = install(driver, target)
    out = Loads()
    try:
        for i in range(warm + loads):
            rec = load_once(driver, served.url(target.path))
            if rec is None:
                out.timeouts += 1
                continue
            if i == 0:
                out.first = rec["ready"] / 1000
            if i < warm:
                continue
            out.page.append(rec["ready"] / 1000)
            for name, ms in rec["charts"].items():
                out.charts.setdefault(name, []).append(ms / 1000)
    finally:
        driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": ident})
    return out


# Report


HEAD = f"{'':<46}{'n':>4}{'p50 s':>8}{'p95 s':>8}{'max s':>8}{'1st s':>8}  target"


def row(label: str, values: list[float], first: float = float("nan"), mark: str = "") -> str:
    if not values:
        return f"{label:<46}{0:>4}  (never drawn)"
    p50, p95 = statistics.median(values), server.percentile(values, 95)
    verdict = ("ok" if p95 <= TARGET_P95_S else "MISSED") if mark else ""
    shown_first = "" if first != first else f"{first:.3f}"  # nan: not a page row
    return (
        f"{label[:45]:<46}{len(values):>4}{p50:>8.3f}{p95:>8.3f}{max(values):>8.3f}"
        f"{shown_first:>8}  {mark} {verdict}".rstrip()
    )


def report(title: str, results: list[tuple[Target, Loads]], per_chart: bool) -> list[float]:
    """Print one row per target (and, if asked, per chart under it); return every page time."""
    print(f"\n== {title} ==")
    print(HEAD)
    everything: list[float] = []
    for target, loads in results:
        everything += loads.page
        label = target.label if target.label == target.path else f"{target.label} {target.path}"
        print(row(label, loads.page, loads.first, f"p95 <= {TARGET_P95_S:.0f}"))
        if loads.timeouts:
            print(f"  {loads.timeouts} load(s) not drawn within {TIMEOUT_S:.0f} s")
        charts = loads.charts if per_chart else {target.chart: loads.charts.get(target.chart, [])}
        for name, times in charts.items():
            if name:
                print(row(f"  {name}", times))
    print(row("all of the above", everything, mark=f"p95 <= {TARGET_P95_S:.0f}"))
    return everything


def ratios(results: list[tuple[Target, Loads]], floor: Loads) -> None:
    """Each page's p95 and first load over the floor page's, against the targets."""
    if not floor.page:
        print("\nno floor measured")
        return
    base, first = server.percentile(floor.page, 95), floor.first
    print(
        f"\n== Against the floor: a one-graph Dash page, same gunicorn settings, same browser "
        f"(p95 {base:.3f} s, first load {first:.3f} s) =="
    )
    print(
        f"{'':<46}{'p95/floor':>10}{'1st/floor':>10}  targets {TARGET_VS_FLOOR}x, "
        f"{TARGET_FIRST_VS_FLOOR}x"
    )
    for target, loads in results:
        if not loads.page:
            continue
        p95 = server.percentile(loads.page, 95) / base
        cold = loads.first / first if first == first and loads.first == loads.first else math.nan
        ok = p95 <= TARGET_VS_FLOOR and (cold != cold or cold <= TARGET_FIRST_VS_FLOOR)
        print(f"{target.label[:45]:<46}{p95:>9.2f}x{cold:>9.2f}x  {'ok' if ok else 'MISSED'}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirror", type=Path, default=server.MIRROR)
    parser.add_argument("--data-dir", type=Path, help="use this built data folder as it is")
    parser.add_argument("--loads", type=int, default=20, help="timed loads per address")
    parser.add_argument("--warmups", type=int, default=2, help="untimed loads first")
    parser.add_argument("--deep-loads", type=int, help="timed loads per deep link (--loads)")
    parser.add_argument("--no-deep-links", action="store_true")
    parser.add_argument("--pages", help="only these paths, comma-separated")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads (4)")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    print(f"cpus: {os.cpu_count()}, python {sys.version.split()[0]}; {server.machine_load()}")
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        data = (
            args.data_dir.resolve()
            if args.data_dir
            else server.build_data(args.mirror, scratch / "data")
        )
        pages, deep = discover(data)
        if args.pages:
            wanted = set(args.pages.split(","))
            pages = [p for p in pages if p.path in wanted]
            deep = [d for d in deep if d.path.split("?")[0] in wanted]
        if args.no_deep_links:
            deep = []
        driver = server.headless_chromium()
        driver.set_script_timeout(TIMEOUT_S + 10)
        log = scratch / "gunicorn.log"
        with server.running(data, log, workers=args.workers, threads=args.threads) as served:
            print(f"gunicorn: {served.describe()}, answered {served.startup_s:.2f} s after launch")
            try:
                # Every page's first load, in page order (the browser's cache empty for each
                # page's own files), before any is timed warm: what the first loads start on
                # the server (each worker's Chromium for the download buttons) then settles
                # instead of running beside the timed loads of whichever page came first.
                firsts = {p.path: first_load(driver, served, p) for p in pages}
                time.sleep(SETTLE_S)
                timed = [(p, measure(driver, served, p, args.loads, args.warmups)) for p in pages]
                for p, loads in timed:
                    loads.first = firsts[p.path]
                deep_loads = args.deep_loads or args.loads
                linked = [(d, measure(driver, served, d, deep_loads, 1)) for d in deep]
                sizes = {"workers": args.workers, "threads": args.threads}
                here = [Path(__file__).resolve().parent]
                with server.running(
                    None, log, spec=FLOOR_SPEC, pythonpath=here, **sizes
                ) as floor_served:
                    target = Target("floor", "/", ("floor",), 0)
                    floor = measure(driver, floor_served, target, args.loads, args.warmups)
            finally:
                driver.quit()
    title = (
        f"Pages in headless Chromium: navigation start to every chart drawn "
        f"({args.loads} loads each after {args.warmups} warm-ups; 1st = each page's first load, "
        "in page order)"
    )
    report(title, timed, per_chart=True)
    ratios(timed, floor)
    if linked:
        report(
            "Deep links: navigation start to the linked chart drawn (indented) and the whole "
            "page drawn",
            linked,
            per_chart=False,
        )
    print(f"\nthe browser runs on the same CPUs as the server; {server.machine_load()}")


if __name__ == "__main__":
    main()

"""Time `indicators diff` and the What changed page.

Builds a fresh data folder from the mirror of the publishers' files (or uses ``--data-dir``),
then:

1. ``indicators diff wdi 2026-02 2026-07 --out FILE`` (the two WDI editions, every value), each
   run in a fresh interpreter: its start-up (interpreter and the imports the command needs),
   the command's work after start-up (read the table, compare, summarise, write the CSV;
   target: <= 0.3 s), and the whole wall time;
2. the What changed page in headless Chromium, served by gunicorn on loopback: from navigation
   start until the summary, both figures and the table are drawn, for the default view and two
   deep links (target: p95 <= 1 s).

It prints its figures and asserts nothing.

Usage: python benchmarks/bench_changes.py [--mirror DIR | --data-dir DIR] [--loads 20]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import server

REPO = server.REPO
HOST = server.HOST
DIFF_ARGS = ["diff", "wdi", "2026-02", "2026-07"]
IMPORTS = "import indicators.cli, indicators.diff, indicators.store, pandas, pyarrow.parquet"
VIEWS = {
    "default (newest two WDI editions)": "/changes",
    "WDI 2019, economies": "/changes?changes.source=wdi&changes.year=2019&changes.kind=economy",
    "ITU aggregates, bandwidth": (
        "/changes?changes.source=itu_aggregates&changes.measure=bandwidth.bandwidth_gbps"
    ),
}
# Resolves with performance.now() once the summary, both figures and the table are drawn.
READY_JS = """
const done = arguments[arguments.length - 1];
function ready() {
  return document.querySelector('#changes-headline')
    && document.querySelector('#changes-by-year .barlayer .point')
    && document.querySelector('#changes-largest .scatterlayer .point')
    && document.querySelector('#changes-table tbody tr');
}
(function poll() { ready() ? done(performance.now()) : setTimeout(poll, 5); })();
"""
# The Internet use page, drawn (four charts), as a reference for what any page costs here.
REFERENCE = "/internet"
REFERENCE_JS = """
const done = arguments[arguments.length - 1];
function ready() {
  return document.querySelectorAll('.js-plotly-plot .main-svg .cartesianlayer, '
    + '.js-plotly-plot .main-svg .geolayer').length >= 4;
}
(function poll() { ready() ? done(performance.now()) : setTimeout(poll, 5); })();
"""
TARGET_DIFF_S = 0.3
TARGET_PAGE_P95_S = 1.0


def row(label: str, values: list[float], target: float | str = "-") -> str:
    return (
        f"{label:<44}{statistics.median(values):>8.3f}{server.percentile(values, 95):>8.3f}"
        f"{max(values):>8.3f}{len(values):>5}{target!s:>8}"
    )


def header() -> str:
    return f"{'':<44}{'median':>8}{'p95':>8}{'max':>8}{'n':>5}{'target':>8}"


# In a fresh interpreter: import what the command needs (start-up), then run it (its work).
CHILD = """
import io, json, sys, time
from contextlib import redirect_stdout
started = time.perf_counter()
{imports}
from indicators import cli
imported, cpu = time.perf_counter(), time.process_time()
with redirect_stdout(io.StringIO()):
    code = cli.main(sys.argv[1:])
done, cpu_done = time.perf_counter(), time.process_time()
print(json.dumps({{"startup": imported - started, "work": done - imported,
                  "cpu": cpu_done - cpu, "code": code}}))
"""


def child_run(args: list[str]) -> dict[str, float]:
    """One `indicators` command in a fresh interpreter: start-up, work and whole wall time."""
    started = time.perf_counter()
    code = CHILD.format(imports=IMPORTS)
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
    )
    times = json.loads(proc.stdout.strip().splitlines()[-1])
    return {**times, "whole": time.perf_counter() - started}


def bench_diff(data: Path, scratch: Path, runs: int) -> None:
    out = scratch / "bench-diff.csv"
    args = ["--data-dir", str(data), *DIFF_ARGS, "--out", str(out)]
    results = [child_run(args) for _ in range(runs)]
    rows = sum(1 for _ in out.open()) - 1
    print(f"indicators diff {' '.join(DIFF_ARGS[1:])} --out FILE ({rows:,} values), seconds")
    print(header())
    print(row("whole command, fresh interpreter", [r["whole"] for r in results]))
    print(row("start-up: interpreter and imports", [r["startup"] for r in results]))
    print(
        row(
            "after start-up: read, compare, summary, CSV",
            [r["work"] for r in results],
            TARGET_DIFF_S,
        )
    )
    # CPU seconds of the same work: what the wall time is on an idle core.
    print(row("after start-up, CPU time of this process", [r["cpu"] for r in results]))
    print()


def page_loads(driver: Any, url: str, ready_js: str, loads: int) -> list[float]:
    """Seconds from navigation start to drawn, over ``loads`` loads after two warm-ups."""
    for _ in range(2):  # warm the browser cache and the server's memos
        driver.get(url)
        driver.execute_async_script(ready_js)
    times = []
    for _ in range(loads):
        driver.get(url)
        times.append(driver.execute_async_script(ready_js) / 1000)
    return times


def bench_page(data: Path, scratch: Path, loads: int) -> None:
    served = server.start(data, scratch / "server.log", workers=1, threads=4, path="/changes")
    port = served.port
    driver = server.headless_chromium()
    driver.set_script_timeout(30)
    try:
        print(f"What changed page in headless Chromium, navigation start to drawn ({loads} loads)")
        print(header())
        everything = []
        for label, path in VIEWS.items():
            times = page_loads(driver, f"http://{HOST}:{port}{path}", READY_JS, loads)
            everything += times
            print(row(label, times))
        print(row("all views", everything, TARGET_PAGE_P95_S))
        reference = page_loads(driver, f"http://{HOST}:{port}{REFERENCE}", REFERENCE_JS, loads)
        print(row(f"for reference: {REFERENCE} (four charts)", reference))
    finally:
        driver.quit()
        server.stop(served.proc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mirror", type=Path, default=server.MIRROR)
    parser.add_argument("--data-dir", type=Path, help="use this built data folder as it is")
    parser.add_argument("--runs", type=int, default=7, help="runs of each diff timing")
    parser.add_argument("--loads", type=int, default=20, help="page loads per view")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        data = (
            args.data_dir.resolve()
            if args.data_dir
            else server.build_data(args.mirror, scratch / "d")
        )
        bench_diff(data, scratch, args.runs)
        bench_page(data, scratch, args.loads)
    print(f"cpus: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

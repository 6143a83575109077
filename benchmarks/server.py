"""Serve a Dash app under gunicorn on loopback for the benchmarks and scripts, then stop it.

One place for what they all did alike: pick a free port, start gunicorn with the app (``app:server``
unless told otherwise) reading a data folder through ``INDICATORS_DATA``, wait until it answers,
and stop it gracefully. A script outside ``benchmarks/`` puts this folder on ``sys.path`` first.

    with server.running(data_root, log) as served:
        driver.get(served.url("/internet"))
"""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
MIRROR = REPO.parent / "shared" / "data"
HOST = "127.0.0.1"
APP_SPEC = "app:server"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 40.0
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"


@dataclass(frozen=True)
class Served:
    """A running gunicorn: its master process, port and log file."""

    proc: subprocess.Popen[bytes]
    port: int
    command: tuple[str, ...]
    log: Path
    started: float  # perf_counter() when the command was launched
    answered: float  # perf_counter() when it first answered

    def url(self, path: str = "/") -> str:
        return f"http://{HOST}:{self.port}{path}"

    def describe(self) -> str:
        """The gunicorn command line, from ``gunicorn`` on."""
        return " ".join(self.command[self.command.index("gunicorn") :])

    @property
    def startup_s(self) -> float:
        """Seconds from launching gunicorn until its first answer (polled every 50 ms)."""
        return self.answered - self.started


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), linearly interpolated; nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def answers(port: int, path: str = "/") -> bool:
    """Whether the server at ``port`` answers ``GET path`` with 200."""
    conn = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        conn.request("GET", path)
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def build_data(mirror: Path, root: Path) -> Path:
    """Fetch the publishers' files into a fresh data folder and build it; return the folder."""
    from indicators.contract import store
    from indicators.etl.build import build
    from indicators.etl.fetch import fetch

    data = store.DataDir(root)
    fetch(data, from_dir=mirror, progress=lambda _: None)
    build(data, progress=lambda _: None)
    return data.root


def start(
    data_root: Path | None,
    log: Path,
    *,
    spec: str = APP_SPEC,
    workers: int = 2,
    threads: int = 4,
    options: Sequence[str] = (),
    pythonpath: Sequence[Path] = (),
    path: str = "/",
    poll_s: float = 0.05,
) -> Served:
    """Start gunicorn on a free loopback port; return once ``GET path`` answers (60 s at most)."""
    port = free_port()
    env = dict(os.environ)
    if data_root is not None:
        env["INDICATORS_DATA"] = str(data_root)
    extra = [a for p in pythonpath for a in ("--pythonpath", str(p))]
    command = [
        sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
        "--chdir", str(REPO), *extra, *options, "--bind", f"{HOST}:{port}", spec,
    ]  # fmt: skip
    started = time.perf_counter()
    with log.open("ab") as sink:
        proc = subprocess.Popen(command, env=env, stdout=sink, stderr=sink)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline and proc.poll() is None:
        if answers(port, path):
            return Served(proc, port, tuple(command), log, started, time.perf_counter())
        time.sleep(poll_s)
    stop(proc)
    raise SystemExit(f"gunicorn {spec} did not come up:\n{log.read_text()[-3000:]}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Ask gunicorn to stop gracefully (SIGTERM); kill it only if it has not within 40 s."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def running(data_root: Path | None, log: Path, **kwargs: object) -> Iterator[Served]:
    """``start`` ... ``stop``, around a block."""
    served = start(data_root, log, **kwargs)  # type: ignore[arg-type]
    try:
        yield served
    finally:
        stop(served.proc)


def headless_chromium(width: int = 1400, height: int = 1000) -> Any:
    """A selenium driver of the system's headless Chromium."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", f"--window-size={width},{height}"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def machine_load() -> str:
    """The load averages: other work on the machine shows in every figure."""
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()) + " (1, 5, 15 min)"

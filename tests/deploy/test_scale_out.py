"""More than one machine, on loopback: two gunicorn instances (standing for two machines) behind
one nginx upstream, reading one data folder. A build publishes a new version while 20 clients
load them: no request fails, and both instances serve the new version within 5 s."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.team import HOST, Team, controls

pytestmark = pytest.mark.proxy

CLIENTS = 20
PAGES = ["/", "/internet", "/gender", "/affordability", "/bandwidth", "/report", "/changes"]
LATER = "wdi@2026-07"  # the edition the build adds
SWITCH_LIMIT_S = 5.0


def indicators(data: Path, *args: str) -> None:
    command = [sys.executable, "-m", "indicators.cli", "--data-dir", str(data), *args]
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.fixture
def data(tmp_path, mirror) -> tuple[Path, Path]:
    """A data folder built without the newest WDI edition, and that edition's file."""
    root = tmp_path / "data"
    indicators(root, "fetch", "--from", str(mirror))
    manifest = json.loads((root / "raw" / "manifest.json").read_text())
    later = tmp_path / Path(manifest["files"][LATER]["path"]).name
    shutil.copy(root / "raw" / manifest["files"][LATER]["path"], later)
    indicators(root, "remove", LATER)
    indicators(root, "build")
    return root, later


def call(conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None) -> bytes:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    conn.request(method, path, body=body, headers=headers)
    response = conn.getresponse()
    payload = response.read()
    if response.status != 200:
        raise AssertionError(f"{method} {path}: HTTP {response.status} {payload[:200]!r}")
    if method == "POST" and not payload.startswith(b'{"multi":true,"response"'):
        raise AssertionError(f"{method} {path}: {payload[:200]!r}")
    return payload


@dataclass
class Load:
    """Clients visiting pages as a browser does: the page, its content, each panel redrawn."""

    port: int
    requests: list[tuple[str, str, bytes | None]] = field(default_factory=list)
    done: int = 0
    errors: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def prepare(self) -> Load:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        deps = json.loads(call(conn, "GET", "/_dash-dependencies", None))
        router = next(c for c in deps if "_pages_content.children" in c["output"])
        for path in PAGES:
            body = self.router_body(router, path)
            self.requests += [("GET", path, None), ("POST", "/_dash-update-component", body)]
            found: dict[str, list[dict[str, Any]]] = {}
            controls(json.loads(call(conn, "POST", "/_dash-update-component", body)), found)
            for panel, entries in found.items():
                key = f"..{panel}-graph.figure"
                render = next((c for c in deps if c["output"].startswith(key)), None)
                if render is not None:  # chart panels (What changed has controls of its own)
                    body = self.render_body(render, panel, entries)
                    self.requests.append(("POST", "/_dash-update-component", body))
        conn.close()
        return self

    @staticmethod
    def router_body(router: dict[str, Any], path: str) -> bytes:
        given = {"pathname": path, "search": ""}
        body = {
            "output": router["output"],
            "outputs": [{"id": "_pages_content", "property": "children"},
                        {"id": "_pages_store", "property": "data"}],
            "inputs": [{**d, "value": given.get(d["property"])} for d in router["inputs"]],
            "state": [],
            "changedPropIds": [f"{d['id']}.pathname" for d in router["inputs"]][:1],
        }  # fmt: skip
        return json.dumps(body).encode()

    @staticmethod
    def render_body(render: dict[str, Any], panel: str, entries: list[dict[str, Any]]) -> bytes:
        outputs = [
            dict(zip(("id", "property"), o.split(".", 1), strict=True))
            for o in render["output"].strip(".").split("...")
        ]
        view = {"id": {"type": "view", "panel": panel}, "property": "value", "value": "chart"}
        view_id = json.dumps(view["id"], sort_keys=True, separators=(",", ":"))
        body = {
            "output": render["output"],
            "outputs": outputs,
            "inputs": [[{**e, "property": "value"} for e in entries], view],
            "state": [[{"id": e["id"], "property": "id", "value": e["id"]} for e in entries]],
            "changedPropIds": [f"{view_id}.value"],
        }
        return json.dumps(body).encode()

    def client(self, offset: int) -> None:
        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        i = offset
        while not self.stop.is_set():
            method, path, body = self.requests[i % len(self.requests)]
            try:
                call(conn, method, path, body)
            except (OSError, http.client.HTTPException, AssertionError) as exc:
                conn.close()
                with self.lock:
                    self.errors.append(f"{type(exc).__name__}: {exc}"[:300])
            with self.lock:
                self.done += 1
            i += 1
        conn.close()

    def run(self) -> list[threading.Thread]:
        threads = [threading.Thread(target=self.client, args=(i * 5,)) for i in range(CLIENTS)]
        for thread in threads:
            thread.start()
        return threads


def version_of(port: int) -> str | None:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", "/healthz")
        return json.loads(conn.getresponse().read())["version"]
    except (OSError, ValueError, http.client.HTTPException):
        return None
    finally:
        conn.close()


@dataclass
class Poll:
    """Asks one instance for its version again and again: (sent at, version answered)."""

    port: int
    answers: list[tuple[float, str | None]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> threading.Thread:
        def ask() -> None:
            while not self.stop.is_set():
                sent = time.monotonic()
                self.answers.append((sent, version_of(self.port)))
                time.sleep(0.05)

        thread = threading.Thread(target=ask, daemon=True)
        thread.start()
        return thread

    def first(self, version: str) -> float:
        """When the first request answered with ``version`` was sent (inf if none was)."""
        return min((t for t, v in self.answers if v == version), default=float("inf"))

    def stale_after(self, moment: float, version: str) -> list[tuple[float, str | None]]:
        """Answers to requests sent after ``moment`` that were not ``version``."""
        return [(t, v) for t, v in self.answers if t > moment and v != version]


def watch_link(link: Path, before: str, seen: dict[str, float]) -> threading.Thread:
    """Note when ``link`` first names another version than ``before`` (the publish)."""

    def watch() -> None:
        while "swapped" not in seen:
            if os.path.basename(os.readlink(link)) != before:
                seen["swapped"] = time.monotonic()
            time.sleep(0.01)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_a_build_under_load_reaches_both_instances_without_an_error(data):
    root, later = data
    with Team(root, gunicorns=2) as team:
        assert len(team.upstreams) == 2
        before = version_of(team.upstreams[0])
        assert before and version_of(team.upstreams[1]) == before
        load = Load(team.port).prepare()
        polls = [Poll(port) for port in team.upstreams]
        threads = [*load.run(), *(poll.run() for poll in polls)]
        try:
            time.sleep(5)
            seen: dict[str, float] = {}
            watch_link(root / "processed", before, seen)
            indicators(root, "add", str(later))
            indicators(root, "build")
            published = os.path.basename(os.readlink(root / "processed"))
            assert published != before and "swapped" in seen
            time.sleep(SWITCH_LIMIT_S + 5)  # the load goes on, on the new version
        finally:
            load.stop.set()
            for poll in polls:
                poll.stop.set()
            for thread in threads:
                thread.join()
    swapped = seen["swapped"]
    firsts = [poll.first(published) - swapped for poll in polls]
    print(f"{load.done} requests, {len(load.errors)} errors; published {published}; each "
          f"instance answered with it to a request sent {', '.join(f'{f:.2f}' for f in firsts)}"
          " s after the link swapped")  # fmt: skip
    assert load.done > 100
    assert load.errors == [], load.errors[:5]
    for poll in polls:  # every request sent 5 s after the publish got the new version
        assert poll.stale_after(swapped + SWITCH_LIMIT_S, published) == []
        assert poll.first(published) <= swapped + SWITCH_LIMIT_S

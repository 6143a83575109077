"""The README's team set-up, started as written (real nginx, real gunicorn, on loopback): slow
clients do not stall it, oversized requests stop at the proxy, and every response carries the
security headers."""

from __future__ import annotations

import contextlib
import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.team import HOST, Team, commands, controls

pytestmark = pytest.mark.proxy

SLOW_CLIENTS = 16
PAGE_LIMIT_S = 3.0


@pytest.fixture(scope="module")
def team(published) -> Iterator[Team]:
    with Team(published.root) as running:
        yield running


def request(
    port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def router_body(port: int, path: str, search: str = "") -> bytes:
    """The page-content callback a browser posts on arriving at ``path`` (it lays the page out)."""
    _, _, raw = request(port, "GET", "/_dash-dependencies")
    router = next(c for c in json.loads(raw) if "_pages_content.children" in c["output"])
    given = {"pathname": path, "search": search}
    inputs = [{**d, "value": given.get(d["property"])} for d in router["inputs"]]
    outputs = [dict(zip(("id", "property"), o.split(".", 1), strict=True)) for o in
               router["output"].strip(".").split("...")]  # fmt: skip
    body = {
        "output": router["output"],
        "outputs": outputs,
        "inputs": inputs,
        "state": [],
        "changedPropIds": [f"{d['id']}.{d['property']}" for d in router["inputs"]],
    }
    return json.dumps(body).encode()


def open_page(port: int, path: str = "/internet", search: str = "") -> tuple[float, bytes]:
    """Seconds to get a page and its content (what a visit waits for), and that content."""
    started = time.monotonic()
    status, _, _ = request(port, "GET", path + search)
    assert status == 200
    status, _, content = request(
        port, "POST", "/_dash-update-component", router_body(port, path, search),
        {"Content-Type": "application/json"},
    )  # fmt: skip
    assert status == 200, content[:300]
    return time.monotonic() - started, content


class SlowClients:
    """Clients that send a callback body one byte every ``every_s`` seconds."""

    def __init__(self, port: int, count: int, every_s: float = 2.0) -> None:
        self.stop = threading.Event()
        self.socks = []
        head = (
            b"POST /_dash-update-component HTTP/1.1\r\nHost: dashboard\r\n"
            b"Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n"
        )
        for _ in range(count):
            sock = socket.create_connection((HOST, port), timeout=5)
            sock.sendall(head)
            self.socks.append(sock)
        self.thread = threading.Thread(target=self._drip, args=(every_s,), daemon=True)
        self.thread.start()

    def _drip(self, every_s: float) -> None:
        while not self.stop.wait(every_s):
            for sock in self.socks:
                with contextlib.suppress(OSError):
                    sock.send(b" ")

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        for sock in self.socks:
            sock.close()


def worst_page_time(port: int, seconds: float) -> float:
    """The slowest of the page visits made during ``seconds`` (a failed one counts as inf)."""
    worst, deadline = 0.0, time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            took, _ = open_page(port)
        except (OSError, AssertionError, http.client.HTTPException):
            took = float("inf")
        worst = max(worst, took)
    return worst


def test_the_readme_section_is_what_runs(team):
    lines = commands()
    assert any(line.startswith("gunicorn --config deploy/gunicorn.conf.py") for line in lines)
    assert any(line.startswith("nginx ") and "deploy/nginx.conf" in line for line in lines)
    status, headers, body = request(team.port, "GET", "/healthz")
    assert status == 200 and headers["Server"] == "nginx"
    assert json.loads(body)["tables"] >= 5


def test_sixteen_slow_clients_do_not_delay_a_page_through_the_proxy(team):
    open_page(team.port)  # warm: the page's layout is built once
    slow = SlowClients(team.port, SLOW_CLIENTS)
    try:
        worst = worst_page_time(team.port, 12.0)
    finally:
        slow.close()
    assert worst < PAGE_LIMIT_S, f"a page took {worst:.1f} s beside {SLOW_CLIENTS} slow clients"


def test_the_same_slow_clients_stall_gunicorn_alone(team):
    """Why the proxy is there: the clients above are slow enough to bite."""
    gunicorn = team.upstreams[0]
    open_page(gunicorn)
    slow = SlowClients(gunicorn, SLOW_CLIENTS)
    try:
        worst = worst_page_time(gunicorn, 6.0)
    finally:
        slow.close()
    assert worst > PAGE_LIMIT_S


def send_body_of(port: int, size: int, chunked: bool) -> tuple[int, bytes, float]:
    """Post ``size`` bytes as fast as the server takes them; its status, body and seconds."""
    sock = socket.create_connection((HOST, port), timeout=30)
    length = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}"
    started = time.monotonic()
    sock.sendall(
        f"POST /_dash-update-component HTTP/1.1\r\nHost: dashboard\r\n"
        f"Content-Type: application/json\r\n{length}\r\n\r\n".encode()
    )
    block, sent = b"x" * 65536, 0
    try:
        while sent < size:
            chunk = f"{len(block):x}\r\n".encode() + block + b"\r\n" if chunked else block
            sock.sendall(chunk)
            sent += len(block)
    except OSError:
        pass  # the server stopped reading: it has answered
    answer = b""
    try:
        while chunk := sock.recv(65536):
            answer += chunk
    except OSError:
        pass
    sock.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body, time.monotonic() - started


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_50_mb_body_is_refused_at_the_proxy(team, chunked):
    status, body, seconds = send_body_of(team.port, 50 * 2**20, chunked)
    assert status == 413
    assert body.startswith(
        b"Request refused: the body is larger than 1 MB"
    )  # nginx's, not the app's
    assert seconds < 10


def test_every_response_carries_the_security_headers(team):
    status, page, content = request(team.port, "GET", "/internet")
    assert status == 200 and "script-src 'self' 'sha256-" in page["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in page["Content-Security-Policy"]
    embed = request(team.port, "GET", "/internet?embed=1")[1]
    assert "frame-ancestors *" in embed["Content-Security-Policy"]
    status, too_large, _ = request(team.port, "POST", "/x", b"", {"Content-Length": "2000000"})
    assert status == 413
    for headers in (page, embed, too_large):
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert "object-src 'none'" in headers["Content-Security-Policy"]
        assert list(headers).count("Content-Security-Policy") == 1  # never twice
    bundles = [p for p in content.decode().split('"') if p.startswith("/_dash-component-suites/")]
    status, js, _zipped = request(
        team.port, "GET", bundles[-1], headers={"Accept-Encoding": "gzip"}
    )
    assert (
        status == 200
        and js["Content-Encoding"] == "gzip"
        and "max-age=31536000" in js["Cache-Control"]
    )
    asset = next(p for p in content.decode().split('"') if p.startswith("/assets/"))
    status, cached, _ = request(team.port, "GET", asset)
    assert status == 200 and "immutable" in cached["Cache-Control"]
    assert cached["X-Content-Type-Options"] == "nosniff"


def test_a_link_too_long_gets_a_page_saying_so_and_a_long_link_its_notice(team):
    status, headers, body = request(team.port, "GET", "/internet?x=" + "a" * 9000)
    assert status == 414 and b"This link is too long" in body
    assert headers["X-Content-Type-Options"] == "nosniff"
    # A 6 kB link (gunicorn alone once refused anything over 4 kB) shows its page and notice.
    search = "?internet-compare.entities=" + ",".join(["WLD", "XXX"] * 1000)
    assert len(search) > 6000
    _, content = open_page(team.port, "/internet", search)
    text = json.dumps(json.loads(content), ensure_ascii=False)
    assert "Entities: left out “XXX” (not in" in text  # named once, in plain words


def descendants(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == pid:
                found += [int(entry.name), *descendants(int(entry.name))]
    return found


def chromiums(pid: int) -> list[int]:
    """The Chromium browser processes below ``pid`` (not their renderers and helpers)."""
    out = []
    for child in descendants(pid):
        with contextlib.suppress(OSError):
            command = Path(f"/proc/{child}/cmdline").read_bytes()
            # (Chromium's helpers rewrite their command line into one string, --type= within)
            if b"chromium" in command.split(b"\0")[0] and b"--type=" not in command:
                out.append(child)
    return out


def download_body(deps: list[dict], panel: str, entries: list[dict], fmt: str) -> bytes:
    """What a panel's download button posts when clicked."""
    callback = next(c for c in deps if c["output"].startswith(f"..{panel}-download.data"))
    outputs = [
        dict(zip(("id", "property"), o.split(".", 1), strict=True))
        for o in callback["output"].strip(".").split("...")
    ]
    clicked = f"{panel}-dl-{fmt}"
    body = {
        "output": callback["output"],
        "outputs": outputs,
        "inputs": [{**d, "value": 1 if d["id"] == clicked else None} for d in callback["inputs"]],
        "state": [
            [{"id": e["id"], "property": "value", "value": e["value"]} for e in entries],
            [{"id": e["id"], "property": "id", "value": e["id"]} for e in entries],
        ],
        "changedPropIds": [f"{clicked}.n_clicks"],
    }
    return json.dumps(body).encode()


def test_every_worker_draws_its_images_with_the_one_chromium_of_the_machine(team):
    _, _, raw = request(team.port, "GET", "/_dash-dependencies")
    deps = json.loads(raw)
    found: dict[str, list] = {}
    for path in ("/internet", "/affordability", "/bandwidth"):
        controls(json.loads(open_page(team.port, path)[1]), found)
    panels = [p for p in found if any(c["output"].startswith(f"..{p}-download") for c in deps)]
    assert len(panels) >= 6
    for panel in panels:  # a different view each time: no worker answers from its cache
        status, _, answer = request(
            team.port, "POST", "/_dash-update-component",
            download_body(deps, panel, found[panel], "png"), {"Content-Type": "application/json"},
        )  # fmt: skip
        assert status == 200 and b'"filename"' in answer and b"iVBORw0KGgo" in answer  # a PNG
    server = team.render_server()
    assert server is not None
    assert len(chromiums(server)) == 1  # one Chromium drew them all...
    assert server not in descendants(team.gunicorn(0).pid)  # ...in a server of the machine's
    assert chromiums(team.gunicorn(0).pid) == []  # and none in the workers


def test_a_dashboard_that_is_down_gets_the_proxy_s_page_with_the_headers(published):
    with Team(published.root) as alone:
        alone.gunicorn(0).terminate()
        alone.gunicorn(0).wait(timeout=40)
        status, headers, body = request(alone.port, "GET", "/internet")
    assert status == 503 and b"restarting or busy" in body
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'self'" in headers["Content-Security-Policy"]

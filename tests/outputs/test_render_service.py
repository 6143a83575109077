"""One Chromium per machine: the render server draws every process's images, is started by the
first that needs it, comes back within seconds when killed, and stops when idle."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import plotly.graph_objects as go
import pytest
from PIL import Image, ImageChops

from indicators.outputs import folders, render, render_client

pytestmark = pytest.mark.browser  # Chromium starts and dies in each: the slow tier

FIGURE = render.figure_dict(go.Figure(go.Bar(x=["a", "b", "c"], y=[3, 1, 2])))
PNG = render.Job(FIGURE, "png", 300, 200, 2)

CLIENT = """
import sys
from pathlib import Path
from indicators.outputs import render, render_client
remote = render_client.RemoteRenderer(Path(sys.argv[1]), fallback=render.local_renderer)
remote.render(render.Job({"data": [], "layout": {}}, "png", 50, 50, 1))
print(remote.server_pid(), remote.pid())
"""


@pytest.fixture
def remote(tmp_path):
    path = tmp_path / "render.sock"
    client = render_client.RemoteRenderer(path, fallback=render.local_renderer)
    yield client
    if client.alive():
        os.kill(client.server_pid(), signal.SIGTERM)
        for _ in range(100):
            if not path.exists():
                break
            time.sleep(0.1)


def same_pixels(a: bytes, b: bytes) -> bool:
    first, second = (Image.open(io.BytesIO(x)).convert("RGB") for x in (a, b))
    return first.size == second.size and ImageChops.difference(first, second).getbbox() is None


def test_processes_share_one_server_and_one_chromium(remote):
    drawn = remote.render(PNG)
    assert remote.starts == 1
    others = [
        subprocess.run(
            [sys.executable, "-c", CLIENT, str(remote.path)], capture_output=True, text=True
        )
        for _ in range(2)
    ]
    assert all(o.returncode == 0 for o in others), others[0].stderr[-2000:]
    answers = {tuple(o.stdout.split()) for o in others}
    assert answers == {(str(remote.server_pid()), str(remote.pid()))}  # nobody started another
    local = render.Renderer()
    try:
        assert same_pixels(drawn, local.render(PNG))  # the same image as a process's own
    finally:
        local.close()


def test_a_killed_server_is_back_for_the_next_download_within_seconds(remote):
    remote.render(PNG)
    first, chromium = remote.server_pid(), remote.pid()
    os.kill(first, signal.SIGKILL)
    started = time.monotonic()
    assert remote.render(PNG).startswith(b"\x89PNG")
    assert time.monotonic() - started < 10
    assert remote.server_pid() != first and remote.starts == 2
    for _ in range(50):  # the killed server's Chromium quits with its pipe
        if not Path(f"/proc/{chromium}").exists():
            break
        time.sleep(0.1)
    leftovers = list(Path("/tmp").glob(f"{folders.FOLDER_PREFIX}{first}-*"))
    assert leftovers == []  # the new server removed the killed one's folder


def test_the_server_stops_when_idle_and_takes_its_chromium_along(tmp_path):
    path = tmp_path / "idle.sock"
    server = subprocess.Popen(
        [sys.executable, "-m", render_client.SERVER_MODULE, str(path), "4"],
        env={k: v for k, v in os.environ.items() if k != render_client.SOCKET_ENV},
    )
    remote = render_client.RemoteRenderer(path, fallback=render.local_renderer)
    for _ in range(100):
        if remote.alive():
            break
        time.sleep(0.1)
    remote.render(PNG)  # (a first render, Chromium's start included, may outlast the idle time)
    chromium = remote.pid()
    assert remote.starts == 0  # the render did not outlive the server
    assert server.wait(timeout=60) == 0
    assert not path.exists()
    assert (
        not Path(f"/proc/{chromium}").exists()
        or " Z " in Path(f"/proc/{chromium}/stat").read_text()
    )
    assert list(Path("/tmp").glob(f"{folders.FOLDER_PREFIX}{server.pid}-*")) == []


def test_without_a_server_a_process_draws_its_own_images(tmp_path, monkeypatch):
    monkeypatch.setattr(render_client, "START_TIMEOUT_S", 0.5)
    monkeypatch.setattr(render_client, "SERVER_MODULE", "indicators.no_such_module")
    own = render.Renderer()
    remote = render_client.RemoteRenderer(tmp_path / "none.sock", fallback=lambda: own)
    try:
        assert remote.render(PNG).startswith(b"\x89PNG")
        assert own.starts == 1
    finally:
        own.close()

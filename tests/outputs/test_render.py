"""The process's Chromium: concurrent renders, restart after a crash, the download cache."""

from __future__ import annotations

import io
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import plotly.graph_objects as go
import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from indicators import catalogue
from indicators.outputs import export, folders, render

FIGURE = render.figure_dict(go.Figure(go.Scatter(x=[1, 2, 3], y=[2, 1, 3])))
MAGIC = {"png": b"\x89PNG", "svg": b"<svg", "pdf": b"%PDF"}


@pytest.fixture
def renderer():
    r = render.Renderer(tabs=2)
    yield r
    r.close()


def test_renders_several_formats_at_once(renderer):
    jobs = [render.Job(FIGURE, fmt, 300, 200, 1) for fmt in ("png", "svg", "pdf", "png")]
    out = renderer.render_many(jobs)
    assert [o[:4] for o in out] == [MAGIC[j.fmt][:4] for j in jobs]
    assert renderer.starts == 1


def test_a_dead_chromium_is_restarted(renderer):
    renderer.render(render.Job(FIGURE, "png", 300, 200, 1))
    first = renderer.pid()
    os.kill(first, signal.SIGKILL)
    for _ in range(50):
        if not renderer.alive():
            break
        time.sleep(0.1)
    assert not renderer.alive()
    out = renderer.render(render.Job(FIGURE, "svg", 300, 200, 1))
    assert out.lstrip().startswith(b"<svg")
    assert renderer.starts == 2 and renderer.pid() != first


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid:
            found += [int(entry.name), *descendants(int(entry.name))]
    return found


def kill_tabs(renderer) -> list[int]:
    """SIGKILL the renderer processes of the renderer's Chromium (its tabs' pages)."""
    tabs = []
    for pid in descendants(renderer.pid()):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"--type=renderer" in command:
            os.kill(pid, signal.SIGKILL)
            tabs.append(pid)
    return tabs


def heavy_figure(points: int = 60_000) -> dict:
    """A figure that takes Chromium seconds to draw, so a kill lands mid-render."""
    xs = [i % 997 / 997 for i in range(points)]
    return render.figure_dict(go.Figure(go.Scatter(x=xs, y=xs[::-1], mode="markers")))


@pytest.mark.browser  # seconds of Chromium drawing, twice: the slow tier
def test_a_tab_killed_mid_render_is_noticed_at_once_and_the_render_retried(renderer, caplog):
    renderer.render(render.Job(FIGURE, "png", 300, 200, 1))
    first = renderer.pid()
    caplog.set_level(logging.WARNING, logger=render.__name__)
    heavy: dict = {}

    def draw_heavy() -> None:
        try:
            heavy["svg"] = renderer.render(render.Job(heavy_figure(), "svg", 600, 400, 1))
        except render.RenderError as exc:
            heavy["error"] = exc

    thread = threading.Thread(target=draw_heavy)
    thread.start()
    time.sleep(1.0)
    assert thread.is_alive(), "the heavy render ended before the kill: make it heavier"
    assert kill_tabs(renderer)
    killed = time.monotonic()
    nxt = renderer.render(render.Job(FIGURE, "png", 300, 200, 1))  # the next download
    waited = time.monotonic() - killed
    assert nxt.startswith(MAGIC["png"])
    assert waited < 10, f"the next download waited {waited:.1f} s after the tab died"
    thread.join(render.TIMEOUT_S)
    assert heavy.get("svg", b"").lstrip().startswith(b"<svg"), heavy  # retried once, drawn
    assert renderer.starts == 2 and renderer.pid() != first
    assert "a Chromium tab crashed" in caplog.text


@pytest.mark.browser
def test_a_tab_that_died_while_idle_does_not_stall_the_next_render(renderer):
    renderer.render(render.Job(FIGURE, "png", 300, 200, 1))
    assert kill_tabs(renderer)
    time.sleep(0.5)  # Chromium reports the crash
    started = time.monotonic()
    out = renderer.render(render.Job(FIGURE, "svg", 300, 200, 1))
    assert out.lstrip().startswith(b"<svg")
    assert time.monotonic() - started < 10
    assert renderer.starts == 2


def test_the_profile_folder_goes_with_the_renderer(renderer):
    renderer.render(render.Job(FIGURE, "png", 300, 200, 1))
    folder = renderer.folder
    assert folder is not None and folder.name.startswith(f"{folders.FOLDER_PREFIX}{os.getpid()}-")
    assert (folder / "index.html").exists() and len(list(folder.iterdir())) >= 2  # + profile
    renderer.close()
    assert not folder.exists()


KILLED_WORKER = """
import sys, time
from indicators.outputs import render
r = render.renderer()
r.start()
print(r.pid(), r.folder, flush=True)
time.sleep(600)
"""


def test_a_killed_process_leaves_no_chromium_and_its_folder_is_removed_after_it():
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_WORKER], stdout=subprocess.PIPE, text=True
    )
    chromium, folder = child.stdout.readline().split()
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    for _ in range(50):  # Chromium quits when its pipe closes
        if (
            not Path(f"/proc/{chromium}").exists()
            or " Z " in Path(f"/proc/{chromium}/stat").read_text()
        ):
            break
        time.sleep(0.1)
    else:
        pytest.fail("the killed process's Chromium is still running")
    assert Path(folder).exists()  # a SIGKILL runs no clean-up...
    assert Path(folder) in folders.remove_folders(child.pid)  # ...the master's hook does
    assert not Path(folder).exists()
    stale = Path(folder).with_name(f"{folders.FOLDER_PREFIX}{child.pid}-stale")
    stale.mkdir()
    assert stale in folders.remove_folders()  # and so does the next renderer to start
    mine = Path(folder).with_name(f"{folders.FOLDER_PREFIX}{os.getpid()}-mine")
    mine.mkdir()
    try:
        assert mine not in folders.remove_folders()  # never a running process's folder
    finally:
        mine.rmdir()


def test_what_still_runs_in_a_dead_process_folder_is_stopped_before_the_folder_goes(tmp_path):
    """A killed worker's Chromium may outlive it for a moment and write its profile back as it
    quits: the sweep stops it first, so the folder does not come back."""
    gone = subprocess.Popen(["sleep", "60"])
    gone.kill()  # killed and not reaped yet: a zombie, which runs no more than a reaped one
    time.sleep(0.2)
    folder = Path(folders.tempfile.gettempdir()) / f"{folders.FOLDER_PREFIX}{gone.pid}-orphan"
    folder.mkdir()
    # Stands for the orphaned Chromium: it runs with the folder on its command line and keeps
    # writing into it.
    writer = subprocess.Popen(
        ["/bin/sh", "-c", 'while :; do mkdir -p "$0/profile"; sleep 0.05; done', str(folder)]
    )
    try:
        time.sleep(0.3)
        assert folder in folders.remove_folders()
        writer.wait(timeout=5)  # stopped, not left running
        time.sleep(0.3)
        assert not folder.exists()
    finally:
        writer.kill()
        writer.wait()
        gone.wait()


def test_a_bad_format_is_refused_before_rendering(renderer):
    with pytest.raises(ValueError, match="unknown image format"):
        renderer.render(render.Job(FIGURE, "gif", 300, 200, 1))
    assert renderer.starts == 0


def test_byte_cache_makes_once_and_drops_the_oldest():
    cache = render.ByteCache(max_bytes=10)
    made = []

    def make(value: bytes):
        def inner() -> bytes:
            made.append(value)
            return value

        return inner

    assert cache.get_or_make("a", make(b"aaaa")) == b"aaaa"
    assert cache.get_or_make("a", make(b"zzzz")) == b"aaaa"
    cache.get_or_make("b", make(b"bbbb"))
    cache.get_or_make("c", make(b"cccc"))  # 12 bytes: "a" goes
    assert made == [b"aaaa", b"bbbb", b"cccc"]
    cache.get_or_make("a", make(b"aaaa"))
    assert made[-1] == b"aaaa" and cache.hits == 1


def test_downloads_are_rendered_once_per_version_and_view(tables):
    chart = catalogue.render("internet_gap", tables)
    cache = render.download_cache()
    key = ("version-x", "internet_gap", "view-1")
    first = export.download_bytes(chart, "svg", key)
    misses = cache.misses
    assert export.download_bytes(chart, "svg", key) == first
    assert cache.misses == misses
    export.download_bytes(chart, "svg", ("version-y", "internet_gap", "view-1"))
    assert cache.misses == misses + 1


def test_png_and_pdf_made_from_the_svg_equal_direct_renders(renderer, tables):
    chart = catalogue.render("price_distribution", tables, {"year": 2025})
    jobs = export.image_jobs(chart, ["svg", "png", "pdf"], 600, 420, 3)
    [streamed] = renderer.render_stream([jobs])
    direct = renderer.render_many(jobs[1:])
    png_streamed = Image.open(io.BytesIO(streamed[1]))
    png_direct = Image.open(io.BytesIO(direct[0]))
    assert png_streamed.size == png_direct.size == (1800, 1260)
    assert (
        ImageChops.difference(png_streamed.convert("RGB"), png_direct.convert("RGB")).getbbox()
        is None
    )
    pages = [PdfReader(io.BytesIO(content)).pages for content in (streamed[2], direct[1])]
    assert [len(p) for p in pages] == [1, 1]
    assert [round(float(p[0].mediabox.width)) for p in pages] == [450, 450]  # 600 px at 96 dpi


def test_a_message_chromium_garbled_is_kept_for_debugging_without_a_traceback(caplog):
    """choreographer logs an undecodable message from Chromium with its traceback and goes on;
    the user of a pack sees nothing of it, other warnings still reach them."""
    from choreographer.channels import pipe

    render.quiet_wire_noise()
    wire = pipe._logger
    with caplog.at_level(logging.DEBUG, logger="choreographer.channels.pipe"):
        try:
            raise ValueError("Expecting ',' delimiter")
        except ValueError:
            wire.exception("JSONError decoding message. Ignoring")
        wire.warning("Chromium closed the pipe")
    garbled, other = caplog.records
    assert (garbled.levelno, garbled.exc_info) == (logging.DEBUG, None)
    assert other.levelno == logging.WARNING

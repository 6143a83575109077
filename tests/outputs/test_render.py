"""The process's Chromium: concurrent renders, restart after a crash, the download cache."""

from __future__ import annotations

import io
import os
import signal
import time

import plotly.graph_objects as go
import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from indicators import catalogue
from indicators.outputs import export, render

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

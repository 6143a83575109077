"""The house layout: every catalogue chart at every size preset against reference images.

The charts are drawn from made-up tables (tests/figure_tables.py), so the references hold no
publisher's data. Images are rendered at half scale and compared pixel by pixel with a
tolerance for anti-aliasing; a moved block, a wrapped line or a changed font size fails.
Regenerate the references after an intended change with
``INDICATORS_UPDATE_REFERENCES=1 pytest tests/test_layout.py``, and look at them.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import plotly.graph_objects as go
import pytest
from PIL import Image, ImageChops, ImageStat

from indicators import catalogue
from indicators.figures import layout, theme
from indicators.outputs import export, render
from indicators.outputs.pack import SIZES
from tests.figure_tables import MadeUpTables

REFERENCES = Path(__file__).resolve().parents[1] / "reference"
SCALE = 0.5
UPDATE = os.environ.get("INDICATORS_UPDATE_REFERENCES") == "1"
# Mean absolute difference (0-255, greyscale) and share of pixels off by more than 64: what a
# font hinting change moves, far less than a block moved by a few pixels.
MEAN_TOLERANCE = 1.5
PIXEL_SHARE_TOLERANCE = 0.004


@pytest.fixture(scope="module")
def made_up():
    return MadeUpTables()


@pytest.fixture(scope="module")
def rendered(made_up):
    """Every catalogue chart at every preset, rendered in one batch."""
    keys, jobs = [], []
    for spec in list(catalogue.load().charts.values()):
        chart = catalogue.render(spec.id, made_up)
        for size, (width, height) in SIZES.items():
            keys.append((spec.id, size))
            jobs.extend(export.image_jobs(chart, ["png"], width, height, SCALE))
    images = render.renderer().render_many(jobs)
    return dict(zip(keys, images, strict=True))


def difference(a: Image.Image, b: Image.Image) -> tuple[float, float]:
    diff = ImageChops.difference(a.convert("L"), b.convert("L"))
    mean = ImageStat.Stat(diff).mean[0]
    off = sum(diff.histogram()[65:]) / (diff.width * diff.height)
    return mean, off


def all_cases() -> list[tuple[str, str]]:
    return [(spec.id, size) for spec in list(catalogue.load().charts.values()) for size in SIZES]


@pytest.mark.parametrize(("chart_id", "size"), all_cases())
def test_matches_reference(rendered, chart_id, size):
    image = Image.open(io.BytesIO(rendered[(chart_id, size)]))
    width, height = SIZES[size]
    assert image.size == (int(width * SCALE), int(height * SCALE))
    path = REFERENCES / f"{chart_id}-{size}.png"
    if UPDATE or not path.exists():
        if not UPDATE:
            pytest.fail(f"no reference image {path.name}; run with INDICATORS_UPDATE_REFERENCES=1")
        REFERENCES.mkdir(exist_ok=True)
        path.write_bytes(rendered[(chart_id, size)])
    mean, off = difference(image, Image.open(path))
    assert mean <= MEAN_TOLERANCE and off <= PIXEL_SHARE_TOLERANCE, (
        f"{path.name}: mean difference {mean:.2f}, {off:.2%} of pixels differ"
    )


def test_comparison_notices_a_moved_title(rendered):
    """The tolerance is tight enough to catch a title moved by a few pixels."""
    base = Image.open(io.BytesIO(rendered[("internet_by_group", "page")]))
    moved = Image.new("RGB", base.size, "white")
    moved.paste(base.convert("RGB").crop((0, 0, base.width, 40)), (4, 0))
    moved.paste(base.convert("RGB").crop((0, 40, base.width, base.height)), (0, 40))
    mean, off = difference(base, moved)
    assert mean > MEAN_TOLERANCE or off > PIXEL_SHARE_TOLERANCE


def test_sizes_scale_fonts_margins_and_lines_together():
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], name="a"))
    fig.add_trace(go.Scatter(x=[1, 2], y=[4, 5], name="b"))
    column = layout.apply(go.Figure(fig), "T", "S", ["Source: s"], *SIZES["column"])
    slide = layout.apply(go.Figure(fig), "T", "S", ["Source: s"], *SIZES["slide"])
    ratio = layout.scale_for(*SIZES["slide"]) / layout.scale_for(*SIZES["column"])
    assert slide.layout.font.size / column.layout.font.size == pytest.approx(ratio)
    assert slide.layout.margin.b / column.layout.margin.b == pytest.approx(ratio, rel=0.05)
    assert slide.data[0].line.width / column.data[0].line.width == pytest.approx(ratio)


def test_laying_out_twice_does_not_compound():
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], line={"width": 2}))
    once = layout.apply(go.Figure(fig), "T", "S", [], 1600, 900)
    twice = layout.apply(
        layout.apply(go.Figure(fig), "T", "S", [], 600, 420), "T", "S", [], 1600, 900
    )
    assert twice.data[0].line.width == pytest.approx(once.data[0].line.width)


def test_every_block_starts_at_the_one_inset():
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4], name="a"))
    fig.add_trace(go.Scatter(x=[1, 2], y=[4, 5], name="b"))
    width, height = SIZES["page"]
    out = layout.apply(fig, "Title", "Subtitle", ["Source: x"], width, height)
    inset = layout.INSET * layout.scale_for(width, height)
    assert out.layout.title.x * width == pytest.approx(inset)
    assert out.layout.legend.x * width == pytest.approx(inset)
    footer = next(a for a in out.layout.annotations if a.name == "caption")
    plot_w = width - out.layout.margin.l - out.layout.margin.r
    assert out.layout.margin.l + footer.x * plot_w == pytest.approx(inset)


def test_long_caption_lines_wrap_inside_the_width():
    words = "Source: " + " ".join(["International Telecommunication Union"] * 12)
    for width, height in SIZES.values():
        scale = layout.scale_for(width, height)
        usable = width - 2 * layout.INSET * scale
        lines = layout.wrap(words, usable, layout.CAPTION_FONT * scale)
        assert len(lines) > 1
        assert all(layout.text_px(line, layout.CAPTION_FONT * scale) <= usable for line in lines)
        assert " ".join(lines) == words


LEGENDS = [
    [
        "World",
        "Least developed countries (LDCs)",
        "Landlocked developing countries (LLDCs)",
        "Small island developing States (SIDS)",
    ],
    ["World", "High income", "Upper middle income", "Lower middle income", "Low income"],
    ["World", "Africa", "The Americas", "Arab States", "Asia & Pacific", "CIS", "Europe"],
]


def legend_rows_drawn(svg: str) -> int:
    """How many rows plotly drew the legend in (distinct vertical offsets of its items)."""
    legend = svg[svg.index('class="legend"') :]
    offsets = re.findall(r'class="traces"[^>]*transform="translate\(([\d.]+),\s*([\d.]+)\)', legend)
    return len({round(float(y)) for _, y in offsets})


def legend_bottom_drawn(svg: str) -> float:
    """Where plotly's legend box ends, in px from the top of the image."""
    legend = svg[svg.index('class="legend"') :]
    top = float(re.search(r'transform="translate\([\d.]+,\s*([\d.]+)\)"', legend).group(1))
    return top + float(re.search(r'class="bg"[^>]*height="([\d.]+)"', legend).group(1))


@pytest.mark.parametrize("grouped", [False, True], ids=["plain", "grouped"])
@pytest.mark.parametrize("names", LEGENDS, ids=["special", "income", "regions"])
def test_legend_rows_are_counted_as_plotly_draws_them(names, grouped):
    """The layout reserves room for every legend row plotly draws (a legend that wrapped into
    more rows than counted was drawn over the plot), at sizes from a Word column to a slide;
    text widths are estimated on the wide side, so a row more at most. Grouped: each name a
    legend group of two traces, one of them in the legend (the price medians' points and
    lines), which plotly lays out in columns unless told otherwise."""
    cases = [
        (227, 0.73),
        (454, 0.615),
        (454, 0.727),
        (600, 0.9),
        (1000, 1.0),
        (888, 1.27),
        (1600, 1.6),
    ]
    jobs, expected, plot_tops = [], [], []
    for width, scale in cases:
        traces = [go.Scatter(x=[2019, 2024], y=[1, 2], name=n, legendgroup=n) for n in names]
        if grouped:
            traces += [
                go.Scatter(x=[2021, 2024], y=[1, 2], name=n, legendgroup=n, showlegend=False)
                for n in names
            ]
        else:
            traces = [t.update(legendgroup=None) for t in traces]
        fig = go.Figure(traces)
        theme.install()
        fig.update_layout(template=theme.TEMPLATE)
        laid = layout.apply(fig, "", "", [], width, int(width * 0.6), scale)
        jobs.append(render.Job(render.figure_dict(laid), "svg", width, int(width * 0.6)))
        expected.append(layout.legend_rows(fig, width, scale))
        plot_tops.append(laid.layout.margin.t)
    svgs = [svg.decode() for svg in render.renderer().render_many(jobs)]
    drawn = [legend_rows_drawn(svg) for svg in svgs]
    pairs = list(zip(cases, drawn, expected, strict=True))
    assert all(d <= e <= d + 1 for _, d, e in pairs), pairs
    # and the box it draws ends above the plot (an 8 pt legend in Word once hid the top of
    # a 0-100 axis and the line along it)
    bottoms = [legend_bottom_drawn(svg) for svg in svgs]
    assert all(b <= t for b, t in zip(bottoms, plot_tops, strict=True)), (cases, bottoms, plot_tops)

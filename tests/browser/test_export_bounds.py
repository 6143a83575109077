"""Exported figures on the real data: no text leaves the canvas, and the blocks line up.

Every figure of the example report specs is rendered as SVG at every size preset, opened in
headless Chromium, and the bounding box of every piece of text is measured.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from selenium import webdriver

from indicators.figures import layout
from indicators.outputs import export, pack, render

pytestmark = pytest.mark.browser

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MEASURE_JS = """
const svg = document.documentElement;
const out = [];
for (const t of document.querySelectorAll('text')) {
    const r = t.getBoundingClientRect();
    if (!t.textContent.trim() || r.width === 0) { continue; }
    const parent = t.closest('g[class]');
    const own = t.getAttribute('class') || '';
    const cls = own + ' ' + (parent ? parent.getAttribute('class') : '');
    out.push([t.textContent, r.left, r.top, r.right, r.bottom, cls]);
}
return [Number(svg.getAttribute('width')), Number(svg.getAttribute('height')), out];
"""


@pytest.fixture(scope="module")
def svgs(tables, tmp_path_factory):
    """(spec, figure id, size) -> path of the SVG, for every example figure at every preset."""
    folder = tmp_path_factory.mktemp("bounds")
    keys, jobs = [], []
    for spec_path in sorted(EXAMPLES.glob("*.*")):
        spec = pack.load_spec(spec_path)
        for entry, chart in pack.render_entries(spec, tables):
            for size, (width, height) in pack.SIZES.items():
                keys.append((spec_path.stem, entry.id, size))
                jobs.extend(export.image_jobs(chart, ["svg"], width, height, 1))
    out = {}
    for key, content in zip(keys, render.renderer().render_many(jobs), strict=True):
        path = folder / ("-".join(key) + ".svg")
        path.write_bytes(content)
        out[key] = path
    return out


@pytest.fixture(scope="module")
def driver():
    options = webdriver.ChromeOptions()
    options.add_argument("--headless=new")
    options.add_argument("--no-sandbox")
    options.add_argument("--window-size=1800,1100")
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    browser = webdriver.Chrome(options=options)
    yield browser
    browser.quit()


@pytest.fixture(scope="module")
def measured(svgs, driver):
    out = {}
    for key, path in svgs.items():
        driver.get(path.as_uri())
        out[key] = driver.execute_script(MEASURE_JS)
    return out


def test_every_example_figure_was_measured(measured):
    figures = sum(len(pack.load_spec(path).entries) for path in EXAMPLES.glob("*.*"))
    assert figures == 31  # in the three examples
    assert len(measured) == 3 * figures  # three presets each
    assert all(len(texts) > 3 for _, _, texts in measured.values())


def test_no_text_leaves_the_canvas(measured):
    outside = []
    for key, (width, height, texts) in measured.items():
        for text, left, top, right, bottom, _ in texts:
            if left < -0.5 or top < -0.5 or right > width + 0.5 or bottom > height + 0.5:
                outside.append(f"{'/'.join(key)}: {text[:60]!r} at {left:.0f},{top:.0f}-"
                               f"{right:.0f},{bottom:.0f} on {width}x{height}")  # fmt: skip
    assert outside == []


def test_title_legend_and_footer_share_the_left_inset(measured):
    off = []
    for key, (width, height, texts) in measured.items():
        inset = layout.INSET * layout.scale_for(width, height)
        starts = {
            kind: min(left for text, left, *_, cls in texts if kind in cls)
            for kind in ("gtitle", "annotation", "legendtext")
            if any(kind in cls for *_, cls in texts)
        }
        title = starts["gtitle"]
        footer = min(left for text, left, *_ in texts if text.startswith("Source:"))
        if abs(title - inset) > 2.5 or abs(footer - inset) > 2.5:
            off.append(f"{'/'.join(key)}: title at {title:.1f}, source at {footer:.1f}")
        ticks = [left for text, left, *_, cls in texts if "ytick" in cls or "ytitle" in cls]
        # Plotly measures axis labels only in the browser; the layout's estimate errs wide.
        if ticks and not inset - 2.5 <= min(ticks) <= inset + 15 * layout.scale_for(width, height):
            off.append(f"{'/'.join(key)}: axis labels start at {min(ticks):.1f}, inset {inset}")
    assert off == []

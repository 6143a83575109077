"""The Word document and the deck opened in LibreOffice (Writer and Impress, headless), turned
into PDF and PNG pages, and measured where a reader sees them: where LibreOffice placed each
picture and at what size, how large the text in it prints, where captions and titles fall.

The PNG pages are kept in pytest's temporary folder (``pages/``) for a person to look at.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest
from pptx import Presentation
from pypdf import PdfReader

from indicators.cli import main
from indicators.contract import store
from indicators.outputs import deck, documents, export, office, pack, render, worddoc

pytestmark = pytest.mark.office

SPEC = """
title: Office check
size: page
figures:
  - id: gap
    chart: internet_gap
    params: {entity_a: DEVELOPED, entity_b: LDC, mode: ratio, reference: 4,
             edition: itu_aggregates@2019-10}
  - id: groups
    chart: internet_by_group
    params: {grouping: income, edition: itu_aggregates@2024-11}
  - id: per-user
    chart: bandwidth_per_user
    params: {grouping: income, edition: itu_aggregates@2024-11}
  - id: medians
    chart: price_medians
    params: {basket: fixed_broadband, grouping: income, unit: pct_gni_pc}
"""
CM = 72 / 2.54


def convert(path: Path, out: Path, profile: Path) -> Path:
    """The file as LibreOffice prints it to PDF (a private profile: runs side by side)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.fail("LibreOffice (soffice) is needed for the office tier")
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    pdf = out / f"{path.stem}.pdf"
    assert pdf.exists(), f"LibreOffice did not convert {path.name}"
    return pdf


@dataclasses.dataclass
class Placed:
    """An image as the PDF draws it: width and height in pt, top from the page's top."""

    width: float
    height: float
    left: float
    top: float


def images(pdf: Path) -> list[list[Placed]]:
    """Every image drawn on every page, with the size and place the PDF gives it."""
    pages = []
    for page in PdfReader(pdf).pages:
        found: list[Placed] = []
        height = float(page.mediabox.height)

        def visit(op, args, cm, tm, found=found, height=height):
            if op == b"Do":
                a, _, _, d, e, f = (float(v) for v in cm)
                found.append(Placed(a, d, e, height - (f + d)))

        page.extract_text(visitor_operand_before=visit)
        pages.append(found)
    return pages


def lines(pdf: Path, tmp: Path) -> list[list[tuple[str, float, float]]]:
    """Every text line on every page as (text, top, bottom) in pt (poppler's pdftotext)."""
    html = tmp / f"{pdf.stem}-bbox.html"
    subprocess.run(["pdftotext", "-bbox-layout", str(pdf), str(html)], check=True, timeout=120)
    text = re.sub(r"<!DOCTYPE[^>]*>", "", html.read_text(encoding="utf-8"))
    root = ElementTree.fromstring(re.sub(r'\sxmlns="[^"]+"', "", text, count=1))
    pages = []
    for page in root.iter("page"):
        found = []
        for line in page.iter("line"):
            words = [w.text or "" for w in line.iter("word")]
            found.append((" ".join(words), float(line.get("yMin")), float(line.get("yMax"))))
        pages.append(found)
    return pages


def smallest_font_px(job: render.Job) -> float:
    """The smallest text plotly draws in a picture, in its CSS px (from the same layout as SVG)."""
    svg = render.renderer().render(dataclasses.replace(job, fmt="svg", scale=1)).decode()
    sizes = [float(s) for s in re.findall(r"font-size:\s*([\d.]+)px", svg)]
    assert sizes, "no text in the picture"
    return min(sizes)


@pytest.fixture(scope="module")
def opened(published, tmp_path_factory):
    """The pack's Word and PowerPoint files, and LibreOffice's PDF of each, with PNG pages."""
    root = tmp_path_factory.mktemp("office")
    spec = root / "office.yaml"
    spec.write_text(SPEC)
    out = root / "pack"
    args = ["--data-dir", str(published.root), "export", str(spec), "--out", str(out)]
    assert main([*args, "--format", "docx,pptx"]) == 0
    profile = root / "profile"
    word = convert(out / "office.docx", root / "word", profile)
    slides = convert(out / "office.pptx", root / "deck", profile)
    for pdf in (word, slides):
        pngs = root / "pages" / pdf.parent.name
        pngs.mkdir(parents=True)
        subprocess.run(["pdftoppm", "-r", "60", "-png", str(pdf), str(pngs / "page")], check=True)
    tables = store.TableCache(published)
    loaded = pack.load_spec(spec)
    rendered = pack.render_entries(loaded, tables)
    figs = [
        office.figure_doc(i, e.id, c, loaded.size, pack.dimensions(loaded.size), export.alt_text(c))
        for i, (e, c) in enumerate(rendered, 1)
    ]
    geometry = office.Geometry.of(documents.Options(), ("docx", "pptx"))
    return {
        "out": out,
        "word": word,
        "deck": slides,
        "root": root,
        "pages": root / "pages",
        "charts": [c for _, c in rendered],
        "figs": figs,
        "geometry": geometry,
    }


def test_the_deck_shows_every_picture_across_the_content_width(opened):
    placed = images(opened["deck"])
    content = deck.frame(None).width
    assert [len(p) for p in placed] == [0, 1, 1, 1, 1]
    for page in placed[1:]:
        assert page[0].width == pytest.approx(content, abs=1)
        assert page[0].left == pytest.approx(deck.MARGIN.pt, abs=1)


def test_the_text_in_the_slide_pictures_projects_at_14_pt_or_more(opened):
    placed = images(opened["deck"])
    for chart, fig, page in zip(opened["charts"], opened["figs"], placed[1:], strict=True):
        job = office.slide_job(chart, fig, opened["geometry"])
        printed = smallest_font_px(job) * page[0].width / job.width
        assert printed >= deck.SMALLEST_PT - 0.05, (fig.id, printed)


def test_slide_titles_are_one_line_above_the_subtitle(opened):
    titles = [s.shapes.title.text for s in Presentation(opened["out"] / "office.pptx").slides]
    pages = lines(opened["deck"], opened["root"])
    for title, fig, page in zip(titles[1:], opened["figs"], pages[1:], strict=True):
        found = [line for line in page if line[0] == title]
        assert found, (title, [line[0] for line in page[:3]])
        below = [line for line in page if line[0] == fig.title]
        assert below and found[0][2] <= below[0][1], "the title runs into the subtitle"
        source = [line for line in page if line[0].startswith(f"Figure {fig.number}. Source:")]
        assert source, "no source on the slide"


def test_word_pictures_print_at_the_text_width_with_8_pt_text(opened):
    placed = [p for page in images(opened["word"]) for p in page]
    assert len(placed) == 4
    for chart, fig, picture in zip(opened["charts"], opened["figs"], placed, strict=True):
        job = office.word_job(chart, fig, opened["geometry"])
        assert picture.width == pytest.approx(16 * CM, abs=1.5)
        assert picture.height == pytest.approx(job.height, abs=1)  # placed as laid out
        printed = smallest_font_px(job) * picture.width / job.width
        assert printed >= worddoc.SMALLEST_PT - 0.05, (fig.id, printed)


def test_word_puts_captions_above_their_figures_two_to_a_page(opened):
    per_page = images(opened["word"])
    text = lines(opened["word"], opened["root"])
    assert max(len(p) for p in per_page) == 2
    assert len(per_page) <= 3  # title, list and figure 1; figures 2-3; figure 4 and sources
    for page, words in zip(per_page, text, strict=True):
        captions = [line for line in words if re.match(r"Figure \d\. ", line[0])]
        for picture in page:
            # the caption (one or two lines) sits right above the picture, not further up
            above = [c for c in captions if 0 <= picture.top - c[2] <= 40]
            assert above, "a picture without its caption right above it"


def test_the_pages_were_written_as_pngs_to_look_at(opened):
    word = sorted((opened["pages"] / "word").glob("*.png"))
    slides = sorted((opened["pages"] / "deck").glob("*.png"))
    assert len(word) == len(PdfReader(opened["word"]).pages)
    assert len(slides) == 5

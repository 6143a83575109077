"""Word and PowerPoint files as a report writer uses them, checked in their XML (python-docx,
python-pptx): captions, keep-together, sizes, fonts' scale, properties, templates, the annex.
LibreOffice's own rendering of the same files is checked in test_office.py."""

from __future__ import annotations

import base64
import copy
import io
import json
import struct
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dash
import docx
import plotly.graph_objects as go
import pytest
from docx.oxml.ns import qn
from docx.shared import Cm
from openpyxl import load_workbook
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.util import Inches, Pt

from indicators.cli import main
from indicators.figures import layout
from indicators.outputs import deck, worddoc
from tests.helpers import export_args

SPEC = """
title: Test pack
author: Statistics unit
claims: A/75/62-E/2020/11
size: page
figures:
  - id: gap
    chart: internet_gap
    size: column
    params: {entity_a: DEVELOPED, entity_b: LDC, mode: ratio, reference: 4,
             edition: itu_aggregates@2019-10}
  - id: groups
    chart: internet_by_group
    size: slide
    params: {grouping: income, edition: itu_aggregates@2024-11}
  - id: compared
    chart: internet_by_group
    params: {grouping: special, edition: itu_aggregates@2024-11, compare: itu_aggregates@2019-10}
"""


def export(data, root, *extra, formats="docx,pptx"):
    spec = root / "spec.yaml"
    spec.write_text(SPEC)
    out = root / "out"
    args = ["--data-dir", str(data.root), "export", str(spec), "--out", str(out)]
    assert main([*args, "--format", formats, *extra]) == 0
    return out


@pytest.fixture(scope="module")
def written(published, tmp_path_factory):
    return export(published, tmp_path_factory.mktemp("docs"))


def manifest_of(out):
    return json.loads((out / "manifest.json").read_text())


def png_size(content: bytes) -> tuple[int, int]:
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", content[16:24])


def body_kinds(document):
    """The body's paragraphs as 'caption', 'picture', 'text', in order."""
    kinds = []
    for p in document.paragraphs:
        if p.style.name == "Caption":
            kinds.append(("caption", p))
        elif p._p.findall(".//" + qn("w:drawing")):
            kinds.append(("picture", p))
        else:
            kinds.append(("text", p))
    return kinds


# ---- Word


def test_captions_sit_above_their_figures_as_numbered_fields(written):
    document = docx.Document(written / "spec.docx")
    kinds = [k for k, _ in body_kinds(document)]
    pairs = [kinds[i : i + 2] for i, k in enumerate(kinds) if k == "caption"]
    assert pairs == [["caption", "picture"]] * 3
    captions = [p for k, p in body_kinds(document) if k == "caption"]
    for number, caption in enumerate(captions, 1):
        instr = [f.get(qn("w:instr")) for f in caption._p.iter(qn("w:fldSimple"))]
        assert instr == [" SEQ Figure \\* ARABIC "]
        marks = [b.get(qn("w:name")) for b in caption._p.iter(qn("w:bookmarkStart"))]
        assert marks == [worddoc.bookmark_name(number)]
        text = "".join(t.text for t in caption._p.iter(qn("w:t")))  # the field's number too
        assert text.startswith(f"Figure {number}. ")


def test_the_list_of_figures_is_a_field_linked_to_the_captions(written):
    document = docx.Document(written / "spec.docx")
    texts = [p.text for p in document.paragraphs]
    assert texts[:3] == ["Test pack", texts[1], "Figures"]
    assert texts[1].startswith("3 figures, generated ")
    body = document.element.body
    instr = [t.text for t in body.iter(qn("w:instrText"))]
    assert instr == [' TOC \\h \\z \\c "Figure" ']
    links = list(body.iter(qn("w:hyperlink")))
    assert [link.get(qn("w:anchor")) for link in links] == [
        worddoc.bookmark_name(n) for n in (1, 2, 3)
    ]
    manifest = manifest_of(written)
    entries = ["".join(t.text for t in link.iter(qn("w:t"))) for link in links]
    assert entries == [f"Figure {n}. {f['title']}" for n, f in enumerate(manifest["figures"], 1)]


def test_each_figure_is_kept_together_on_a_page(written):
    document = docx.Document(written / "spec.docx")
    kinds = body_kinds(document)
    starts = [i for i, (k, _) in enumerate(kinds) if k == "caption"]
    manifest = manifest_of(written)
    for start, figure in zip(starts, manifest["figures"], strict=True):
        block = [p for _, p in kinds[start : start + 4 + len(figure["notes"])]]
        assert block[2].text == figure["finding"]
        assert block[3].text == f"Source: {figure['citation']}."
        assert [p.paragraph_format.keep_with_next for p in block] == [True] * (len(block) - 1) + [
            False
        ]
        assert all(p.paragraph_format.keep_together for p in block)


def test_pictures_are_drawn_at_their_printed_size(written):
    document = docx.Document(written / "spec.docx")
    shapes = document.inline_shapes
    # column: 8 cm; page and slide: the 16 cm text width, 8 cm tall (two to a page) unless a
    # long legend at 8 pt needs more for the plot (the LDC/LLDC/SIDS one takes four rows)
    assert [round(s.width.cm, 1) for s in shapes] == [8.0, 16.0, 16.0]
    assert round(shapes[0].height.cm, 1) == 5.6  # the column preset's proportions
    # the income legend takes three rows at 8 pt in 16 cm: the plot keeps its quarter of the
    # width by a picture a little taller than the preset's 8 cm
    assert 8.0 <= round(shapes[1].height.cm, 1) <= 8.2
    assert 8.0 < shapes[2].height.cm < 10.0
    manifest = manifest_of(written)
    assert [s._inline.docPr.get("descr") for s in shapes] == [
        f["alt_text"] for f in manifest["figures"]
    ]
    for shape in shapes:
        blob = document.part.related_parts[
            shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        ].blob
        width_px, _ = png_size(blob)
        # 300 dpi at the printed width (the picture is laid out at 1 CSS px per point)
        assert width_px == pytest.approx(shape.width.pt * worddoc.DPI / 72, abs=2)


def test_sources_table_repeats_its_header_stays_together_and_lists_compared_editions(written):
    document = docx.Document(written / "spec.docx")
    table = document.tables[0]
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0] == ["Source and edition", "Citation", "Licence", "Figures"]
    header = table.rows[0]._tr.trPr
    assert header.find(qn("w:tblHeader")) is not None
    assert all(r._tr.trPr.find(qn("w:cantSplit")) is not None for r in table.rows)
    keeps = [r.cells[0].paragraphs[0].paragraph_format.keep_with_next for r in table.rows]
    assert keeps == [True] * (len(rows) - 1) + [False]
    by_label = {r[0]: r for r in rows[1:]}
    assert by_label["ITU key ICT indicators, Oct 2019"][3] == "1, 3"  # 3 compares with it
    assert by_label["ITU key ICT indicators, Nov 2024"][3] == "2, 3"
    assert all(r[2] for r in rows[1:])  # every licence filled in


def test_document_properties_are_real(written):
    for name in ("spec.docx", "spec.pptx"):
        path = written / name
        props = docx.Document(path) if name.endswith("docx") else Presentation(path)
        core = props.core_properties
        created = core.created if core.created.tzinfo else core.created.replace(tzinfo=UTC)
        assert datetime.now(UTC) - created < timedelta(hours=1), name
        assert core.author == "Statistics unit" and core.last_modified_by == "Statistics unit"
        assert core.title == "Test pack" and core.subject == "3 figures"
        assert "itu_aggregates@2019-10" in core.keywords
        app = zipfile.ZipFile(path).read("docProps/app.xml").decode()
        assert "<Application>digital-divide-indicators</Application>" in app, name


def test_captions_below_when_asked(published, tmp_path):
    out = export(published, tmp_path, "--caption", "below", formats="docx")
    kinds = [k for k, _ in body_kinds(docx.Document(out / "spec.docx"))]
    pairs = [kinds[i : i + 2] for i, k in enumerate(kinds) if k == "picture"]
    assert pairs == [["picture", "caption"]] * 3


def test_an_organisations_word_template_gives_page_and_styles(published, tmp_path):
    template = docx.Document()
    section = template.sections[0]
    section.left_margin = section.right_margin = Cm(3.5)
    section.header.paragraphs[0].text = "ORGANISATION HEADER"
    template.add_paragraph("Sample body text of the template")
    template.styles["Caption"].font.name = "Georgia"
    path = tmp_path / "house.docx"
    template.save(path)
    out = export(published, tmp_path, "--template", str(path), formats="docx")
    document = docx.Document(out / "spec.docx")
    assert document.sections[0].header.paragraphs[0].text == "ORGANISATION HEADER"
    assert "Sample body text of the template" not in [p.text for p in document.paragraphs]
    assert document.styles["Caption"].font.name == "Georgia"
    text_width = section.page_width - 2 * Cm(3.5)
    assert max(s.width for s in document.inline_shapes) <= text_width


# ---- PowerPoint


def test_each_slide_says_its_finding_in_one_line_above_a_full_width_picture(written):
    deck_file = Presentation(written / "spec.pptx")
    manifest = manifest_of(written)
    slides = list(deck_file.slides)
    assert len(slides) == 4 and slides[0].shapes.title.text == "Test pack"
    content = deck_file.slide_width - 2 * deck.MARGIN
    for number, (slide, figure) in enumerate(zip(slides[1:], manifest["figures"], strict=True), 1):
        title = slide.shapes.title
        size = title.text_frame.paragraphs[0].runs[0].font.size.pt
        assert deck.TITLE_SIZES[-1] <= size <= deck.TITLE_SIZES[0]
        assert "\n" not in title.text_frame.text
        assert layout.text_px(title.text_frame.text, size, bold=True) <= Pt(content).pt / 12700
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame and s != title]
        assert texts[0] == figure["title"]  # the chart's own title as the subtitle
        assert texts[1] == figure["subtitle"]
        assert texts[-1].replace("\n", " ") == f"Figure {number}. Source: {figure['citation']}"
        pictures = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE]
        assert len(pictures) == 1
        picture = pictures[0]
        assert picture.left == pytest.approx(deck.MARGIN, abs=12700)
        assert picture.width == pytest.approx(content, abs=12700)  # within a point
        sources = [s for s in slide.shapes if s.has_text_frame and "Source:" in s.text_frame.text]
        assert picture.top > title.top + title.height
        assert picture.top + picture.height <= sources[0].top
        assert picture._element.nvPicPr.cNvPr.get("descr") == figure["alt_text"]
        width_px, _ = png_size(picture.image.blob)
        assert width_px == pytest.approx(picture.width.pt * deck.PX_PER_PT, abs=2)
        assert figure["finding"] in slide.notes_slide.notes_text_frame.text


def test_titles_are_the_headline_and_the_reference_line_is_drawn(written):
    slides = list(Presentation(written / "spec.pptx").slides)
    assert slides[1].shapes.title.text == (
        "Internet use in developed countries: 4.53 times that of LDCs (2019)"
    )
    manifest = manifest_of(written)
    assert "Dashed line: 4 times, for comparison." in manifest["figures"][0]["notes"]


def test_fit_title_steps_down_then_shortens_then_cuts():
    wide = Pt(888).pt
    assert deck.fit_title("Short title.", wide) == ("Short title", 28)
    long = "A finding that runs on and on (with an aside) across the slide; and then some more"
    short = "A finding that runs on and on across the slide"
    text, size = deck.fit_title(long, layout.text_px(short, 18, True) + 1)
    assert size == 18 and "(" not in text and ";" not in text and text.endswith("slide")
    # A year in brackets goes last: a headline without it could read as today's.
    dated = "Fixed broadband: 29.9% of monthly GNI p.c. in low-income vs 1.0% in high-income (2025)"
    assert deck.fit_title(dated, wide) == (dated, 18)
    aside = "Internet use in the least developed countries (LDCs) reached 35 per cent (2024)"
    text, _ = deck.fit_title(aside, layout.text_px(aside.replace(" (LDCs)", ""), 18, True) + 1)
    assert text == "Internet use in the least developed countries reached 35 per cent (2024)"
    text, size = deck.fit_title("word " * 80, 300)
    assert text.endswith("…") and layout.text_px(text, size, True) <= 300


def test_an_organisations_slide_template_gives_master_layouts_and_size(published, tmp_path):
    template = Presentation()
    template.slide_width, template.slide_height = Inches(10), Inches(7.5)  # 4:3
    sample = template.slides.add_slide(template.slide_layouts[1])
    sample.shapes.title.text = "Sample slide"
    logo = sample.shapes.add_textbox(Inches(8.5), Inches(7.0), Inches(1.4), Inches(0.4))
    logo.text_frame.text = "ORG"
    template.slide_master.shapes._spTree.append(copy.deepcopy(logo._element))  # the house logo
    path = tmp_path / "house.pptx"
    template.save(path)
    out = export(published, tmp_path, "--template", str(path), formats="pptx")
    result = Presentation(out / "spec.pptx")
    assert (result.slide_width, result.slide_height) == (Inches(10), Inches(7.5))
    slides = list(result.slides)
    assert len(slides) == 4 and "Sample slide" not in [s.shapes.title.text for s in slides]
    assert "ORG" in [s.text_frame.text for s in result.slide_master.shapes if s.has_text_frame]
    placeholder = next(
        p for p in deck.figure_layout(result).placeholders if p.placeholder_format.idx == 0
    )
    for slide in slides[1:]:
        assert slide.slide_layout.name == "Title Only"
        picture = next(s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE)
        assert picture.left == placeholder.left
        assert picture.width == pytest.approx(placeholder.width, abs=12700)


def test_a_template_that_is_not_one_is_refused(published, tmp_path, capsys):
    bad = tmp_path / "notes.pptx"
    bad.write_text("not a deck")
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC)
    args = ["--data-dir", str(published.root), "export", str(spec), "--out", str(tmp_path / "o")]
    assert main([*args, "--format", "pptx", "--template", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}: not a PowerPoint deck or template" in err and "nothing was written" in err
    assert main([*args, "--template", str(tmp_path / "none.docx")]) == 1
    assert "no such file" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


# ---- the claims annex


def test_the_claims_annex_is_a_word_table_and_a_sheet(written):
    manifest = manifest_of(written)
    assert manifest["claims"] == "A/75/62-E/2020/11"
    heads = ["Claim", "Reported", "Report's edition", "Latest edition", "Verdict", "Note"]
    book = load_workbook(io.BytesIO((written / "spec-claims.xlsx").read_bytes()))
    rows = list(book["claims"].iter_rows(values_only=True))
    assert list(rows[0]) == ["Report", *heads]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Report"] == "A/75/62-E/2020/11"
    assert first["Claim"].startswith("1. The proportion of individuals using the Internet")
    assert first["Claim"].endswith("(para. 3)")
    assert first["Reported"] == "more than 4×"
    assert first["Report's edition"] == "ITU key ICT indicators, Oct 2019: 4.53× (confirmed)"
    assert first["Latest edition"].startswith("ITU key ICT indicators, Nov 2024: — (not comp")
    assert first["Verdict"].startswith("Holds in every edition that can check it")
    for name in ("spec.docx", "spec-claims.docx"):
        document = docx.Document(written / name)
        annex = document.tables[-1]
        assert [c.text for c in annex.rows[0].cells] == heads
        assert len(annex.rows) == len(rows)
        assert annex.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
        assert document.sections[-1].page_width > document.sections[-1].page_height
    headings = [p.text for p in docx.Document(written / "spec.docx").paragraphs]
    assert "Annex. The claims of A/75/62-E/2020/11 checked against the data" in headings


def test_an_unknown_report_is_refused_before_anything_is_drawn(published, tmp_path, capsys):
    spec = tmp_path / "spec.yaml"
    spec.write_text(SPEC)
    args = ["--data-dir", str(published.root), "export", str(spec), "--out", str(tmp_path / "o")]
    assert main([*args, "--claims", "A/99/1"]) == 1
    err = capsys.readouterr().err
    assert "claims: no report 'A/99/1' among the claims checked" in err
    assert not (tmp_path / "o").exists()


# ---- the dashboard's Word download


def test_the_dashboards_word_download_is_built_as_a_packs(tables):
    from indicators.dashboard import callbacks
    from indicators.dashboard.state import STATE

    before = STATE.tables()
    STATE.set_tables(tables)
    try:
        ids = [{"param": "grouping"}, {"param": "edition"}, {"param": "compare"}]
        values = ["special", "itu_aggregates@2024-11", "itu_aggregates@2019-10"]
        sent, status = callbacks.download_panel("internet_by_group", "docx", values, ids)
    finally:
        STATE.set_tables(before)
    assert status is None and sent["filename"].endswith(".docx")
    document = docx.Document(io.BytesIO(base64.b64decode(sent["content"])))
    texts = [p.text for p in document.paragraphs]
    assert texts[1].startswith("1 figure, generated ")
    assert [k for k, _ in body_kinds(document)].count("caption") == 1
    rows = [[c.text for c in r.cells] for r in document.tables[0].rows]
    assert [r[0] for r in rows[1:]] == [
        "ITU key ICT indicators, Oct 2019",  # the compared edition
        "ITU key ICT indicators, Nov 2024",
    ]
    assert all(r[2].startswith("ITU terms of use") for r in rows[1:])
    assert document.core_properties.created.year == datetime.now(UTC).year
    assert round(document.inline_shapes[0].width.cm, 1) == 16.0


def as_template(document: Path, target: Path, kind: str) -> Path:
    """A saved .docx or .pptx turned into the matching .dotx or .potx (its content type)."""
    old, new = {
        "word": ("wordprocessingml.document.main+xml", "wordprocessingml.template.main+xml"),
        "slides": ("presentationml.presentation.main+xml", "presentationml.template.main+xml"),
    }[kind]
    with zipfile.ZipFile(document) as source, zipfile.ZipFile(target, "w") as out:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                content = content.decode().replace(old, new).encode()
            out.writestr(item, content)
    return target


def test_dotx_and_potx_templates_are_taken_too(published, tmp_path):
    word = docx.Document()
    word.sections[0].header.paragraphs[0].text = "DOTX HEADER"
    word.save(tmp_path / "w.docx")
    slides = Presentation()
    slides.save(tmp_path / "s.pptx")
    dotx = as_template(tmp_path / "w.docx", tmp_path / "house.dotx", "word")
    potx = as_template(tmp_path / "s.pptx", tmp_path / "house.potx", "slides")
    out = export(published, tmp_path, "--template", str(dotx), "--template", str(potx))
    assert docx.Document(out / "spec.docx").sections[0].header.paragraphs[0].text == "DOTX HEADER"
    assert Presentation(out / "spec.pptx").slide_width == slides.slide_width


def test_the_dashboards_word_download_says_why_a_tall_chart_is_not_drawn(tables):
    """All 104 economies cannot be legible on one Word page: the panel says so, and where to
    get the chart instead; no document is sent."""
    from indicators.dashboard import callbacks
    from indicators.dashboard.state import STATE

    before = STATE.tables()
    STATE.set_tables(tables)
    try:
        ids = [{"param": "region"}]
        sent, status = callbacks.download_panel("gender_countries", "docx", ["all"], ids)
    finally:
        STATE.set_tables(before)
    assert sent is dash.no_update
    assert status.startswith("Not drawn for Word: its 104 rows need a picture")
    assert "the PNG, SVG and PDF downloads are drawn as tall as the rows need" in status


def test_a_publishers_caution_is_printed_on_the_slide(published, tmp_path):
    """ITU: annual price medians are "Not to be used for year-on-year comparison", and the
    basket's allowance changed in 2018: both are on the slide under the source (not only in the
    speaker notes), with every note still in the notes; the log axis keeps labels that do not
    run into each other on the short plot a slide leaves."""
    args, out = export_args(
        published.root,
        tmp_path,
        "figures:\n  - id: fixed\n    chart: price_medians\n"
        "    params: {basket: fixed_broadband, grouping: income, unit: pct_gni_pc}\n",
        "prices.yaml",
    )
    assert main([*args, "--format", "pptx"]) == 0
    slide = list(Presentation(out / "prices.pptx").slides)[1]
    shown = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
    shown = " ".join(shown.split())
    assert 'ITU: "Not to be used for year-on-year comparison"' in shown
    assert "Series break: the fixed broadband basket's monthly data allowance changed" in shown
    notes = slide.notes_slide.notes_text_frame.text
    assert "Dashed line: Broadband Commission target" in notes
    assert "Dashed line: Broadband Commission target" not in shown


def test_a_short_log_axis_keeps_the_powers_of_ten():
    fig = go.Figure(go.Scatter(x=[1, 2], y=[0.6, 300]))
    ticks = [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500]
    fig.update_yaxes(type="log", tickvals=ticks, ticktext=[f"{t:g}" for t in ticks])
    layout.thin_value_ticks(fig, plot_h=110, font=20)
    assert list(fig.layout.yaxis.tickvals) == [1, 10, 100]
    assert list(fig.layout.yaxis.ticktext) == ["1", "10", "100"]
    tall = go.Figure(fig)
    tall.update_yaxes(tickvals=ticks, ticktext=[f"{t:g}" for t in ticks])
    layout.thin_value_ticks(tall, plot_h=600, font=13)
    assert list(tall.layout.yaxis.tickvals) == ticks  # room for all: untouched

"""The pack as a Word document in the house style of UN and ITU reports.

The pack's title, a list of figures (a Word table-of-figures field, its entries filled in and
linked to the captions), then each figure: its numbered caption ("Figure 1. ..." as a Word
caption field) above the picture by default (``caption='below'`` for other houses), the
picture with alt text, the finding, source and notes, all kept together on one page; a
full-width figure is at most 9 cm tall so that two fit an A4 page. Then the sources and editions
as a table that stays together, its header row repeated if it runs over a page, and the claims
annex when asked. Pictures are drawn at their printed width, their smallest text at 8 pt. An
organisation's template (``.docx`` or ``.dotx``) gives page, styles and fonts; its body is
left out.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from indicators.outputs.documents import (
    Annex,
    FigureDoc,
    Options,
    PackDoc,
    SourceRow,
    figures_text,
)

# Picture widths by size preset: one column of a two-column page, or the text width of an A4
# page with 2.5 cm margins (never wider than the template's text width).
WIDTH_CM = {"column": 8.0, "page": 16.0, "slide": 16.0}
# A full-width figure at most 8 cm tall: with caption, finding, source and notes it takes under
# half of an A4 page, so two figures share a page.
MAX_RATIO = 0.5
SMALLEST_PT = 8.0  # the smallest text in a picture, at its printed size
DPI = 300
PAGE_CM = (21.0, 29.7)
MARGINS_CM = {"left_margin": 2.5, "right_margin": 2.5, "top_margin": 2.0, "bottom_margin": 2.0}
GREY = RGBColor(0x55, 0x55, 0x55)
SMALL_PT = 8.5
PRODUCER = "digital-divide-indicators"
TEMPLATE_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"
DOCUMENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


# ---- the template and the page


class TemplateError(ValueError):
    """A template that cannot be read as a Word document or template."""


def open_document(template: Path | None) -> DocumentObject:
    """A new document: the default one, or an organisation's template with its body emptied."""
    if template is None:
        doc = Document()
        _page_setup(doc)
        return doc
    try:
        data = Path(template).read_bytes()
        if data[:4] != b"PK\x03\x04":
            raise TemplateError(f"{template}: not a Word document or template (.docx, .dotx)")
        doc = Document(io.BytesIO(untemplated(data, TEMPLATE_TYPE, DOCUMENT_TYPE)))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        if isinstance(exc, TemplateError):
            raise
        raise TemplateError(f"{template}: cannot be read as a Word template ({exc})") from exc
    _empty_body(doc)
    return doc


def untemplated(data: bytes, template_type: str, main_type: str) -> bytes:
    """A template's bytes with the content type of the file it makes (the parts are the same)."""
    # python-docx and python-pptx open only documents and decks, not their templates.
    source = zipfile.ZipFile(io.BytesIO(data))
    types = source.read("[Content_Types].xml").decode("utf-8")
    if template_type not in types:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                content = types.replace(template_type, main_type).encode("utf-8")
            target.writestr(item, content)
    return out.getvalue()


def _empty_body(doc: DocumentObject) -> None:
    """Remove the template's sample content, keeping its page set-up (the last sectPr)."""
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


# The default template's headings and captions are blue Calibri; the house's are black Arial.
HOUSE_STYLES = {
    "Normal": (10, False),
    "Title": (18, False),
    "Heading 1": (12, True),
    "Caption": (9.5, True),
}


def _page_setup(doc: DocumentObject) -> None:
    """A4 with the house margins, black Arial (10 pt text), no rule under the title."""
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(PAGE_CM[0]), Cm(PAGE_CM[1])
    for side, cm in MARGINS_CM.items():
        setattr(section, side, Cm(cm))
    for name, (size, bold) in HOUSE_STYLES.items():
        font = doc.styles[name].font
        font.name, font.size, font.bold = "Arial", Pt(size), bold
        font.color.rgb = RGBColor(0, 0, 0)
        fonts = doc.styles[name].element.rPr.rFonts
        for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attribute), None)
    for border in doc.styles["Title"].element.findall(".//" + qn("w:pBdr")):
        border.getparent().remove(border)


def text_box_pt(template: Path | None) -> tuple[float, float]:
    """The width and height between the margins, in points (the template's, or A4's)."""
    if template is None:
        width = PAGE_CM[0] - MARGINS_CM["left_margin"] - MARGINS_CM["right_margin"]
        height = PAGE_CM[1] - MARGINS_CM["top_margin"] - MARGINS_CM["bottom_margin"]
        return Cm(width).pt, Cm(height).pt
    section = open_document(template).sections[0]
    width = (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
    height = (section.page_height or 0) - (section.top_margin or 0) - (section.bottom_margin or 0)
    return (
        Emu(width).pt if width > 0 else Cm(16).pt,
        Emu(height).pt if height > 0 else Cm(24).pt,
    )


def picture_size(size: str, width_px: int, height_px: int, text_pt: float) -> tuple[int, int]:
    """The printed width and height of a figure's picture in points (1 pt drawn as 1 CSS px)."""
    width = WIDTH_CM.get(size, 16.0 if width_px >= 800 else 8.0)
    width_pt = math.floor(min(Cm(width).pt, text_pt))  # never wider than the text
    ratio = height_px / width_px
    if width >= 16.0:
        ratio = min(ratio, MAX_RATIO)
    return width_pt, round(width_pt * ratio)


# ---- styles and properties


def _style(doc: DocumentObject, name: str, base: str = "Normal") -> str:
    """A paragraph style the document has, added (based on ``base``) if its template lacks it."""
    try:
        doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles[base]
        if name == "Caption":
            style.font.bold = True
            style.font.size = Pt(9)
    return name


def _table_style(doc: DocumentObject) -> str | None:
    try:
        doc.styles["Table Grid"]
    except KeyError:
        return None
    return "Table Grid"


def set_properties(document: Any, pack: PackDoc) -> None:
    """Real properties of a document or deck: created now, the pack's title, author, keywords."""
    now = (pack.created or datetime.now(UTC)).replace(microsecond=0)
    props = document.core_properties
    props.title = pack.title
    props.subject = figures_text(len(pack.figures))
    props.keywords = ", ".join(pack.keywords)
    props.author = pack.author
    props.last_modified_by = pack.author
    props.comments = f"Figures generated {pack.generated} by {PRODUCER}."
    props.created = now
    props.modified = now
    props.revision = 1
    set_application(document.part.package, PRODUCER)


def set_application(package: Any, name: str) -> None:
    """Name the application in docProps/app.xml (the default template names another one)."""
    for part in package.iter_parts():
        if str(part.partname) == "/docProps/app.xml":
            text = part.blob.decode("utf-8")
            part._blob = re.sub(
                r"<Application>[^<]*</Application>", f"<Application>{name}</Application>", text
            ).encode("utf-8")


# ---- small helpers


def _keep(paragraph: Paragraph, with_next: bool = True) -> Paragraph:
    paragraph.paragraph_format.keep_together = True
    paragraph.paragraph_format.keep_with_next = with_next
    return paragraph


def _spacing(paragraph: Paragraph, before: float = 0, after: float = 0) -> Paragraph:
    paragraph.paragraph_format.space_before = Pt(before)
    paragraph.paragraph_format.space_after = Pt(after)
    return paragraph


def _small(paragraph: Paragraph, text: str, italic: bool = False) -> Paragraph:
    run = paragraph.add_run(text)
    run.font.size = Pt(SMALL_PT)
    run.font.italic = italic
    run.font.color.rgb = GREY
    return paragraph


def _sentence(text: str) -> str:
    return text if text.endswith((".", "?", "!")) else text + "."


def _field(paragraph: Paragraph, kind: str, text: str = "") -> None:
    """A complex field character run: begin, separate or end (with instructions on begin)."""
    run = OxmlElement("w:r")
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    run.append(char)
    paragraph._p.append(run)
    if kind == "begin":
        instr_run = OxmlElement("w:r")
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = text
        instr_run.append(instr)
        paragraph._p.append(instr_run)


def _bookmark(paragraph: Paragraph, number: int) -> None:
    """A bookmark around the caption, the target of its list-of-figures entry."""
    start = OxmlElement("w:bookmarkStart")
    start.set(qn("w:id"), str(number))
    start.set(qn("w:name"), bookmark_name(number))
    end = OxmlElement("w:bookmarkEnd")
    end.set(qn("w:id"), str(number))
    paragraph._p.insert(0, start)
    paragraph._p.append(end)


def bookmark_name(number: int) -> str:
    """The caption bookmark of figure ``number`` (as Word names table-of-figures targets)."""
    return f"_Toc_Figure_{number}"


def _caption_field(paragraph: Paragraph, number: int) -> None:
    """'Figure {SEQ Figure}' as Word writes a caption, with the number already filled in."""
    paragraph.add_run("Figure ").bold = True
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), " SEQ Figure \\* ARABIC ")
    inner = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    props.append(OxmlElement("w:b"))
    inner.append(props)
    text = OxmlElement("w:t")
    text.text = str(number)
    inner.append(text)
    simple.append(inner)
    paragraph._p.append(simple)


# ---- the parts of the document


def _list_of_figures(doc: DocumentObject, figures: Sequence[FigureDoc]) -> None:
    """A table-of-figures field over the captions, its entries filled in and linked (Word
    adds the page numbers when the field is updated)."""
    _keep(_spacing(doc.add_paragraph("Figures", style=_style(doc, "Heading 1")), 12, 4))
    style = _style(doc, "table of figures")
    for i, fig in enumerate(figures):
        paragraph = _spacing(doc.add_paragraph(style=style), 0, 2)
        if i == 0:
            _field(paragraph, "begin", ' TOC \\h \\z \\c "Figure" ')
            _field(paragraph, "separate")
        link = OxmlElement("w:hyperlink")
        link.set(qn("w:anchor"), bookmark_name(fig.number))
        link.set(qn("w:history"), "1")
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.set(qn("xml:space"), "preserve")
        text.text = f"Figure {fig.number}. {fig.title}"
        run.append(text)
        link.append(run)
        paragraph._p.append(link)
        if i == len(figures) - 1:
            _field(paragraph, "end")


def _caption(doc: DocumentObject, fig: FigureDoc, above: bool) -> Paragraph:
    caption = doc.add_paragraph(style=_style(doc, "Caption"))
    _spacing(caption, 12 if above else 4, 4 if above else 2)
    _caption_field(caption, fig.number)
    caption.add_run(". ").bold = True
    caption.add_run(f"{fig.title}. ").bold = True
    caption.add_run(_sentence(fig.subtitle)).bold = False
    _bookmark(caption, fig.number)
    return _keep(caption)


def _picture(doc: DocumentObject, fig: FigureDoc, above: bool) -> Paragraph:
    picture = _keep(_spacing(doc.add_paragraph(), 0 if above else 12, 4))
    assert fig.word is not None
    shape = picture.add_run().add_picture(
        io.BytesIO(fig.word.png), width=Pt(fig.word.width_pt), height=Pt(fig.word.height_pt)
    )
    shape._inline.docPr.set("descr", fig.alt_text)
    shape._inline.docPr.set("title", fig.title)
    return picture


def _figure(doc: DocumentObject, fig: FigureDoc, above: bool) -> None:
    """Caption and picture (in the house order), finding, source and notes, kept together."""
    if above:
        _caption(doc, fig, True)
        _picture(doc, fig, True)
    else:
        _picture(doc, fig, False)
        _caption(doc, fig, False)
    tail: list[Paragraph] = []
    if fig.finding:
        tail.append(_spacing(doc.add_paragraph(fig.finding), 0, 2))
    tail.append(_small(_spacing(doc.add_paragraph(), 0, 0), f"Source: {_sentence(fig.source)}"))
    tail += [_small(_spacing(doc.add_paragraph(), 0, 0), f"Note: {n}") for n in fig.notes]
    for i, paragraph in enumerate(tail):
        _keep(paragraph, with_next=i < len(tail) - 1)


def _repeat_header(table: Table) -> None:
    """The first row repeats at the top of every page the table runs over."""
    props = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    props.append(header)


def _rows_unsplit(table: Table, together: bool) -> None:
    """No row breaks across pages; with ``together`` every row keeps with the next, so the
    table moves to the next page whole rather than split (a long table runs over, its header
    repeated)."""
    last = len(table.rows) - 1
    for i, row in enumerate(table.rows):
        props = row._tr.get_or_add_trPr()
        props.append(OxmlElement("w:cantSplit"))
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                paragraph.paragraph_format.keep_with_next = (together and i < last) or i == 0
                paragraph.paragraph_format.keep_together = True


def _widths(table: Table, widths_cm: Sequence[float]) -> None:
    """Fixed column widths, on the grid (LibreOffice reads these) and on every cell (Word)."""
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)


def table(
    doc: DocumentObject,
    heads: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths_cm: Sequence[float],
    together: bool = True,
) -> Table:
    """A table in the house style: bold header row repeated on every page, 8.5 pt cells."""
    out = doc.add_table(rows=1, cols=len(heads))
    style = _table_style(doc)
    if style:
        out.style = style
    for cell, head in zip(out.rows[0].cells, heads, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(head)
        run.bold = True
        run.font.size = Pt(SMALL_PT)
    for values in rows:
        cells = out.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(text).font.size = Pt(SMALL_PT)
    _widths(out, widths_cm)
    _repeat_header(out)
    _rows_unsplit(out, together)
    return out


def _sources(doc: DocumentObject, sources: Sequence[SourceRow]) -> None:
    heading = doc.add_paragraph("Sources and editions", style=_style(doc, "Heading 1"))
    _keep(_spacing(heading, 18, 6))
    rows = [
        (row.label, row.citation, row.licence, ", ".join(str(n) for n in row.figures))
        for row in sources
    ]
    table(doc, ("Source and edition", "Citation", "Licence", "Figures"), rows, (3.5, 7, 4, 1.5))


# The annex's columns as parts of the text width: the claim reads widest.
ANNEX_SHARES = (0.28, 0.08, 0.16, 0.16, 0.17, 0.15)


def _landscape(doc: DocumentObject, new_page: bool) -> float:
    """Turn the page (a new landscape section after what came before); the text width, cm."""
    section = doc.add_section(WD_SECTION.NEW_PAGE) if new_page else doc.sections[-1]
    if section.orientation != WD_ORIENT.LANDSCAPE:
        width, height = section.page_width, section.page_height
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = height, width
    text = (section.page_width or 0) - (section.left_margin or 0) - (section.right_margin or 0)
    return Emu(text).cm


def annex(doc: DocumentObject, annex: Annex, new_page: bool = True) -> None:
    """The report's claims checked against today's data, as a table on landscape pages."""
    width = _landscape(doc, new_page)
    heading = doc.add_paragraph(f"Annex. {annex.title}", style=_style(doc, "Heading 1"))
    _keep(_spacing(heading, 0, 6))
    rows = [
        (r.claim, r.reported, r.report_edition, r.latest_edition, r.verdict, r.note)
        for r in annex.rows
    ]
    heads = ("Claim", "Reported", "Report's edition", "Latest edition", "Verdict", "Note")
    table(doc, heads, rows, [width * share for share in ANNEX_SHARES], together=False)


def document(pack: PackDoc, options: Options) -> bytes:
    """The pack as a .docx document."""
    doc = open_document(options.word_template)
    if pack.annex is not None and not (pack.figures or pack.sources):
        _landscape(doc, new_page=False)  # the annex alone: landscape from the first page
    set_properties(doc, pack)
    _spacing(doc.add_paragraph(pack.title, style=_style(doc, "Title")), 0, 6)
    built = f"; data built {pack.data_built}" if pack.data_built else ""
    intro = f"{figures_text(len(pack.figures))}, generated {pack.generated}{built}."
    _small(_spacing(doc.add_paragraph(), 0, 6), intro, italic=True)
    if pack.figures:
        _list_of_figures(doc, pack.figures)
    for fig in pack.figures:
        _figure(doc, fig, options.caption != "below")
    if pack.sources:
        _sources(doc, pack.sources)
    if pack.annex is not None:
        annex(doc, pack.annex, new_page=bool(pack.figures or pack.sources))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()

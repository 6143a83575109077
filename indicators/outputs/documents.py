"""A figure pack as a Word document and a PowerPoint deck, ready to send to an editor.

The Word document has the pack's title, then for each figure the image at column or page width
(with alt text), a numbered caption ("Figure 1. ..." as a Word caption field, so Word renumbers
it), the finding, the source and notes, and ends with a table of the sources and editions
with their citations. The deck has a title slide and one slide per figure: title, image (with
alt text), source; the finding and notes go in the speaker notes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.shared import RGBColor as DocxRGB
from pptx import Presentation
from pptx.dml.color import RGBColor as PptxRGB
from pptx.util import Emu, Inches
from pptx.util import Pt as PptxPt

# Image widths in the document, by size preset: one column of a two-column report, or the
# text width of an A4 page with 2.5 cm margins.
WORD_WIDTH_CM = {"column": 8.0, "page": 16.0, "slide": 16.0}
SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
GREY = (0x55, 0x55, 0x55)


@dataclass(frozen=True)
class FigureDoc:
    """What the documents say about one figure."""

    number: int
    id: str
    title: str
    subtitle: str
    finding: str
    source: str
    notes: tuple[str, ...]
    alt_text: str
    png: bytes  # the plot without the baked caption: the document carries it as text
    width_px: int
    height_px: int
    size: str


@dataclass(frozen=True)
class SourceRow:
    """One source edition the pack draws on."""

    label: str
    citation: str
    licence: str
    figures: tuple[int, ...]


@dataclass
class PackDoc:
    """The pack as the documents present it."""

    title: str
    figures: list[FigureDoc]
    sources: list[SourceRow]
    generated: str
    data_built: str | None = None
    keywords: list[str] = field(default_factory=list)


def _figure_list(numbers: Sequence[int]) -> str:
    return ", ".join(str(n) for n in numbers)


# -- Word ------------------------------------------------------------------------------------


def _caption_field(paragraph: object, number: int) -> None:
    """'Figure {SEQ Figure}' as Word writes a caption, with the number already filled in."""
    run = paragraph.add_run("Figure ")  # type: ignore[attr-defined]
    run.bold = True
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
    paragraph._p.append(simple)  # type: ignore[attr-defined]


def _small(paragraph: object, text: str, italic: bool = False) -> None:
    run = paragraph.add_run(text)  # type: ignore[attr-defined]
    run.font.size = Pt(8.5)
    run.font.italic = italic
    run.font.color.rgb = DocxRGB(*GREY)


def _word_figure(document: object, fig: FigureDoc) -> None:
    doc = document  # python-docx's Document proxy
    picture = doc.add_paragraph()  # type: ignore[attr-defined]
    picture.paragraph_format.keep_with_next = True
    width = WORD_WIDTH_CM.get(fig.size, 16.0 if fig.width_px >= 800 else 8.0)
    shape = picture.add_run().add_picture(io.BytesIO(fig.png), width=Cm(width))
    shape._inline.docPr.set("descr", fig.alt_text)
    shape._inline.docPr.set("title", fig.title)
    caption = doc.add_paragraph(style="Caption")  # type: ignore[attr-defined]
    caption.paragraph_format.keep_with_next = True
    _caption_field(caption, fig.number)
    caption.add_run(". ").bold = True
    caption.add_run(f"{fig.title}. ").bold = True
    caption.add_run(fig.subtitle + ("" if fig.subtitle.endswith(".") else "."))
    if fig.finding:
        doc.add_paragraph(fig.finding)  # type: ignore[attr-defined]
    source = doc.add_paragraph()  # type: ignore[attr-defined]
    _small(source, f"Source: {fig.source}" + ("" if fig.source.endswith(".") else "."))
    for note in fig.notes:
        _small(doc.add_paragraph(), f"Note: {note}")  # type: ignore[attr-defined]


def _word_sources(document: object, sources: Sequence[SourceRow]) -> None:
    doc = document
    doc.add_heading("Sources and editions", level=1)  # type: ignore[attr-defined]
    table = doc.add_table(rows=1, cols=4)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for cell, head in zip(
        table.rows[0].cells, ("Source and edition", "Citation", "Licence", "Figures"), strict=True
    ):
        cell.text = ""
        cell.paragraphs[0].add_run(head).bold = True
    for row in sources:
        cells = table.add_row().cells
        for cell, text in zip(
            cells,
            (row.label, row.citation, row.licence, _figure_list(row.figures)),
            strict=True,
        ):
            cell.text = text
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(8.5)


def word(pack: PackDoc) -> bytes:
    """The pack as a .docx document."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2.5))
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(10)
    props = doc.core_properties
    props.title = pack.title
    props.subject = f"{len(pack.figures)} figures"
    props.keywords = ", ".join(pack.keywords)
    props.author = "digital-divide-indicators"
    doc.add_heading(pack.title, level=0)
    intro = doc.add_paragraph()
    built = f"; data built {pack.data_built}" if pack.data_built else ""
    _small(intro, f"{len(pack.figures)} figures, generated {pack.generated}{built}.", italic=True)
    for fig in pack.figures:
        _word_figure(doc, fig)
    _word_sources(doc, pack.sources)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# -- PowerPoint ------------------------------------------------------------------------------


def _text_box(slide: object, left: int, top: int, width: int, height: int, text: str, size: int):
    box = slide.shapes.add_textbox(left, top, width, height)  # type: ignore[attr-defined]
    frame = box.text_frame
    frame.word_wrap = True
    frame.text = text
    for paragraph in frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = PptxPt(size)
            run.font.color.rgb = PptxRGB(*GREY)
    return box


def _fit(width_px: int, height_px: int, box_w: int, box_h: int) -> tuple[int, int]:
    """The largest size of an image's aspect ratio that fits the box (EMU)."""
    ratio = width_px / height_px
    w, h = box_w, int(box_w / ratio)
    if h > box_h:
        w, h = int(box_h * ratio), box_h
    return w, h


def _slide(prs: object, fig: FigureDoc) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[5])  # type: ignore[attr-defined]  # title only
    title = slide.shapes.title
    title.left, title.top, title.width, title.height = (
        Inches(0.5),
        Inches(0.3),
        SLIDE_W - Inches(1.0),
        Inches(0.9),
    )
    title.text = fig.title
    for paragraph in title.text_frame.paragraphs:
        paragraph.alignment = 1  # left
        for run in paragraph.runs:
            run.font.size = PptxPt(28)
            run.font.bold = True
    _text_box(
        slide, Inches(0.5), Inches(1.15), SLIDE_W - Inches(1.0), Inches(0.4), fig.subtitle, 16
    )
    box_top, box_h = Inches(1.65), Inches(4.85)
    w, h = _fit(fig.width_px, fig.height_px, SLIDE_W - Inches(1.0), box_h)
    picture = slide.shapes.add_picture(
        io.BytesIO(fig.png), Inches(0.5) + Emu((SLIDE_W - Inches(1.0) - w) // 2), box_top, w, h
    )
    picture._element.nvPicPr.cNvPr.set("descr", fig.alt_text)
    picture._element.nvPicPr.cNvPr.set("title", fig.title)
    footer = f"Figure {fig.number}. Source: {fig.source}"
    _text_box(slide, Inches(0.5), Inches(6.6), SLIDE_W - Inches(1.0), Inches(0.7), footer, 11)
    notes = slide.notes_slide.notes_text_frame
    notes.text = "\n".join([fig.finding, *fig.notes]).strip()


def slides(pack: PackDoc) -> bytes:
    """The pack as a .pptx deck (16:9)."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    prs.core_properties.title = pack.title
    prs.core_properties.keywords = ", ".join(pack.keywords)
    first = prs.slides.add_slide(prs.slide_layouts[0])
    # The default template's placeholders are laid out for 4:3; widen them to the 16:9 slide.
    for shape, top, height in (
        (first.shapes.title, Inches(2.0), Inches(1.8)),
        (first.placeholders[1], Inches(4.0), Inches(1.2)),
    ):
        shape.left, shape.top = Inches(0.8), top
        shape.width, shape.height = SLIDE_W - Inches(1.6), height
    first.shapes.title.text = pack.title
    built = f"Data built {pack.data_built}. " if pack.data_built else ""
    first.placeholders[1].text = f"{len(pack.figures)} figures. {built}Generated {pack.generated}."
    for fig in pack.figures:
        _slide(prs, fig)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()

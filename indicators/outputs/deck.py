"""The pack as a PowerPoint deck: one slide per figure, its message as the title.

A title slide, then per figure: the headline (the finding as an action title, on one line: the
largest size from 28 to 18 pt at which it fits the slide, shortened if it fits at none), the
chart's own title and unit as the subtitle, the picture across the slide's content width and as
tall as the rest allows, and the source with the publisher's cautions (``Caption.cautions``).
The full finding and every note go in the speaker notes.
Pictures are drawn at the size they are shown, their smallest text at 14 pt. An organisation's
template (``.pptx`` or ``.potx``) gives the master, the layouts, slide size and fonts; its own
slides are left out.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.util import Emu, Inches, Pt

from indicators.figures import layout
from indicators.outputs.documents import FigureDoc, Options, PackDoc, figures_text
from indicators.outputs.worddoc import set_properties, untemplated

SLIDE = (Inches(13.333), Inches(7.5))  # 16:9
MARGIN = Inches(0.5)
TOP = Inches(0.35)
BOTTOM = Inches(0.35)
TITLE_SIZES = (28, 26, 24, 22, 20, 18)
SUBTITLE_PT = 18
UNIT_PT = 14
SOURCE_PT = 12
LINE = 1.2  # line height, times the font size
GAP_PT = 8
SMALLEST_PT = 14.0  # the smallest text in a picture, at its projected size
PX_PER_PT = 2.0  # 1920 px across a 960 pt slide: a full-HD projector's pixels
# The default deck's text is Arial (as the figures'), whose widths ``layout`` knows; a
# template's font may be wider: its titles are measured as if 10% wider.
FONT = "Arial"
TEMPLATE_SAFETY = 1.10
GREY = RGBColor(0x55, 0x55, 0x55)
TEMPLATE_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"
DECK_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"


class TemplateError(ValueError):
    """A template that cannot be read as a PowerPoint deck or template."""


@dataclass(frozen=True)
class Frame:
    """Where a figure slide's parts go, in points: the column, title, texts and picture."""

    left: float
    width: float
    title_top: float
    title_height: float
    slide_height: float


@dataclass(frozen=True)
class SlidePlan:
    """One figure slide laid out: its title and size, wrapped texts and the picture box."""

    title: str
    title_pt: int
    subtitle: list[str]
    unit: list[str]
    source: list[str]
    picture_top: float
    picture_width: float
    picture_height: float


# ---- fitting text


def _width(text: str, size: float, bold: bool, safety: float) -> float:
    return layout.text_px(text, size, bold) * safety


def _shorter(text: str) -> list[str]:
    """The title, then ever shorter forms of it: without its final period, its parentheses
    (the year's last: a headline without it could read as today's), and what follows a
    semicolon."""
    forms = [text.rstrip(".")]
    forms.append(re.sub(r"\s*\((?!\d{4}(?:[-–]\d{4})?\))[^)]*\)", "", forms[-1]).strip())
    forms.append(re.sub(r"\s*\([^)]*\)", "", forms[-1]).strip())
    forms.append(forms[-1].split(";")[0].strip())
    return list(dict.fromkeys(f for f in forms if f))


def fit_title(text: str, width_pt: float, safety: float = 1.0) -> tuple[str, int]:
    """The title on one line: the largest size it fits at, else a shorter form of it, else
    cut at a word with an ellipsis at the smallest size."""
    for form in _shorter(text):
        for size in TITLE_SIZES:
            if _width(form, size, True, safety) <= width_pt:
                return form, size
    smallest = TITLE_SIZES[-1]
    words = _shorter(text)[-1].split()
    while len(words) > 1 and _width(" ".join(words) + "…", smallest, True, safety) > width_pt:
        words.pop()
    return " ".join(words) + "…", smallest


def _wrapped(text: str, width_pt: float, size: float, most: int) -> list[str]:
    lines = layout.wrap(text, width_pt, size)
    if len(lines) > most:
        lines = [*lines[: most - 1], " ".join(lines[most - 1 :])]
        while len(lines[-1]) > 1 and layout.text_px(lines[-1] + "…", size) > width_pt:
            lines[-1] = lines[-1].rsplit(" ", 1)[0]
        lines[-1] += "…"
    return lines


def plan(fig: FigureDoc, frame: Frame, safety: float = 1.0) -> SlidePlan:
    """Lay one figure slide out: the title fitted, the texts wrapped, the picture box sized."""
    title, size = fit_title(fig.headline or fig.finding or fig.title, frame.width, safety)
    subtitle = _wrapped(fig.title, frame.width, SUBTITLE_PT, 2)
    unit = _wrapped(fig.subtitle, frame.width, UNIT_PT, 2)
    source = _wrapped(f"Figure {fig.number}. Source: {fig.source}", frame.width, SOURCE_PT, 3)
    # A publisher's caution is printed on the slide, not left to the speaker notes.
    source += [line for c in fig.cautions for line in _wrapped(c, frame.width, SOURCE_PT, 3)]
    top = frame.title_top + frame.title_height + GAP_PT / 2
    top += LINE * (SUBTITLE_PT * len(subtitle) + UNIT_PT * len(unit)) + GAP_PT
    bottom = frame.slide_height - Emu(BOTTOM).pt - LINE * SOURCE_PT * len(source) - GAP_PT
    return SlidePlan(title, size, subtitle, unit, source, top, frame.width, max(bottom - top, 72))


# ---- the template


def open_presentation(template: Path | None) -> Any:
    """A new deck: the default one at 16:9, or an organisation's template without its slides."""
    if template is None:
        prs = Presentation()
        prs.slide_width, prs.slide_height = SLIDE
        return prs
    try:
        data = Path(template).read_bytes()
        if data[:4] != b"PK\x03\x04":
            raise TemplateError(f"{template}: not a PowerPoint deck or template (.pptx, .potx)")
        prs = Presentation(io.BytesIO(untemplated(data, TEMPLATE_TYPE, DECK_TYPE)))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        if isinstance(exc, TemplateError):
            raise
        raise TemplateError(f"{template}: cannot be read as a PowerPoint template ({exc})") from exc
    for slide_id in list(prs.slides._sldIdLst):
        prs.part.drop_rel(slide_id.rId)
        prs.slides._sldIdLst.remove(slide_id)
    return prs


def _types(layout_: Any) -> set[Any]:
    return {p.placeholder_format.type for p in layout_.placeholders}


def title_layout(prs: Any) -> Any:
    """The template's title-slide layout (a centred title), else its first."""
    for candidate in prs.slide_layouts:
        if PP_PLACEHOLDER.CENTER_TITLE in _types(candidate):
            return candidate
    return prs.slide_layouts[0]


def figure_layout(prs: Any) -> Any:
    """The template's 'title only' layout: a title and no body placeholder."""
    bodies = {PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT, PP_PLACEHOLDER.PICTURE}
    for candidate in prs.slide_layouts:
        types = _types(candidate)
        if PP_PLACEHOLDER.TITLE in types and not types & bodies:
            return candidate
    return prs.slide_layouts[min(5, len(prs.slide_layouts) - 1)]


def frame_of(prs: Any, template: Path | None) -> Frame:
    """The figure slides' column: the house margins, or the template's title placeholder."""
    height = Emu(prs.slide_height).pt
    if template is not None:
        for shape in figure_layout(prs).placeholders:
            if shape.placeholder_format.type == PP_PLACEHOLDER.TITLE and shape.width:
                return Frame(
                    Emu(shape.left).pt,
                    Emu(shape.width).pt,
                    Emu(shape.top).pt,
                    Emu(shape.height).pt,
                    height,
                )
    width = Emu(prs.slide_width - 2 * MARGIN).pt
    title = TITLE_SIZES[0] * LINE
    return Frame(Emu(MARGIN).pt, width, Emu(TOP).pt, title, height)


def frame(template: Path | None) -> Frame:
    """The figure slides' column for a deck from this template (or the default deck)."""
    prs = open_presentation(template)
    return frame_of(prs, template)


def safety(template: Path | None) -> float:
    """How much wider than Arial a template's title font is assumed to be."""
    return 1.0 if template is None else TEMPLATE_SAFETY


# ---- slides


def _text(
    shape: Any,
    lines: Sequence[str],
    size: float,
    colour: RGBColor | None = None,
    font: str | None = FONT,
) -> None:
    frame_ = shape.text_frame
    frame_.word_wrap = True
    frame_.auto_size = MSO_AUTO_SIZE.NONE
    frame_.margin_left = frame_.margin_right = frame_.margin_top = frame_.margin_bottom = 0
    frame_.vertical_anchor = MSO_ANCHOR.TOP
    frame_.text = "\n".join(lines)
    for paragraph in frame_.paragraphs:
        paragraph.alignment = PP_ALIGN.LEFT
        for run in paragraph.runs:
            run.font.size = Pt(size)
            if font is not None:
                run.font.name = font
            if colour is not None:
                run.font.color.rgb = colour


def _box(
    slide: Any, at: tuple[float, float, float], lines: Sequence[str], size: float, font: str | None
) -> Any:
    left, top, width = at
    height = max(LINE * size * len(lines), 1)
    box = slide.shapes.add_textbox(Pt(left), Pt(top), Pt(width), Pt(height))
    _text(box, lines, size, GREY, font)
    return box


def _title(slide: Any, frame_: Frame, text: str, size: int, placed: bool) -> None:
    title = slide.shapes.title
    if not placed:  # the default deck's layouts are 4:3: put the title in the 16:9 column
        title.left, title.top = Pt(frame_.left), Pt(frame_.title_top)
        title.width, title.height = Pt(frame_.width), Pt(frame_.title_height)
    _text(title, [text], size, font=None if placed else FONT)
    for paragraph in title.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.bold = True


def _figure_slide(prs: Any, fig: FigureDoc, frame_: Frame, chosen: SlidePlan, placed: bool):
    slide = prs.slides.add_slide(figure_layout(prs))
    _title(slide, frame_, chosen.title, chosen.title_pt, placed)
    font = None if placed else FONT
    top = frame_.title_top + frame_.title_height + GAP_PT / 2
    _box(slide, (frame_.left, top, frame_.width), chosen.subtitle, SUBTITLE_PT, font)
    top += LINE * SUBTITLE_PT * len(chosen.subtitle)
    _box(slide, (frame_.left, top, frame_.width), chosen.unit, UNIT_PT, font)
    assert fig.slide is not None
    picture = slide.shapes.add_picture(
        io.BytesIO(fig.slide.png),
        Pt(frame_.left),
        Pt(chosen.picture_top),
        Pt(fig.slide.width_pt),
        Pt(fig.slide.height_pt),
    )
    picture._element.nvPicPr.cNvPr.set("descr", fig.alt_text)
    picture._element.nvPicPr.cNvPr.set("title", fig.title)
    source_top = frame_.slide_height - Emu(BOTTOM).pt - LINE * SOURCE_PT * len(chosen.source)
    _box(slide, (frame_.left, source_top, frame_.width), chosen.source, SOURCE_PT, font)
    notes = slide.notes_slide.notes_text_frame
    notes.text = "\n".join([fig.finding, *fig.notes]).strip()
    return slide


def _title_slide(prs: Any, pack: PackDoc, frame_: Frame, placed: bool) -> None:
    first = prs.slides.add_slide(title_layout(prs))
    subtitle = next(
        (p for p in first.placeholders if p.placeholder_format.type == PP_PLACEHOLDER.SUBTITLE),
        None,
    )
    if not placed:  # the default template's placeholders are laid out for 4:3
        shapes = [(first.shapes.title, 2.0, 1.8), (subtitle, 4.0, 1.2)]
        for shape, top, height in shapes:
            if shape is not None:
                shape.left, shape.top = Pt(frame_.left), Inches(top)
                shape.width, shape.height = Pt(frame_.width), Inches(height)
    first.shapes.title.text = pack.title
    built = f"Data built {pack.data_built}. " if pack.data_built else ""
    if subtitle is not None:
        subtitle.text = f"{figures_text(len(pack.figures))}. {built}Generated {pack.generated}."
    if not placed:
        for shape in (first.shapes.title, subtitle):
            for paragraph in shape.text_frame.paragraphs if shape is not None else []:
                for run in paragraph.runs:
                    run.font.name = FONT


def presentation(pack: PackDoc, options: Options) -> bytes:
    """The pack as a .pptx deck."""
    prs = open_presentation(options.slide_template)
    placed = options.slide_template is not None
    frame_ = frame_of(prs, options.slide_template)
    set_properties(prs, pack)
    _title_slide(prs, pack, frame_, placed)
    for fig in pack.figures:
        _figure_slide(prs, fig, frame_, plan(fig, frame_, safety(options.slide_template)), placed)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()

"""Charts into Word and PowerPoint: what the documents say about each chart and the pictures
they need. Report packs and the dashboard's Word download both build their documents here, so a
figure reads the same in both (licence, every edition drawn, compared ones included).

Each document draws its own picture of a chart, laid out at the size it is printed (Word) or
projected (PowerPoint) with one CSS pixel per point and the fonts scaled so that the smallest
text has the document's minimum size; the PNG is rendered at the document's resolution.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from indicators import figures
from indicators.catalogue import queries
from indicators.catalogue.explore import NO_COMPARISON
from indicators.contract.store import Tables
from indicators.etl import sources
from indicators.figures import Chart, layout
from indicators.outputs import deck, render, worddoc
from indicators.outputs.documents import FigureDoc, Options, PackDoc, Picture, SourceRow


def chart_editions(chart: Chart) -> list[str]:
    """Every edition a chart draws: its own and, when it compares, the one behind it."""
    keys = [k for k in str(chart.meta.get("edition", "")).split(",") if k]
    other = (chart.meta.get("params") or {}).get("compare")
    if other not in (None, "", NO_COMPARISON) and str(other) not in keys:
        keys.append(str(other))
    return keys


def licence(tables: Tables, key: str) -> str:
    """An edition's licence as the build recorded it, else as its format declares it."""
    source, vintage = queries.split_edition(key)
    editions = tables.get("editions")
    if editions is not None and "licence" in editions.columns:
        row = editions[(editions["source"] == source) & (editions["edition"] == vintage)]
        if len(row):
            return str(row["licence"].iloc[0])
    fmt = sources.BY_SOURCE.get(source)
    return fmt.licence if fmt else ""


def source_rows(tables: Tables, used_by: Sequence[Sequence[str]]) -> list[SourceRow]:
    """The editions the figures draw on (``used_by``: each figure's editions, in order), with
    citation, licence and the numbers of the figures using each."""
    used: dict[str, list[int]] = {}
    for number, keys in enumerate(used_by, 1):
        for key in keys:
            used.setdefault(key, []).append(number)
    return [
        SourceRow(
            queries.edition_label(key),
            queries.source_line(tables, key),
            licence(tables, key),
            tuple(numbers),
        )
        for key, numbers in sorted(used.items())
    ]


def figure_doc(
    number: int, ident: str, chart: Chart, size: str, pixels: tuple[int, int], alt_text: str
) -> FigureDoc:
    """What the documents say about a chart (its pictures are added once rendered)."""
    width_px, height_px = pixels
    return FigureDoc(
        number=number,
        id=ident,
        title=chart.caption.title,
        subtitle=chart.caption.subtitle,
        finding=chart.finding,
        source=chart.caption.source,
        notes=tuple(chart.caption.notes),
        alt_text=alt_text,
        size=size,
        width_px=width_px,
        height_px=height_px,
        headline=chart.headline,
        cautions=tuple(chart.caption.cautions),
    )


@dataclass(frozen=True)
class Geometry:
    """What the documents' templates fix before any picture is drawn: the Word text width and
    the slides' column."""

    text_pt: float
    frame: deck.Frame
    safety: float
    text_height_pt: float

    @classmethod
    def of(cls, options: Options, formats: Sequence[str]) -> Geometry:
        """Read the templates once (only those of the formats asked for)."""
        word = options.word_template if "docx" in formats else None
        template = options.slide_template if "pptx" in formats else None
        text, tall = worddoc.text_box_pt(word)
        return cls(text, deck.frame(template), deck.safety(template), tall)


# Room a Word picture leaves on its page for the numbered caption above it (two lines).
CAPTION_ROOM_PT = 30.0


class DoesNotFit(ValueError):
    """A chart whose labelled rows (104 economies) a Word page or a slide cannot hold without
    their labels overlapping, at the smallest text the document allows; ``fmt`` names the
    document ('docx' or 'pptx')."""

    def __init__(self, message: str, fmt: str) -> None:
        super().__init__(message)
        self.fmt = fmt


def check_fit(chart: Chart, fig: FigureDoc, geometry: Geometry, formats: Sequence[str]) -> None:
    """Raise DoesNotFit, in words a report writer can act on, when a chart's rows would overlap
    in its Word picture (taller than a page) or its slide picture (taller than the slide's
    picture box); charts without labelled rows always fit."""
    rows, _ = layout.labelled_rows(chart.figure)
    if not rows:
        return
    checks = []
    if "docx" in formats:
        room = geometry.text_height_pt - CAPTION_ROOM_PT
        size = word_size(chart, fig, geometry)
        checks.append(("docx", "a Word page", size, room, worddoc.SMALLEST_PT))
    if "pptx" in formats:
        size = slide_size(fig, geometry)
        checks.append(("pptx", "a slide", size, size[1], deck.SMALLEST_PT))
    for fmt, where, (width, height), room, smallest_pt in checks:
        scale = layout.print_scale(chart.figure, smallest_pt)
        need = layout.tall_enough(figures.bare(chart.figure, width, height, scale), height)
        if need > room:
            raise DoesNotFit(
                f"its {rows} rows need a picture {need:,} pt tall to keep their labels apart at "
                f"{smallest_pt:g} pt, and {where} has room for {math.floor(room):,} pt: "
                "choose fewer rows (one region, for example)",
                fmt,
            )


def word_size(chart: Chart, fig: FigureDoc, geometry: Geometry) -> tuple[int, int]:
    """The printed size of a figure's Word picture, in points: its width in the document, and
    its preset's proportions unless its legend and axes at 8 pt would squeeze the plot flat (a
    long legend in an 8 cm column), then as tall as the plot needs."""
    width, height = worddoc.picture_size(fig.size, fig.width_px, fig.height_px, geometry.text_pt)
    scale = layout.print_scale(chart.figure, worddoc.SMALLEST_PT)
    return width, max(height, math.ceil(layout.height_for(chart.figure, width, scale)))


def slide_size(fig: FigureDoc, geometry: Geometry) -> tuple[int, int]:
    """The projected size of a figure's slide picture, in points."""
    plan = deck.plan(fig, geometry.frame, geometry.safety)
    return round(plan.picture_width), round(plan.picture_height)


def picture_job(chart: Chart, size: tuple[int, int], smallest_pt: float, dpi: float) -> render.Job:
    """The bare plot laid out at ``size`` points (one CSS px each), its smallest text at
    ``smallest_pt``, rendered at ``dpi``."""
    width, height = size
    scale = layout.print_scale(chart.figure, smallest_pt)
    bare = figures.bare(chart.figure, width, height, scale)
    return render.Job(render.figure_dict(bare), "png", width, height, dpi / 72)


def word_job(chart: Chart, fig: FigureDoc, geometry: Geometry) -> render.Job:
    """The Word picture: at its printed width, text at least 8 pt, 300 dpi."""
    return picture_job(chart, word_size(chart, fig, geometry), worddoc.SMALLEST_PT, worddoc.DPI)


def slide_job(chart: Chart, fig: FigureDoc, geometry: Geometry) -> render.Job:
    """The slide picture: across the content width, text at least 14 pt, full-HD pixels."""
    return picture_job(chart, slide_size(fig, geometry), deck.SMALLEST_PT, deck.PX_PER_PT * 72)


def with_pictures(
    fig: FigureDoc,
    word: render.Job | None,
    word_png: bytes | None,
    slide: render.Job | None,
    slide_png: bytes | None,
) -> FigureDoc:
    """The figure with its rendered pictures, placed at the sizes they were laid out for."""
    return replace(
        fig,
        word=Picture(word_png, word.width, word.height) if word and word_png else None,
        slide=Picture(slide_png, slide.width, slide.height) if slide and slide_png else None,
    )


def date_text(when: datetime | None = None) -> str:
    """'6 December 2026', as a UN document states a date (today when not given)."""
    when = when or datetime.now(UTC)
    return f"{when.day} {when:%B %Y}"


def day(timestamp: str | None) -> str | None:
    """'2026-11-23T10:55:06+00:00' -> '23 November 2026' (as a document states a date)."""
    if not timestamp:
        return None
    try:
        return date_text(datetime.fromisoformat(timestamp))
    except ValueError:
        return timestamp


def keywords(used_by: Sequence[Sequence[str]]) -> list[str]:
    """Sources and editions the figures draw on: what a document search should find."""
    keys = {k for keys in used_by for k in keys}
    return sorted({queries.split_edition(k)[0] for k in keys} | keys)


def chart_word(
    chart: Chart,
    tables: Tables,
    pixels: tuple[int, int],
    alt_text: str,
    options: Options | None = None,
    data_built_at: str | None = None,
) -> bytes:
    """One chart as a Word document (the dashboard's download), built as a pack's is."""
    options = options or Options()
    fig = figure_doc(1, str(chart.meta.get("chart", "figure")), chart, "page", pixels, alt_text)
    geometry = Geometry.of(options, ("docx",))
    check_fit(chart, fig, geometry, ("docx",))
    job = word_job(chart, fig, geometry)
    png = render.renderer().render(job)
    used = [chart_editions(chart)]
    pack = PackDoc(
        title=chart.caption.title,
        figures=[with_pictures(fig, job, png, None, None)],
        sources=source_rows(tables, used),
        generated=date_text(),
        data_built=day(data_built_at),
        keywords=keywords(used),
    )
    return worddoc.document(pack, options)


def template_options(templates: Sequence[Path], caption: str = "above") -> Options:
    """Options from ``--template`` files: a .docx/.dotx for Word, a .pptx/.potx for slides."""
    word = [t for t in templates if Path(t).suffix.lower() in (".docx", ".dotx")]
    slides = [t for t in templates if Path(t).suffix.lower() in (".pptx", ".potx")]
    other = [t for t in templates if t not in word and t not in slides]
    if other or len(word) > 1 or len(slides) > 1:
        raise ValueError(
            f"--template takes one Word (.docx, .dotx) and one PowerPoint (.pptx, .potx) "
            f"file; got {', '.join(map(str, templates))}"
        )
    for path in [*word, *slides]:
        if not Path(path).is_file():
            raise ValueError(f"--template {path}: no such file")
    return Options(caption, word[0] if word else None, slides[0] if slides else None)

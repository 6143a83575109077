"""Turn a Chart into files: PNG, SVG and PDF through the process's Chromium, CSV with citation.

Images are laid out in the house layout for the size asked (``figures.layout``) and rendered by
``render``; PDFs carry the figure's title, subtitle, publisher credit and keywords as document
metadata, SVGs a ``<title>`` and a ``<desc>`` (the alt text) for screen readers.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from html import escape

import plotly.graph_objects as go

from indicators import figures
from indicators.catalogue import queries
from indicators.contract.store import Tables
from indicators.figures import Chart, layout
from indicators.outputs import render

FORMATS = ("png", "svg", "pdf", "csv", "docx")
IMAGE_FORMATS = render.IMAGE_FORMATS
MEDIA_TYPES = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "csv": "text/csv",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# Button labels where the format's name is not what a reader calls it.
LABELS = {"docx": "Word"}
DEFAULT_SIZE = (1000, 620)
# Publishers as a citation names them first, and how a document's Author field credits them.
PUBLISHERS = {
    "ITU": "International Telecommunication Union (ITU)",
    "World Bank": "World Bank",
    "UN": "United Nations",
    "UNSD": "United Nations Statistics Division",
}
PRODUCER = "digital-divide-indicators"


def csv_text(chart: Chart, tables: Tables | None = None) -> str:
    """Exactly the plotted data, preceded by '#' lines with the caption and citation: with the
    tables at hand, names beside codes and values as each publisher prints them (``tidy``);
    text cells never start a formula."""
    from indicators.outputs import tidy

    frame = tidy.chart_frame(chart, tables) if tables is not None else chart.data
    return tidy.csv_text(frame, chart.caption.lines())


def laid_out(chart: Chart, width: int, height: int) -> go.Figure:
    """A copy of the chart's figure in the house layout at ``width`` x ``height``."""
    return figures.fit_width(figures.copy(chart.figure), chart.caption, width, height, True)


def printed(chart: Chart, width: int, height: int) -> tuple[go.Figure, int, int]:
    """The chart laid out as an image is drawn, and its size: the size asked for, made taller
    when the chart labels more rows than that height holds (104 economies in a page-sized
    picture would overlap), so that every row keeps its label's lines at the size's fonts."""
    fig = laid_out(chart, width, height)
    if layout.labelled_rows(chart.figure)[0]:
        for _ in range(3):  # a taller picture may draw larger fonts (``layout.scale_for``)
            need = layout.tall_enough(fig, height)
            if need == height:
                break
            height = need
            fig = laid_out(chart, width, height)
    return fig, width, height


def printed_size(chart: Chart, width: int, height: int) -> tuple[int, int]:
    """The size an image of the chart is drawn at (``printed``)."""
    _, width, height = printed(chart, width, height)
    return width, height


def _size(chart: Chart, width: int | None, height: int | None) -> tuple[int, int]:
    return width or DEFAULT_SIZE[0], height or chart.figure.layout.height or DEFAULT_SIZE[1]


def publisher_credit(chart: Chart) -> str:
    """Who published the data, as a document's Author field credits them."""
    names: list[str] = []
    for citation in chart.caption.source.split("; "):
        first = citation.split(",")[0].strip()
        name = PUBLISHERS.get(first, first)
        if name and name not in names:
            names.append(name)
    return "; ".join(names)


def keywords(chart: Chart) -> list[str]:
    """Chart id, sources and editions, and the topic: what a document search should find."""
    edition = str(chart.meta.get("edition", ""))
    keys = [e for e in edition.split(",") if e]
    words = [str(chart.meta.get("chart", "")), "digital divide"]
    words += [queries.split_edition(k)[0] for k in keys] + keys
    return [w for i, w in enumerate(words) if w and w not in words[:i]]


def alt_text(chart: Chart) -> str:
    """What the chart shows, its finding and its source, for screen readers, Word and
    PowerPoint."""
    cap = chart.caption
    parts = [f"{chart.kind}: {cap.title}. {cap.subtitle}."]
    if chart.finding:
        parts.append(chart.finding)
    parts.append(f"Source: {cap.source}.")
    return " ".join(p.replace("..", ".") for p in parts)


def with_pdf_metadata(content: bytes, chart: Chart) -> bytes:
    """Replace Chromium's document information with the figure's own."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(content)))
    writer.metadata = None
    writer.add_metadata(
        {
            "/Title": chart.caption.title,
            "/Subject": chart.caption.subtitle,
            "/Author": publisher_credit(chart),
            "/Keywords": ", ".join(keywords(chart)),
            "/Creator": PRODUCER,
            "/Producer": PRODUCER,
        }
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def with_svg_title(content: bytes, chart: Chart) -> bytes:
    """Give the SVG a <title> and a <desc> right after its opening tag."""
    text = content.decode("utf-8")
    start = text.find("<svg")
    end = text.find(">", start) + 1 if start >= 0 else 0
    if start < 0 or end <= 0:
        return content
    opening = text[start:end]
    if "role=" not in opening:
        opening = opening[:-1] + ' role="img" aria-labelledby="fig-title fig-desc">'
    inner = (
        f'<title id="fig-title">{escape(chart.caption.title)}</title>'
        f'<desc id="fig-desc">{escape(alt_text(chart))}</desc>'
    )
    return (text[:start] + opening + inner + text[end:]).encode("utf-8")


def finish(content: bytes, fmt: str, chart: Chart) -> bytes:
    """Add the document metadata each format can carry."""
    if fmt == "pdf":
        return with_pdf_metadata(content, chart)
    if fmt == "svg":
        return with_svg_title(content, chart)
    return content


def image_jobs(
    chart: Chart, formats: Sequence[str], width: int, height: int, png_scale: float
) -> list[render.Job]:
    """The renders one figure needs: one laid-out figure, one job per image format (taller
    than asked if its rows need it: ``printed``)."""
    laid, width, height = printed(chart, width, height)
    fig = render.figure_dict(laid)
    return [
        render.Job(fig, fmt, width, height, png_scale if fmt == "png" else 1)
        for fmt in formats
        if fmt in IMAGE_FORMATS
    ]


def image_files(
    chart: Chart,
    formats: Sequence[str],
    scale: float = 2,
    width: int | None = None,
    height: int | None = None,
    renderer: render.ImageRenderer | None = None,
) -> dict[str, bytes]:
    """Several image formats of one figure, rendered concurrently in the one Chromium."""
    w, h = _size(chart, width, height)
    jobs = image_jobs(chart, formats, w, h, scale)
    rendered = (renderer or render.renderer()).render_many(jobs)
    return {job.fmt: finish(raw, job.fmt, chart) for job, raw in zip(jobs, rendered, strict=True)}


def image_bytes(
    chart: Chart,
    fmt: str,
    scale: float = 2,
    width: int | None = None,
    height: int | None = None,
    renderer: render.ImageRenderer | None = None,
) -> bytes:
    """Render the figure as PNG, SVG or PDF with the process's Chromium."""
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"unknown image format {fmt!r}")
    return image_files(chart, [fmt], scale, width, height, renderer)[fmt]


def word_bytes(
    chart: Chart,
    width: int | None = None,
    height: int | None = None,
    tables: Tables | None = None,
) -> bytes:
    """One figure as a Word document, built as a pack's is (``office.chart_word``): numbered
    caption above the picture, finding, source and notes, the sources table with licences and
    every edition drawn (a compared one too)."""
    from indicators.outputs import office

    if tables is None:
        raise ValueError("a Word document needs the tables (licences and citations)")
    built = tables.metadata("editions").get("built_at") or None
    pixels = _size(chart, width, height)
    return office.chart_word(chart, tables, pixels, alt_text(chart), data_built_at=built)


def file_bytes(
    chart: Chart,
    fmt: str,
    scale: float = 2,
    width: int | None = None,
    height: int | None = None,
    tables: Tables | None = None,
) -> bytes:
    """Any export format as bytes."""
    if fmt == "csv":
        return csv_text(chart, tables).encode("utf-8")
    if fmt == "docx":
        return word_bytes(chart, width, height, tables)
    return image_bytes(chart, fmt, scale, width, height)


def download_bytes(
    chart: Chart, fmt: str, key: tuple[object, ...], tables: Tables | None = None
) -> bytes:
    """A page download: rendered once per ``key`` (published version, chart, view, format)
    in this process's Chromium, then served from memory."""
    return render.download_cache().get_or_make(
        (*key, fmt), lambda: file_bytes(chart, fmt, tables=tables)
    )

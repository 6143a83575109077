"""Turn a Chart into files: PNG, SVG and PDF through kaleido and Chromium, CSV with citation."""

from __future__ import annotations

import io

import plotly.graph_objects as go

from indicators import figures
from indicators.figures import Chart

FORMATS = ("png", "svg", "pdf", "csv")
MEDIA_TYPES = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "csv": "text/csv",
}
DEFAULT_SIZE = (1000, 620)


def csv_text(chart: Chart) -> str:
    """Exactly the plotted data, preceded by '#' lines with the caption and citation."""
    header = "".join(f"# {line}\n" for line in chart.caption.lines())
    buffer = io.StringIO()
    chart.data.to_csv(buffer, index=False, lineterminator="\n")
    return header + buffer.getvalue()


def image_bytes(
    chart: Chart, fmt: str, scale: float = 2, width: int | None = None, height: int | None = None
) -> bytes:
    """Render the figure as PNG, SVG or PDF with the system Chromium (kaleido)."""
    if fmt not in ("png", "svg", "pdf"):
        raise ValueError(f"unknown image format {fmt!r}")
    w, h = width or DEFAULT_SIZE[0], height or chart.figure.layout.height or DEFAULT_SIZE[1]
    fig = figures.fit_width(go.Figure(chart.figure), chart.caption, w, h)
    return bytes(fig.to_image(format=fmt, scale=scale, width=w, height=h))


def file_bytes(
    chart: Chart, fmt: str, scale: float = 2, width: int | None = None, height: int | None = None
) -> bytes:
    """Any export format as bytes."""
    if fmt == "csv":
        return csv_text(chart).encode("utf-8")
    return image_bytes(chart, fmt, scale, width, height)

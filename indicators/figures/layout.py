"""The house layout of exported figures.

Every text block (title, subtitle, legend, source, notes) and the plot itself (its axis labels
included) start at one left inset. Sizes are designed for the page preset (1000 x 560 px and up)
and scale with the figure: a slide gets larger fonts, margins and lines, a column keeps text
legible. Plotly measures text only in the browser, so the margins are computed here from
conservative estimates of text widths (Arial, Helvetica and Liberation Sans share metrics), and
every line of the caption is wrapped to the width before it is drawn.
"""

from __future__ import annotations

import base64
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go

# Sizes at scale 1 (the page preset), in CSS pixels.
BASE_FONT = 13.0
TITLE_FONT = 17.0
SUBTITLE_FONT = 13.0
CAPTION_FONT = 11.0
INSET = 18.0
LINE_HEIGHT = 1.3  # plotly's line height for <br>-separated lines
# Advance widths of Arial / Helvetica / Liberation Sans (metric-compatible), per 1000 em, from
# the Helvetica AFM; bold is about 7% wider. Characters not listed count as a digit.
_WIDTHS = dict(
    zip(
        " !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`"
        "abcdefghijklmnopqrstuvwxyz{|}~",
        [
            278,
            278,
            355,
            556,
            556,
            889,
            667,
            191,
            333,
            333,
            389,
            584,
            278,
            333,
            278,
            278,
            *[556] * 10,
            278,
            278,
            584,
            584,
            584,
            556,
            1015,
            667,
            667,
            722,
            722,
            667,
            611,
            778,
            722,
            278,
            500,
            667,
            556,
            833,
            722,
            778,
            667,
            778,
            722,
            667,
            611,
            722,
            667,
            944,
            667,
            667,
            611,
            278,
            278,
            278,
            469,
            556,
            333,
            556,
            556,
            500,
            556,
            556,
            278,
            556,
            556,
            222,
            222,
            500,
            222,
            833,
            556,
            556,
            556,
            556,
            333,
            500,
            278,
            556,
            500,
            722,
            500,
            500,
            500,
            334,
            260,
            334,
            584,
        ],
        strict=True,
    )
)
_DEFAULT_WIDTH = 556
BOLD = 1.07
# Estimates err on the wide side, so that a wrapped line never runs past the inset.
SAFETY = 1.04
CAPTION_COLOUR = "#444444"


def scale_for(width: int, height: int) -> float:
    """How much larger than at the page preset fonts, margins and lines are drawn.

    A column (600 px) keeps text at 90% so it stays legible in print; a slide (1600 x 900)
    draws everything 1.6 times larger so it reads from the back of a room.
    """
    return max(0.9, min(width / 1000, height / 560))


def smallest_font(fig: go.Figure) -> float:
    """The smallest text the figure draws at scale 1: tick labels and legend, or a smaller
    annotation (reference-line labels) or trace text."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    house = float(meta.get("house_scale", 1.0))
    sizes = [BASE_FONT]
    sizes += [
        float(note.font.size) / house
        for note in fig.layout.annotations
        if note.name != "caption" and note.font is not None and note.font.size
    ]
    for trace in fig.data:
        font = getattr(trace, "textfont", None)
        if font is not None and isinstance(font.size, int | float):
            sizes.append(float(font.size))
    return min(sizes)


def print_scale(fig: go.Figure, smallest_pt: float) -> float:
    """The scale at which the figure's smallest text is ``smallest_pt`` points when one CSS
    pixel is printed as one point (documents render their pictures at their printed size)."""
    return smallest_pt / smallest_font(fig)


def text_px(text: str, font: float, bold: bool = False) -> float:
    """Estimated width of a line of text (without markup) in pixels."""
    units = sum(_WIDTHS.get(c, _DEFAULT_WIDTH) for c in text)
    return units / 1000 * font * (BOLD if bold else 1.0) * SAFETY


def word_lines(text: str, chars: int) -> list[str]:
    """The words of a label in lines of at most ``chars`` characters (a longer word alone)."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > chars:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return lines


def wrap(text: str, width_px: float, font: float, bold: bool = False) -> list[str]:
    """Break a line at word boundaries so that no line is wider than ``width_px``."""
    out: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and text_px(candidate, font, bold) > width_px:
            out.append(line)
            line = word
        else:
            line = candidate
    return [*out, line] if line else out


@dataclass(frozen=True)
class Blocks:
    """The wrapped caption of a figure at one size, and the fonts it is drawn with."""

    scale: float
    title: list[str]
    subtitle: list[str]
    footer: list[str]

    @property
    def head_px(self) -> float:
        # Plotly spaces every line of the title block by the title's font, subtitle lines too.
        return LINE_HEIGHT * self.scale * TITLE_FONT * (len(self.title) + len(self.subtitle))

    @property
    def footer_px(self) -> float:
        return LINE_HEIGHT * self.scale * CAPTION_FONT * len(self.footer)


def caption_blocks(
    title: str, subtitle: str, footer: Sequence[str], width: int, scale: float
) -> Blocks:
    """Title, subtitle and footer lines wrapped to the width between the insets."""
    usable = width - 2 * INSET * scale
    return Blocks(
        scale,
        wrap(title, usable, TITLE_FONT * scale, bold=True),
        wrap(subtitle, usable, SUBTITLE_FONT * scale),
        [x for line in footer for x in wrap(line, usable, CAPTION_FONT * scale)],
    )


def _legend_names(fig: go.Figure) -> list[str]:
    return [
        str(t.name)
        for t in fig.data
        if t.name and t.showlegend is not False and t.type != "choropleth"
    ]


# Plotly's legend metrics (plotly.js legend/draw.js): every item is its text plus the symbol
# column (itemwidth 30 px and two 5 px gaps), and items are 5 px apart; fixed px at any scale.
LEGEND_ITEM_PX = 40.0
LEGEND_GAP_PX = 5.0
LINE_HEIGHT_LEGEND = 1.3  # plotly's line spacing


def legend_px(rows: int, font: float, scale: float) -> float:
    """Height a horizontal legend of ``rows`` rows takes, with a gap below it. Plotly draws a
    row at least 16 px plus 3 px tall (1.3 lines of a larger font) and pads the legend by
    5 px above and below, fixed px at any scale: a Word picture's 8 pt legend needs more
    than two lines of its font per row."""
    if not rows:
        return 0.0
    drawn = rows * (max(LINE_HEIGHT_LEGEND * font, 16.0) + 3.0) + 10.0 + 4 * scale
    return max(rows * font * 2.0 + 10 * scale, drawn)


def legend_rows(fig: go.Figure, width: int, scale: float) -> int:
    """Rows a horizontal legend takes at this width, as plotly lays it out: within the plot's
    width, all items packed in one row when they fit, otherwise every item in a column as
    wide as the widest item (so a long name puts fewer items in each row)."""
    names = _legend_names(fig)
    if len(names) < 2 or fig.layout.showlegend is False:
        return 0
    font = BASE_FONT * scale
    m = margins(fig, caption_blocks("", "", [], width, scale), width, 0)
    usable = width - m.left - m.right
    # the AFM widths without the safety margin: plotly measures the text it draws
    items = [LEGEND_ITEM_PX + text_px(name, font) / SAFETY for name in names]
    if sum(items) + (len(items) - 1) * LEGEND_GAP_PX < usable:
        return 1
    per_row = max(1, int((usable + LEGEND_GAP_PX) // (max(items) + LEGEND_GAP_PX)))
    return math.ceil(len(items) / per_row)


def _is_cartesian(fig: go.Figure) -> bool:
    return any(t.type not in ("choropleth", "scattergeo") for t in fig.data) or not fig.data


def _numbers_width(values: Iterable[Any], font: float) -> float:
    """Width of the widest tick label plotly would write for numbers up to these values."""
    top = 0.0
    negative = False
    for v in values:
        if isinstance(v, int | float) and not (isinstance(v, float) and math.isnan(v)):
            top = max(top, abs(float(v)))
            negative = negative or v < 0
    if top < 1:
        chars = 4  # 0.95
    elif top < 10:
        chars = 3  # 2.5
    else:
        chars = min(5, len(str(int(top))))
    return (chars + negative) * font * 0.556 * SAFETY


def _axis_labels(fig: go.Figure, axis: str) -> list[Any]:
    """Every value drawn on an axis (categories, tick texts, or the data)."""
    layout_axis = fig.layout[f"{axis}axis"]
    if layout_axis.tickvals is not None and layout_axis.type == "category":
        # Rows labelled by their own short texts (ticktext) are as wide as those texts.
        return list(layout_axis.ticktext or layout_axis.tickvals)
    values: list[Any] = []
    for trace in fig.data:
        data = getattr(trace, axis, None)
        if data is not None:
            values.extend(v for v in _plain(data) if v is not None)
    if layout_axis.ticktext and layout_axis.tickvals is not None:
        return _visible_ticks(layout_axis, values)
    if layout_axis.range is not None:
        values.extend(layout_axis.range)
    return values


def _plain(data: Any) -> list[Any]:
    """Axis data as a list, decoding plotly's base64 typed arrays (unvalidated copies)."""
    if isinstance(data, dict) and "bdata" in data:
        array = np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"])
        return [v.item() for v in array.ravel()]
    return [v.item() if isinstance(v, np.generic) else v for v in data]


def _visible_ticks(axis: Any, values: list[Any]) -> list[Any]:
    """The tick texts whose values fall within the plotted data (autorange pads a little)."""
    numbers = [float(v) for v in values if isinstance(v, int | float) and v == v]
    if not numbers:
        return list(axis.ticktext)
    low, high = min(numbers), max(numbers)
    if axis.type == "log":
        low, high = low / 1.3, high * 1.3
    else:
        pad = 0.1 * (high - low)
        low, high = low - pad, high + pad
    shown = [t for v, t in zip(axis.tickvals, axis.ticktext, strict=False) if low <= v <= high]
    return shown or list(axis.ticktext)


def tick_labels_px(fig: go.Figure, axis: str, font: float) -> float:
    """The width of the widest tick label of an axis."""
    labels = _axis_labels(fig, axis)
    texts = [line for v in labels if isinstance(v, str) for line in v.split("<br>")]
    if texts:
        return max(text_px(t, font) for t in texts)
    return _numbers_width(labels, font)


def _has_title(axis: Any) -> bool:
    return bool(axis.title and axis.title.text)


def value_axis_px(fig: go.Figure, scale: float = 1.0) -> float:
    """Room left of the plot for the y axis: its widest tick label and its title (a
    conservative estimate, so that a page's plotly, which measures them, has room enough on
    its first pass and never draws the chart twice)."""
    font = BASE_FONT * scale
    room = tick_labels_px(fig, "y", font) + 10 * scale
    if _has_title(fig.layout.yaxis):
        lines = str(fig.layout.yaxis.title.text).count("<br>") + 1
        room += font * LINE_HEIGHT * lines + 12 * scale
    return room


@dataclass(frozen=True)
class Margins:
    left: float
    right: float
    top: float
    bottom: float


def margins(fig: go.Figure, blocks: Blocks, width: int, rows: int) -> Margins:
    """The plot's margins: the inset plus the room its axis labels, legend and caption need."""
    s = blocks.scale
    font = BASE_FONT * s
    inset = INSET * s
    top = inset + blocks.head_px + 10 * s + legend_px(rows, font, s)
    bottom = inset + blocks.footer_px + 16 * s
    left = right = inset
    if _is_cartesian(fig):
        left += value_axis_px(fig, s)
        horizontal = any(getattr(t, "orientation", None) == "h" for t in fig.data)
        last_x = tick_labels_px(fig, "x", font) / 2 if not horizontal else 0
        right += max(0.0, last_x - inset)  # the last x label is centred on the plot's edge
        bottom += font * LINE_HEIGHT + 10 * s
        if _has_top_axis(fig):
            top += font * LINE_HEIGHT + 10 * s
        if _has_title(fig.layout.xaxis):
            bottom += font * LINE_HEIGHT + 8 * s
    else:
        right += _colourbar_px(fig, font)
    return Margins(left, right, top, bottom)


TOP_AXIS_ROWS = 30  # printed charts of more rows repeat their value axis on top


def top_axis(first_row: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """The value axis repeated above a tall chart (one row per economy), so that its first rows
    are read without going to its foot: an invisible point on a second x axis (plotly draws an
    axis only with a trace on it), and that axis, matching the first, on top."""
    point = {
        "type": "scatter",
        "x": [None],
        "y": [first_row],
        "xaxis": "x2",
        "mode": "markers",
        "showlegend": False,
        "hoverinfo": "skip",
    }
    return point, {"overlaying": "x", "matches": "x", "side": "top", "showgrid": False}


def _has_top_axis(fig: go.Figure) -> bool:
    return "xaxis2" in fig.layout and fig.layout["xaxis2"].side == "top"


def labelled_rows(fig: go.Figure) -> tuple[int, int]:
    """The rows a chart labels one by one on its category axis (a dot plot's economies): how
    many, and the most lines one label takes; (0, 0) for any other chart."""
    axis = fig.layout.yaxis
    values, labels = axis.tickvals or (), axis.ticktext or ()
    if axis.tickmode != "array" or not labels or not all(isinstance(v, str) for v in values):
        return 0, 0
    return len(labels), max(str(t).count("<br>") + 1 for t in labels)


ROW_LABELS_SHARE = 0.35  # of a printed figure's width, for its row labels set on one line
ROW_LEADING = 1.15  # the row pitch per line of a row label, in ems (single spacing in Word)


def one_line_rows(fig: go.Figure, width: int, scale: float) -> list[str] | None:
    """A chart's row labels on one line each ('Bosnia and Herzegovina (2018)'), when the
    longest fits in ``ROW_LABELS_SHARE`` of the width at this scale; None if it does not, or
    the chart labels no rows (the dashboard wraps them for its narrow label column; a printed
    figure is wide enough, and one line a row halves the height the rows need)."""
    if not labelled_rows(fig)[0]:
        return None
    labels = [str(t).replace("<br>", " ") for t in fig.layout.yaxis.ticktext]
    widest = max(text_px(label, BASE_FONT * scale) for label in labels)
    return labels if widest <= ROW_LABELS_SHARE * width else None


def rows_px(fig: go.Figure, scale: float, width: int | None = None) -> float:
    """The plot height at which every labelled row has room for its label's lines at this
    scale, as printed at ``width`` if given (its labels on one line where they fit); 0 for a
    chart without such rows."""
    rows, lines = labelled_rows(fig)
    if width is not None and one_line_rows(fig, width, scale) is not None:
        lines = 1
    return rows * lines * ROW_LEADING * BASE_FONT * scale


def height_for(fig: go.Figure, width: int, scale: float, plot_ratio: float = 0.25) -> float:
    """The height at which a chart's plot is at least ``plot_ratio`` of its width tall, nine
    lines of its text (room for the value axis's ticks) and every labelled row's lines, given
    its legend and axes at this width and scale (0 for a map)."""
    if not _is_cartesian(fig):
        return 0.0
    blocks = caption_blocks("", "", [], width, scale)
    m = margins(fig, blocks, width, legend_rows(fig, width, scale))
    rows = rows_px(fig, scale, width)
    plot = max(plot_ratio * (width - m.left - m.right), 9 * BASE_FONT * scale, rows)
    return m.top + m.bottom + plot


def tall_enough(fig: go.Figure, height: int) -> int:
    """The height a laid-out figure (``apply``) needs for its labelled rows: ``height``, or more
    when its rows would overlap at that height (104 economies in a page-sized picture)."""
    scale = float(fig.layout.meta.get("house_scale", 1.0)) if fig.layout.meta else 1.0
    need = fig.layout.margin.t + fig.layout.margin.b + rows_px(fig, scale)
    return max(height, math.ceil(need))


def fit_y_title(fig: go.Figure, plot_h: float, font: float) -> None:
    """A value-axis title longer than the plot is tall is set on two lines, or left out if it
    is longer still (captions state the unit too); in place."""
    axis = fig.layout.yaxis
    if not _has_title(axis) or "<br>" in str(axis.title.text):
        return
    text = str(axis.title.text)
    if text_px(text, font) <= plot_h:
        return
    lines = wrap(text, plot_h, font)
    axis.title.text = "<br>".join(lines) if len(lines) == 2 else None


TICK_PITCH = 1.6  # a value tick label's room on its axis, in lines of its font


def thin_value_ticks(fig: go.Figure, plot_h: float, font: float) -> None:
    """A value axis with ticks set one by one (a log axis's 1-2-5 steps) keeps as many as its
    plot's height gives room for: on a log axis the powers of ten first, then every other one
    (ten labels on a 110 px slide plot ran into each other); in place."""
    axis = fig.layout.yaxis
    values, labels = list(axis.tickvals or ()), list(axis.ticktext or ())
    room = max(2, int(plot_h // (TICK_PITCH * font)))
    if len(values) <= room or not all(isinstance(v, int | float) for v in values):
        return
    keep = list(range(len(values)))
    if axis.type == "log":
        powers = [i for i in keep if float(values[i]) > 0 and math.log10(values[i]).is_integer()]
        keep = powers if len(powers) >= 2 else keep
    step = math.ceil(len(keep) / room)
    keep = keep[::step]
    axis.tickvals = [values[i] for i in keep]
    if len(labels) == len(values):
        axis.ticktext = [labels[i] for i in keep]


def _colourbar_px(fig: go.Figure, font: float) -> float:
    """Room for a map's colour bar at the right: the bar, its tick labels and its title."""
    bars = [t for t in fig.data if t.type == "choropleth" and t.showscale is not False]
    if not bars:
        return 0.0
    bar = bars[0].colorbar
    ticks = [str(t) for t in (bar.ticktext or ["100"])]
    title = str(bar.title.text or "") if bar.title else ""
    thickness = bar.thickness or 12
    title_px = max(text_px(line, font) for line in title.split("<br>"))
    return max(thickness + 8 + max(text_px(t, font) for t in ticks), title_px) + 10


def _rescale(fig: go.Figure, scale: float) -> None:
    """Scale what the figure functions drew at scale 1: lines, markers, annotation fonts."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    factor = scale / float(meta.get("house_scale", 1.0))
    fig.layout.meta = {**meta, "house_scale": scale}
    if abs(factor - 1) < 1e-9:
        return
    for trace in fig.data:
        if trace.type in ("scatter", "scattergl"):
            trace.line.width = (trace.line.width if trace.line.width is not None else 2) * factor
            if trace.marker is not None:
                trace.marker.size = (trace.marker.size or 6) * factor
        elif trace.type == "box":
            trace.marker.size = (trace.marker.size or 6) * factor
            trace.line.width = (trace.line.width if trace.line.width is not None else 2) * factor
        elif trace.type == "choropleth":
            trace.marker.line.width = (trace.marker.line.width or 0.5) * factor
            trace.colorbar.thickness = (trace.colorbar.thickness or 30) * factor
    for shape in fig.layout.shapes:
        shape.line.width = (shape.line.width if shape.line.width is not None else 2) * factor
    for note in fig.layout.annotations:
        if note.font.size:
            note.font.size = note.font.size * factor


def _flowing(fig: go.Figure) -> dict[str, str]:
    """Legend items in legend groups flow in rows, as ``legend_rows`` expects: plotly's default
    for them stacks each group in a column with a 10 px gap between rows, which in an 8 cm Word
    picture took seven rows where three were made room for. A stacked chart keeps plotly's
    reversed order, which lists its layers top to bottom as they are drawn."""
    grouped = any(getattr(t, "legendgroup", None) for t in fig.data)
    stacked = fig.layout.barmode in ("stack", "relative") or any(
        getattr(t, "stackgroup", None) for t in fig.data
    )
    return {"traceorder": "normal"} if grouped and not stacked else {}


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def apply(
    fig: go.Figure,
    title: str,
    subtitle: str,
    footer: Sequence[str],
    width: int,
    height: int,
    scale: float | None = None,
    printed: bool = False,
) -> go.Figure:
    """Lay a figure out at ``width`` x ``height`` with the caption baked in (in place).

    ``scale`` overrides the size's own (documents ask for the fonts their printed size needs);
    ``printed`` sets row labels on one line where they fit (``one_line_rows``: an image is as
    wide as it is laid out, while the dashboard's copy also serves a phone's narrow column).
    """
    s = scale if scale is not None else scale_for(width, height)
    _rescale(fig, s)
    labels = one_line_rows(fig, width, s) if printed else None
    if labels is not None:
        fig.layout.yaxis.ticktext = labels
    if labelled_rows(fig)[0] > TOP_AXIS_ROWS and not _has_top_axis(fig):
        point, axis = top_axis(fig.layout.yaxis.tickvals[-1])  # the row drawn first, on top
        fig.add_trace(point)
        fig.update_layout(xaxis2=axis)
    blocks = caption_blocks(title, subtitle, footer, width, s)
    rows = legend_rows(fig, width, s)
    if _is_cartesian(fig):
        m = margins(fig, blocks, width, rows)
        fit_y_title(fig, height - m.top - m.bottom, BASE_FONT * s)
        thin_value_ticks(fig, height - m.top - m.bottom, BASE_FONT * s)
        # A value-axis title set on two lines narrows the plot, and the legend wraps within it.
        rows = legend_rows(fig, width, s)
    m = margins(fig, blocks, width, rows)
    inset = INSET * s
    plot_w = max(1.0, width - m.left - m.right)
    plot_h = max(1.0, height - m.top - m.bottom)
    head = "<br>".join(f"<b>{_escape(t)}</b>" for t in blocks.title)
    sub = "<br>".join(_escape(t) for t in blocks.subtitle)
    sub_px = f"{SUBTITLE_FONT * s:.1f}px"
    title_text = f"{head}<br><span style='font-size:{sub_px}'>{sub}</span>" if head else ""
    fig.layout.annotations = [a for a in fig.layout.annotations if a.name != "caption"]
    if blocks.footer:
        fig.add_annotation(
            text="<br>".join(_escape(t) for t in blocks.footer),
            font={"size": CAPTION_FONT * s, "color": CAPTION_COLOUR},
            xref="paper",
            yref="paper",
            x=-(m.left - inset) / plot_w,
            y=-(m.bottom - inset) / plot_h,
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            align="left",
            borderpad=0,
            name="caption",
        )
    font = BASE_FONT * s
    fig.layout.meta = {**fig.layout.meta, "footer_px": blocks.footer_px + inset}
    fig.update_layout(
        font={"size": font},
        title={
            "text": title_text,
            "font": {"size": TITLE_FONT * s},
            "x": inset / width,
            "xref": "container",
            "xanchor": "left",
            "y": 1 - inset / height,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": 0, "b": 0, "l": 0, "r": 0},
        },
        legend={
            "orientation": "h",
            "xref": "container",
            "x": inset / width,
            "xanchor": "left",
            "yref": "container",
            "y": 1 - (inset + blocks.head_px + 10 * s) / height,
            "yanchor": "top",
            "font": {"size": font},
            "itemwidth": 30,
            **_flowing(fig),
        },
        margin={
            "l": m.left,
            "r": m.right,
            "t": m.top,
            "b": m.bottom,
            "pad": 0,
            "autoexpand": False,
        },
    )
    if _is_cartesian(fig):
        axis = {
            "automargin": False,
            "ticklen": 5 * s,
            "linewidth": max(1.0, s),
            "gridwidth": max(1.0, s),
            "title": {"standoff": 8 * s},
        }
        fig.update_xaxes(**axis)
        fig.update_yaxes(**axis)
    else:
        fig.update_traces(
            colorbar={"x": 1, "xanchor": "left", "xpad": 10 * s, "len": 0.9},
            selector={"type": "choropleth"},
        )
    return fig

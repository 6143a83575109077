"""Pure figure functions: (tidy frame, options) -> plotly Figure. No Dash, no I/O.

Every chart carries a :class:`Caption` (title, subtitle with unit, source line with edition,
notes) that is shown on the page and baked into exports, and the exact frame it plots.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from indicators.figures import layout, theme

CAPTION_FONT = layout.CAPTION_FONT
REFERENCE_NAME = "reference"  # the name of a reference line's label (see reference_lines)


@dataclass(frozen=True)
class Caption:
    """What a figure says about itself, on the page and in every export."""

    title: str
    subtitle: str
    source: str
    notes: tuple[str, ...] = ()
    # Those of the notes a figure is never shown without, even where room leaves the others
    # out (a slide prints them under its source): a publisher's caution ("Not to be used for
    # year-on-year comparison"), a break in the series.
    cautions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not set(self.cautions) <= set(self.notes):
            raise ValueError("a caption's cautions are among its notes")

    def lines(self) -> list[str]:
        """The caption as plain text lines (CSV headers, Markdown, alt text)."""
        return [self.title, self.subtitle, f"Source: {self.source}", *self.notes]


@dataclass
class Chart:
    """A finished chart: the figure, exactly the data it plots, and its caption."""

    figure: go.Figure
    data: pd.DataFrame
    caption: Caption
    meta: dict[str, Any] = field(default_factory=dict)
    finding: str = ""  # the key finding in one sentence, stated from the plotted data
    kind: str = "Chart"  # what kind of chart it is ("Line chart"), for alt text
    headline: str = ""  # the finding as a short action title (slides)


def with_caption(fig: go.Figure, caption: Caption, width: int = 1000) -> go.Figure:
    """Bake title, subtitle, source line and notes into the figure, laid out for ``width`` px."""
    return fit_width(fig, caption, width, fig.layout.height or 560)


def fit_width(
    fig: go.Figure, caption: Caption, width: int, height: int = 560, printed: bool = False
) -> go.Figure:
    """Lay the figure and its caption out in the house layout for ``width`` x ``height`` px.

    One left inset for title, subtitle, legend, plot, source and notes; fonts, margins and line
    widths scaled to the size; every caption line wrapped inside the width (see ``layout``);
    ``printed`` for an image drawn at that size (not the dashboard's resizable copy).
    """
    footer = [f"Source: {caption.source}", *caption.notes]
    return layout.apply(fig, caption.title, caption.subtitle, footer, width, height, None, printed)


def copy(fig: go.Figure) -> go.Figure:
    """A copy of a finished figure to lay out again, without plotly's validation pass (the
    figure was validated when it was built; the copy costs a fifth)."""
    return go.Figure(fig.to_plotly_json(), _validate=False)


def bare(fig: go.Figure, width: int, height: int, scale: float | None = None) -> go.Figure:
    """A copy of the figure in the house layout without title, subtitle or footer, for
    documents that set the caption as text (Word, PowerPoint); ``scale`` sets the fonts."""
    return layout.apply(copy(fig), "", "", [], width, height, scale, printed=True)


def without_footer(fig: go.Figure) -> dict[str, Any]:
    """The figure as a dict without the baked source/notes footer, for pages that print the
    caption as text. Built from shallow copies, so the figure itself (often cached) is untouched
    and no validating copy of the whole figure is paid for."""
    plain = fig.to_plotly_json()
    shown = dict(plain["layout"])
    meta = shown.get("meta") or {}
    shown["annotations"] = [a for a in shown.get("annotations", ()) if a.get("name") != "caption"]
    margin = shown.get("margin", {})
    shown["margin"] = {**margin, "b": max(40, margin.get("b", 90) - meta.get("footer_px", 40))}
    return {"data": plain["data"], "layout": shown}


def lines(
    data: pd.DataFrame,
    x: str,
    y: str,
    color: str,
    labels: dict[str, str] | None = None,
    y_title: str = "",
    hover_format: str = ".1f",
    markers: bool = True,
    colours: dict[str, str] | None = None,
) -> go.Figure:
    """One line per ``color`` value, in the order the values first appear (``colours``: the
    colour of each value, so an entity keeps its colour whatever else is drawn)."""
    fig = go.Figure()
    labels = labels or {}
    colours = colours or {}
    for key, rows in data.groupby(color, sort=False):
        rows = rows.sort_values(x)
        colour = colours.get(str(key))
        fig.add_trace(
            go.Scatter(
                x=rows[x],
                y=rows[y],
                name=labels.get(str(key), str(key)),
                mode="lines+markers" if markers else "lines",
                hovertemplate=f"%{{y:{hover_format}}}",
                **({"line": {"color": colour}, "marker": {"color": colour}} if colour else {}),
            )
        )
    fig.update_layout(yaxis_title=y_title, xaxis_title=None)
    return fig


def group_lines(
    data: pd.DataFrame,
    value: str,
    labels: dict[str, str],
    y_title: str = "",
    hover_format: str = ".1f",
) -> go.Figure:
    """One line per entity over the years, each in its entity's colour (``labels``: names)."""
    colours = theme.entity_colours(data["entity_id"])
    return lines(data, "year", value, "entity_id", labels, y_title, hover_format, colours=colours)


def reference_lines(
    fig: go.Figure, refs: Sequence[tuple[str, float]], dash: str = "dash", log: bool = False
) -> go.Figure:
    """Dashed (or dotted) horizontal lines with their labels (targets, thresholds), each label
    at the end of its line and on the side farther from the data drawn, on a white ground, so
    no data line runs through it, even on a phone's narrow chart; ``log`` for a chart whose
    value axis will be logarithmic (distances to the data are read as drawn)."""
    for label, value in refs:
        fig.add_hline(
            y=value,
            line={"dash": dash, "color": theme.REFERENCE, "width": 1},
            annotation_text=label,
            annotation_position=_clear_side(fig, value, log),
            annotation_font={"size": 11, "color": theme.REFERENCE},
            annotation_bgcolor="rgba(255,255,255,0.85)",
            # Named, so a page can move the label into the legend where the plot is narrow.
            annotation_name=f"{REFERENCE_NAME}:{dash}",
        )
    return fig


def _clear_side(fig: go.Figure, value: float, log: bool = False) -> str:
    """Where a reference line's label sits clear of the data: the end (left or right) where the
    traces drawn come least close to the line, above it unless the data crowd it from above
    (distances on a log axis in decades, as they are drawn)."""
    points = [
        (float(x), math.log10(y) if log else float(y))
        for trace in fig.data
        if trace.type == "scatter" and trace.x is not None and trace.y is not None
        for x, y in zip(trace.x, trace.y, strict=False)
        if isinstance(x, int | float)
        and isinstance(y, int | float)
        and math.isfinite(y)
        and (y > 0 or not log)
    ]
    value = math.log10(value) if log and value > 0 else value
    if not points:
        return "top left"
    xs = [x for x, _ in points]
    low, high = min(xs), max(xs)
    edge = (high - low) * 0.3
    spread = max(y for _, y in points) - min(y for _, y in points) or 1.0

    def gap(side: str) -> tuple[float, float]:
        near = [y for x, y in points if (x <= low + edge if side == "left" else x >= high - edge)]
        above = min((y - value for y in near if y >= value), default=spread)
        below = min((value - y for y in near if y < value), default=spread)
        return above, below

    sides = {side: gap(side) for side in ("left", "right")}
    side = max(sides, key=lambda s: max(sides[s]))
    above, below = sides[side]
    return f"{'top' if above >= below else 'bottom'} {side}"


STYLE_KEYS = "style_keys"  # layout.meta: [name, dash] of line styles a page keys in its legend
BAND_COLOUR = "#009E73"
BAND_NAME = "band"  # the name of a band's label (a page shows it as a legend key instead)


def band(fig: go.Figure, low: float, high: float, label: str) -> go.Figure:
    """A shaded horizontal band (e.g. the gender parity band 0.98-1.02)."""
    fig.add_hrect(
        y0=low,
        y1=high,
        fillcolor=BAND_COLOUR,
        opacity=0.12,
        line_width=0,
        annotation_text=label,
        # Above the band at its left: at the right, where the lines end and a page names
        # them, the label sat on the lines that cross the band.
        annotation_position="outside top left",
        annotation_font={"size": 11},
        annotation_name=BAND_NAME,
    )
    return fig


COLOURBAR_TITLE_CHARS = 12  # per line of a colour bar's title


def choropleth(
    data: pd.DataFrame, value: str, hover: str, colorbar_title: str, reverse: bool = False
) -> go.Figure:
    """A world map of economies keyed by ISO3 ``entity_id``, on the luminance-monotone scale."""
    # A long unit in short lines: one line would run past the figure's right edge.
    title = "<br>".join(layout.word_lines(colorbar_title, COLOURBAR_TITLE_CHARS))
    fig = go.Figure(
        go.Choropleth(
            locations=data["entity_id"],
            z=data[value],
            text=data[hover],
            hovertemplate="%{text}<extra></extra>",
            locationmode="ISO-3",
            colorscale=theme.SEQUENTIAL,
            reversescale=reverse,
            marker_line_color="white",
            marker_line_width=0.3,
            colorbar={"title": {"text": title}, "thickness": 12},
        )
    )
    fig.update_geos(
        showframe=False,
        showcoastlines=False,
        projection_type="natural earth",
        projection_rotation_lon=0,
        center={"lon": 0, "lat": 10},
        lataxis_range=[-58, 85],
        showcountries=True,
        countrycolor="#cccccc",
        landcolor="#eeeeee",
    )
    fig.update_layout(margin={"l": 0, "r": 0})
    return fig


def bars(
    data: pd.DataFrame,
    x: str,
    y: str,
    text: str | None = None,
    horizontal: bool = True,
    color: str | None = None,
    axis_title: str = "",
) -> go.Figure:
    """Sorted bars, one per row (horizontal by default, so long names stay readable)."""
    ordered = data.sort_values(x if horizontal else y)
    colour = color or theme.OKABE_ITO[0]
    trace = (
        go.Bar(
            x=ordered[x],
            y=ordered[y],
            orientation="h",
            marker_color=colour,
            text=ordered[text] if text else None,
            hovertemplate="%{y}: %{x:.1f}<extra></extra>",
        )
        if horizontal
        else go.Bar(x=ordered[x], y=ordered[y], marker_color=colour)
    )
    fig = go.Figure(trace)
    if horizontal:
        fig.update_layout(
            xaxis_title=axis_title,
            yaxis_title=None,
            hovermode="closest",
            height=max(420, 22 * len(ordered) + 200),
        )
    else:
        fig.update_layout(yaxis_title=axis_title)
    return fig


def stacked_area(
    data: pd.DataFrame,
    x: str,
    y: str,
    color: str,
    labels: dict[str, str],
    y_title: str,
    percent: bool = False,
    colours: dict[str, str] | None = None,
) -> go.Figure:
    """Stacked areas per ``color`` value (absolute, or normalised to 100 %)."""
    fig = go.Figure()
    colours = colours or {}
    for key, rows in data.groupby(color, sort=False):
        rows = rows.sort_values(x)
        colour = colours.get(str(key))
        fig.add_trace(
            go.Scatter(
                x=rows[x],
                y=rows[y],
                name=labels.get(str(key), str(key)),
                stackgroup="one",
                groupnorm="percent" if percent else "",
                mode="lines",
                line={"width": 0.5, **({"color": colour} if colour else {})},
                hovertemplate="%{y:,.1f}",
            )
        )
    fig.update_layout(yaxis_title=y_title)
    return fig


def sparkline(
    data: pd.DataFrame, x: str, y: str, printed: Callable[[float], str] | None = None
) -> go.Figure:
    """A tiny trend line with no axes, for overview cards; its first and last values are
    written at its ends (as ``printed`` prints them: the card's own figure's form), so the
    trend reads without hovering."""
    data = data.sort_values(x)
    first, last = data.iloc[0], data.iloc[-1]
    fig = go.Figure(
        go.Scatter(
            x=data[x],
            y=data[y],
            mode="lines",
            line={"color": theme.OKABE_ITO[0], "width": 2},
            hovertemplate="%{x}: %{y:.2f}<extra></extra>",
        )
    )
    for row, anchor in ((first, "right"), (last, "left")):
        fig.add_annotation(
            x=row[x],
            y=row[y],
            text=printed(float(row[y])) if printed else f"{float(row[y]):.3g}",
            xanchor=anchor,
            xshift=-4 if anchor == "right" else 4,
            showarrow=False,
            font={"size": 11, "color": "#444444"},
        )
    fig.update_layout(
        height=60,
        margin={"l": 34, "r": 34, "t": 4, "b": 4},
        xaxis={"visible": False},
        yaxis={"visible": False},
        showlegend=False,
        hovermode="closest",
    )
    return fig


def connectors(
    lows: Iterable[Any], highs: Iterable[Any], labels: Iterable[Any]
) -> tuple[list[Any], list[Any]]:
    """x and y of every row's connecting line in one trace, rows separated by gaps (one trace
    per row would cost a validated plotly object each, for 100+ economies)."""
    xs: list[Any] = []
    ys: list[Any] = []
    for a, b, label in zip(lows, highs, labels, strict=True):
        xs += [a, b, None]
        ys += [label, label, None]
    return xs, ys


def dumbbell(
    data: pd.DataFrame,
    label: str,
    low: str,
    high: str,
    low_name: str,
    high_name: str,
    axis_title: str,
    hover: str | None = None,
) -> go.Figure:
    """Two dots per row joined by a line (e.g. female vs male Internet use by economy)."""
    ordered = data.sort_values(high)
    xs, ys = connectors(ordered[low], ordered[high], ordered[label])
    fig = go.Figure(
        go.Scatter(
            x=xs,
            y=ys,
            mode="lines",
            line={"color": "#bbbbbb", "width": 2},
            showlegend=False,
            hoverinfo="skip",
            connectgaps=False,
        )
    )
    hover_text = ordered[hover] if hover else None
    # The high dot drawn first and larger, the low one on top of it, smaller and ringed in
    # white: where the two rates are close, both dots are still seen (the legend keeps the
    # low one first).
    for column, name, colour, size, rank in (
        (high, high_name, theme.OKABE_ITO[0], 10, 2),
        (low, low_name, theme.OKABE_ITO[3], 7, 1),
    ):
        fig.add_trace(
            go.Scatter(
                x=ordered[column],
                y=ordered[label],
                mode="markers",
                name=name,
                legendrank=rank,
                marker={"color": colour, "size": size, "line": {"color": "white", "width": 1}},
                text=hover_text,
                hovertemplate=f"{name}: %{{x:.1f}} %{{text}}<extra></extra>",
            )
        )
    fig.update_layout(
        xaxis_title=axis_title, hovermode="closest", height=max(420, 18 * len(ordered) + 200)
    )
    return fig

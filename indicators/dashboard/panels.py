"""Chart panels as Dash layout: controls, notices, caption as HTML, graph, table, downloads.

A page lists its panels as (prefix, chart id) pairs. ``panel`` lays one out from the chart's
parameters (one control each) and the page's query string, and says on the page which values
of the link it could not use.
"""

from __future__ import annotations

import itertools
import math
import re
from typing import Any

import pandas as pd
from dash import dash_table, dcc, html

from indicators import catalogue, figures
from indicators.catalogue import cards, charts, explore, queries, wording
from indicators.catalogue.charts import ChartSpec, Param
from indicators.catalogue.errors import NoData, ParamError
from indicators.catalogue.topic import Topic, page_href
from indicators.contract.store import Tables
from indicators.dashboard import embed, viewstate
from indicators.dashboard.state import STATE
from indicators.dashboard.viewstate import ViewState
from indicators.figures import Chart, theme
from indicators.figures import layout as figure_layout
from indicators.outputs import export, render

Panels = list[tuple[str, str]]  # (panel prefix, chart id), top to bottom


def panels_of(topic: Topic) -> Panels:
    """A topic's panels as (prefix, chart id) pairs."""
    return [(prefix, spec.id) for prefix, spec in topic.panels]


# No camera button: its PNG has no caption or source; the panel's own PNG button does.
GRAPH_CONFIG: Any = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["toImage", "lasso2d", "select2d"],
    "topojsonURL": "/topojson/",
}
DEFAULT_HEIGHT = 480
MODEBAR_PX = 36
PLOT_INSET_PX = 12  # left of the value axis's title
TABLE_ROWS = 400
VIEWS = ("chart", "table")
# A world map is about twice as wide as tall; below it, the colour bar and its labels.
MAP_HEIGHT = "min(480px, calc(52vw + 90px))"
MAP_COLORBAR = {
    "orientation": "h",
    "x": 0,
    "xanchor": "left",
    "y": -0.02,
    "yanchor": "top",
    "len": 0.6,
    "lenmode": "fraction",
    "thickness": 12,
}
PLAY_MS = 1500  # a year of a playing map stays this long
PLAY_LABEL = "▶ Play"
HIDE: dict[str, str] = {"display": "none"}
SHOW: dict[str, str] = {}
MAX_VALUES = 64  # no control holds more; a longer list is not from the page


def spec_of(chart_id: str) -> ChartSpec:
    """The catalogue entry of a chart."""
    return catalogue.chart(chart_id)


def choice_label(param: Param, value: Any, names: dict[str, str]) -> str:
    """How a choice reads in a dropdown: entity names with codes, edition titles."""
    text = str(value)
    if value in param.labels:
        return param.labels[value]
    if "@" in text:
        return queries.edition_label(text)
    if text in names:
        name = names[text]
        # "Least developed countries (LDCs)" names its code already: not "(LDCs) (LDC)".
        said = re.search(rf"\({re.escape(text)}s?\)$", name)
        return name if said else f"{name} ({text})"
    return text.replace("_", " ")


def options(
    param: Param,
    values: dict[str, Any],
    spec: ChartSpec | None = None,
    tables: Tables | None = None,
) -> list[dict[str, Any]]:
    """The dropdown options of a parameter, given the other values (the chosen edition); an
    entity picker's list in the order and of the group its explorer controls choose. The
    tables are the app's unless given."""
    tables = tables if tables is not None else STATE.tables()
    names = queries.names(tables)
    context = values if param.within is not None else None
    choices = param.options(tables, context)
    listed = (
        explore.picker(spec, tables, param.name, values, choices)
        if spec
        else [(v, "") for v in choices]
    )
    return [{"label": choice_label(param, v, names) + extra, "value": v} for v, extra in listed]


def param_id(prefix: str, name: str) -> dict[str, str]:
    """The id of a panel's control for one parameter."""
    return {"type": "param", "panel": prefix, "param": name}


def is_timeline(spec: ChartSpec, param: Param) -> bool:
    """The year a map plays through is a timeline slider, not a dropdown."""
    return spec.explore is not None and spec.explore.play == param.name


def choices_prop(spec: ChartSpec, param: Param) -> str:
    """The property that holds a control's choices: a dropdown's options, a slider's marks."""
    return "marks" if is_timeline(spec, param) else "options"


def timeline_marks(choices: list[dict[str, Any]]) -> dict[int, str]:
    """A slider's marks for a list of years: every year a stop, some years labelled (the first,
    the last and every fifth), so the labels fit a phone's width."""
    years = sorted(int(c["value"]) for c in choices if isinstance(c.get("value"), int))
    if not years:
        return {}
    shown = {years[0], years[-1], *(y for y in years if y % 5 == 0)}
    labelled = sorted(shown)
    # Two labels under three years apart would run together: keep the end, drop its
    # neighbour (between two inner labels, the later one).
    crowded = {
        (b if a == years[0] else a if b == years[-1] else b)
        for a, b in itertools.pairwise(labelled)
        if b - a < 3
    }
    return {y: (str(y) if y in shown and y not in crowded else "") for y in years}


def choices_of(spec: ChartSpec, param: Param, values: dict[str, Any]) -> Any:
    """A control's choices for these values, in the shape its component takes."""
    listed = options(param, values, spec)
    return timeline_marks(listed) if is_timeline(spec, param) else listed


def control(prefix: str, param: Param, values: dict[str, Any], spec: ChartSpec) -> html.Div:
    """A labelled control for one chart parameter: a searchable dropdown (multi where the
    parameter is), or a map's timeline slider."""
    if is_timeline(spec, param):
        marks = choices_of(spec, param, values)
        widget: Any = dcc.Slider(
            id=param_id(prefix, param.name),
            min=min(marks) if marks else 0,
            max=max(marks) if marks else 0,
            step=None,
            marks=marks,
            value=values[param.name],
            included=False,
            tooltip={"placement": "top", "always_visible": True},
            className="timeline",
        )
    else:
        widget = dcc.Dropdown(
            id=param_id(prefix, param.name),
            options=choices_of(spec, param, values),
            value=values[param.name],
            clearable=False,
            searchable=True,
            multi=param.kind == "multi",
        )
    return html.Div(
        [html.Label(param.label, htmlFor=f"{prefix}-{param.name}"), widget],
        className="control timeline-control" if is_timeline(spec, param) else "control",
        title=param.help or None,
    )


def play_controls(prefix: str, spec: ChartSpec) -> list[Any]:
    """A Play button that steps a map through its years (its timer stays off until pressed)."""
    if spec.explore is None or not spec.explore.play:
        return []
    return [
        html.Div(
            [
                html.Label("Years", htmlFor=f"{prefix}-play"),
                html.Button(
                    PLAY_LABEL,
                    id=f"{prefix}-play",
                    className="play",
                    title="Step through the years, oldest to newest",
                ),
                dcc.Interval(id=f"{prefix}-play-timer", interval=PLAY_MS, disabled=True),
            ],
            className="control play-control",
        )
    ]


def explore_controls(
    prefix: str, spec: ChartSpec, values: dict[str, Any], chosen: dict[str, Any]
) -> list[Any]:
    """The explorer controls, folded under one line that says what they offer; open when the
    link sets any of them."""
    extra = explore.names(spec)
    if not extra:
        return []
    given = set(chosen)
    return [
        html.Details(
            [
                html.Summary(explore.summary(spec)),
                html.Div(
                    [control(prefix, p, values, spec) for p in spec.params if p.name in extra],
                    className="controls",
                ),
            ],
            className="explore",
            open=bool(given & set(extra)),
        )
    ]


def query_params(prefix: str, query: dict[str, Any]) -> dict[str, Any]:
    """The query-string values meant for one panel (``prefix.param=value``), view excluded."""
    start = f"{prefix}."
    return {
        k[len(start) :]: v
        for k, v in query.items()
        if isinstance(k, str) and k.startswith(start) and k != f"{prefix}.view"
    }


def link_state(prefix: str, spec: ChartSpec, query: dict[str, Any]) -> tuple[ViewState, str]:
    """The panel's view state and view (chart or table) from a link; the state's notices say
    what the link asked for that could not be used."""
    state = viewstate.from_link(spec, STATE.tables(), query_params(prefix, query))
    view = query.get(f"{prefix}.view", "chart")
    if view not in VIEWS:
        quoted = " ".join(str(view).split())[:40]
        note = f"View: “{quoted}” is neither chart nor table; showing the chart."
        state = ViewState(state.values, state.chosen, (*state.notices, note), state.undo)
        view = "chart"
    return state, str(view)


def notice_block(notices: list[str] | tuple[str, ...], lead: str = "") -> list[Any]:
    """A visible notice saying what the page changed, in plain words (nothing when nothing)."""
    if not notices:
        return []
    items = html.Ul([html.Li(n) for n in notices])
    return [html.Strong(lead), items] if lead else [items]


def named_views(prefix: str, spec: ChartSpec) -> list[Any]:
    """Links to the views a chart names (one click away: a page with those values chosen)."""
    links = []
    for view in spec.views:
        made = view.make(STATE.tables())
        if made is None:
            continue
        label, params = made
        href = page_href(catalogue.topic_of(spec.id).path, prefix, params)
        links.append(dcc.Link(label, href=f"{href}#{prefix}-panel", className="named-view"))
    return [html.P(links, className="named-views")] if links else []


def panel(prefix: str, chart_id: str, query: dict[str, Any]) -> html.Section:
    """A chart card: heading, controls, notices, title, graph or table, caption, downloads."""
    spec = spec_of(chart_id)
    render.warm_up()  # the page's download buttons will need the process's Chromium
    state, view = link_state(prefix, spec, query)
    values = state.values
    extra = explore.names(spec)
    first = panel_content(chart_id, values, view, prefix)
    return html.Section(
        [
            html.H2(spec.title, id=f"{prefix}-heading"),
            dcc.Store(id={"type": "chosen", "panel": prefix}, data=state.stored()),
            html.Div(
                [control(prefix, p, values, spec) for p in spec.params if p.name not in extra]
                + play_controls(prefix, spec),
                className="controls",
            ),
            *named_views(prefix, spec),
            *explore_controls(prefix, spec, values, state.chosen),
            dcc.RadioItems(
                id={"type": "view", "panel": prefix},
                options=[{"label": v.capitalize(), "value": v} for v in VIEWS],
                value=view,
                inline=True,
                className="view-toggle",
            ),
            html.Div(
                [
                    html.Div(notice_block(state.notices), id=f"{prefix}-notice"),
                    html.Button(
                        "Undo",
                        id=f"{prefix}-undo",
                        className="undo",
                        style=SHOW if state.undo else HIDE,
                        title="Back to the choices before this change",
                    ),
                ],
                className="notice panel-notice",
                role="status",
            ),
            html.Div(first[3], id=f"{prefix}-empty", className="empty-state", role="status"),
            html.Div(first[6], id=f"{prefix}-title", className="figure-title"),
            dcc.Loading(
                dcc.Graph(
                    id=f"{prefix}-graph",
                    figure=first[0],
                    style=first[4],
                    config=GRAPH_CONFIG,
                    responsive=True,
                )
            ),
            html.Div(first[1], id=f"{prefix}-table", className="data-table", style=first[5]),
            html.Div(first[2], id=f"{prefix}-caption", className="caption"),
            download_buttons(prefix),
            embed.panel_box(prefix),
        ],
        className="panel",
        id=f"{prefix}-panel",
    )


def download_buttons(prefix: str) -> html.Div:
    """A chart's download buttons (PNG, SVG, PDF, Word, CSV) and where their answer goes."""
    return html.Div(
        [
            html.Button(
                export.LABELS.get(fmt, fmt.upper()),
                id=f"{prefix}-dl-{fmt}",
                className="download",
                title=f"Download this figure as {export.LABELS.get(fmt, fmt.upper())}",
            )
            for fmt in export.FORMATS
        ]
        + [
            html.Span(id=f"{prefix}-dl-status", role="status", className="detail"),
            dcc.Download(id=f"{prefix}-download"),
        ],
        className="downloads",
    )


def chart_block(prefix: str, chart: Chart) -> list[Any]:
    """A chart of a page that is no catalogue chart (What changed): title and subtitle above
    it, the figure as the chart pages show theirs, source and notes under it, downloads."""
    return [
        html.Div(title_block(chart), id=f"{prefix}-title", className="figure-title"),
        dcc.Graph(
            id=f"{prefix}-graph",
            figure=page_figure(chart),
            style=graph_style(chart),
            config=GRAPH_CONFIG,
            responsive=True,
        ),
        html.Div(caption_block(chart), id=f"{prefix}-caption", className="caption"),
        download_buttons(prefix),
    ]


def page(title: str, intro: str, panels: Panels, query: dict[str, Any]) -> html.Div:
    """A page of chart panels with its intro."""
    return html.Div(
        [
            html.H1(title),
            html.P(intro, className="intro"),
            *[panel(prefix, chart_id, query) for prefix, chart_id in panels],
        ],
        className="page",
    )


def topic_page(topic: Topic, query: dict[str, Any]) -> html.Div:
    """A topic's page: its panels, and the build hint if one of its tables is missing."""
    body = page(topic.title, topic.intro, panels_of(topic), query)
    hint = cards.missing_tables(STATE.tables(), topic.tables)
    if hint:
        body.children.insert(2, html.Div(hint, className="empty-state", role="status"))
    return body


# ---- what a rendered chart shows on the page


def title_block(chart: Chart) -> list[Any]:
    """The figure's title and subtitle as HTML above it (exports keep them in the image)."""
    return [
        html.H3(chart.caption.title, className="figure-heading"),
        html.P(chart.caption.subtitle, className="subtitle"),
    ]


def caption_block(chart: Chart) -> list[Any]:
    """Source and notes under the figure (also baked into the exported image)."""
    cap = chart.caption
    return [
        html.P(chart.finding, className="finding"),
        html.P(f"Source: {cap.source}"),
        *[html.P(n, className="note") for n in cap.notes],
    ]


def page_figure(chart: Chart) -> dict[str, Any]:
    """The figure for the page: no baked title or footer (they are HTML around it), the legend
    above the plot where plotly makes room for it, and the width of its container."""
    plain = figures.without_footer(chart.figure)
    layout = dict(plain["layout"])
    layout["title"] = {"text": ""}
    # The modebar stands upright in the right margin, so it never sits on the legend or plot.
    # The export fixes its margins; on the page plotly makes room for legend and tick labels.
    margin = {**layout.get("margin", {}), "t": 16, "r": MODEBAR_PX, "autoexpand": True}
    if layout.get("xaxis") is not None or layout.get("yaxis") is not None:
        # The export's margins are sized for its own width and fonts: on the page, plotly
        # measures the tick labels it draws and makes room for them. Given room enough
        # beforehand (a conservative estimate), it draws the chart once, not twice.
        margin["l"] = PLOT_INSET_PX + figure_layout.value_axis_px(chart.figure)
        for axis in ("xaxis", "yaxis"):
            layout[axis] = {**layout.get(axis, {}), "automargin": True}
    layout.update(margin=margin, autosize=True, modebar={"orientation": "v"})
    data = plain["data"]
    if any(t.get("type") == "choropleth" for t in data):
        # A map's colour bar lies under it on the page: upright beside the map, it would take
        # the room a phone needs for the map itself.
        data = [
            {**t, "colorbar": _under_map(t.get("colorbar") or {})}
            if t.get("type") == "choropleth"
            else t
            for t in data
        ]
        margin.update(l=0, b=8)
    data = _references_in_legend(data, layout) + _style_keys(layout)
    if _labels_line_ends(chart):
        drawn = [_points(trace) for trace in chart.figure.data]
        height = float(chart.figure.layout.height or 480)
        data, layout = _end_labels(data, layout, height, drawn)
    layout.pop("width", None)
    layout.pop("height", None)  # the graph's style sets it; the width follows the page
    if layout.get("showlegend") is not False:
        legend = {**layout.get("legend", {})}
        # Above the plot, wrapped to the plot's width; plotly makes room for it.
        legend.update(
            orientation="h",
            x=0,
            xref="paper",
            xanchor="left",
            y=1.02,
            yref="paper",
            yanchor="bottom",
        )
        layout["legend"] = legend
    if (layout.get("xaxis2") or {}).get("side") == "top":
        layout = _axis_on_top(layout, float(chart.figure.layout.height or DEFAULT_HEIGHT))
    return {"data": data, "layout": layout}


END_LABEL_LINES = 6  # more lines than this keep their legend: labels would crowd
END_LABEL_CHARS = 14  # per line of an end label; two lines at most
END_LABEL_PX = 30  # between two labels' centres, so two-line labels never touch
END_LABEL_MARGIN = MODEBAR_PX + 7 * END_LABEL_CHARS + 8  # room for the labels right of the plot
END_LABELLED = "end-labelled"  # the mark of a line named at its end (assets/endlabels.js)


def _labels_line_ends(chart: Chart) -> bool:
    """Whether the chart declares line-end labels (its explorer declaration says so)."""
    spec = catalogue.load().charts.get(str(chart.meta.get("chart", "")))
    return bool(spec is not None and spec.explore is not None and spec.explore.end_labels)


def _points(trace: Any) -> list[tuple[Any, float]]:
    """A figure trace's drawn points (x, y) (the page's JSON carries them encoded)."""
    xs = [] if trace.x is None else list(trace.x)
    ys = [] if trace.y is None else list(trace.y)
    return [
        (x.item() if hasattr(x, "item") else x, float(y))
        for x, y in zip(xs, ys, strict=False)
        if x is not None and y is not None and isinstance(y, int | float) and y == y
    ]


def _wrap(name: str) -> str:
    """A label in at most two short lines, as the legend named it; a longer name by the
    abbreviation it gives ('Least developed countries (LDCs)' -> 'LDCs'), or else cut short."""
    lines = figure_layout.word_lines(name, END_LABEL_CHARS)
    if len(lines) > 2:
        brief = wording.abbreviation(name)
        if brief and len(brief) <= END_LABEL_CHARS:
            return brief
        lines = [lines[0], " ".join(lines[1:])[: END_LABEL_CHARS - 1] + "…"]
    return "<br>".join(lines)


def _end_labels(
    data: list[dict[str, Any]],
    layout: dict[str, Any],
    height: float,
    drawn: list[list[tuple[Any, float]]],
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Each line named at its last point, in its colour, the labels spread so none overlaps
    another; the legend keeps only what is no line (a reference's key). ``drawn``: the points
    of the figure's own traces, the first of ``data``."""
    named = [t for t in data if t.get("showlegend", True) is not False and t.get("name")]
    points = {id(t): p for t, p in zip(data, drawn, strict=False)}
    ends: dict[int, tuple[Any, float]] = {
        id(t): points[id(t)][-1] for t in named if points.get(id(t))
    }
    lines = [t for t in named if id(t) in ends and "lines" in str(t.get("mode", "lines"))]
    if not lines or len(lines) > END_LABEL_LINES or len(lines) != len(ends):
        return data, layout
    log = (layout.get("yaxis") or {}).get("type") == "log"
    place = (lambda v: math.log10(v) if v > 0 else 0.0) if log else (lambda v: v)
    ys = [place(y) for found in drawn for _, y in found]
    span = (max(ys) - min(ys)) or 1.0
    gap = END_LABEL_PX * span / max(height - 140, 100)
    order = sorted(lines, key=lambda t: place(ends[id(t)][1]))
    spots: list[float] = []
    for trace in order:
        want = place(ends[id(trace)][1])
        spots.append(max(want, spots[-1] + gap) if spots else want)
    overshoot = spots[-1] - max(ys) if spots else 0.0
    spots = [s - max(overshoot, 0.0) / 2 for s in spots]
    notes = list(layout.get("annotations") or [])
    for trace, spot in zip(order, spots, strict=True):
        colour = (trace.get("line") or {}).get("color") or (trace.get("marker") or {}).get("color")
        notes.append(
            {
                "x": ends[id(trace)][0],
                "y": spot,
                "xref": "x",
                "yref": "y",
                "text": _wrap(str(trace["name"])),
                "xanchor": "left",
                "yanchor": "middle",
                "xshift": 8,
                "align": "left",
                "showarrow": False,
                "font": {"size": 12, "color": colour or "#222222"},
                "name": "end-label",
            }
        )
    # Marked, so that on a narrow screen (a phone) assets/endlabels.js puts the lines back in
    # the legend: there the labels would leave the plot no width.
    labelled = {id(line) for line in lines}
    shown = [
        {**t, "showlegend": False, "meta": END_LABELLED} if id(t) in labelled else t for t in data
    ]
    keys = [t for t in shown if t.get("showlegend", True) is not False and t.get("name")]
    margin = {**layout.get("margin", {}), "r": END_LABEL_MARGIN}
    return shown, {**layout, "annotations": notes, "margin": margin, "showlegend": bool(keys)}


STYLE_KEY_COLOUR = "#777777"


def _key(name: str, **style: Any) -> dict[str, Any]:
    """A legend entry that draws nothing: a trace without values, in the given style."""
    return {
        "type": "scatter",
        "x": [None],
        "y": [None],
        "name": name,
        "hoverinfo": "skip",
        "showlegend": True,
        **style,
    }


def _style_keys(layout: dict[str, Any]) -> list[dict[str, Any]]:
    """Legend entries for the line styles a figure declares (urban solid, rural dashed), in
    grey at the legend's end: the groups' own entries show only one style."""
    meta = layout.get("meta")
    declared = meta.get(figures.STYLE_KEYS, []) if isinstance(meta, dict) else []
    return [
        _key(
            name,
            mode="lines",
            line={"color": STYLE_KEY_COLOUR, "dash": dash, "width": 2},
            legendrank=2000,
        )
        for name, dash in declared
    ]


def _legend_key(label: dict[str, Any]) -> dict[str, Any]:
    """A legend entry for a reference line's or a band's label: a dashed line, or a square
    in the band's shade."""
    name = label.get("text", "")
    if label.get("name") == figures.BAND_NAME:
        square = {"symbol": "square", "size": 14, "color": figures.BAND_COLOUR, "opacity": 0.3}
        return _key(name, mode="markers", marker=square)
    dash = str(label["name"]).split(":", 1)[1]
    return _key(name, mode="lines", line={"color": theme.REFERENCE, "width": 1, "dash": dash})


def _references_in_legend(
    data: list[dict[str, Any]], layout: dict[str, Any]
) -> list[dict[str, Any]]:
    """Reference lines' and bands' labels (targets, the parity band) as legend entries: on a
    phone's narrow plot a label written over the plot sits on the data lines (and, at any
    width, on the names at their ends); the legend above the plot never does."""
    notes = layout.get("annotations") or []
    labels = [
        a
        for a in notes
        if str(a.get("name", "")).startswith(f"{figures.REFERENCE_NAME}:")
        or a.get("name") == figures.BAND_NAME
    ]
    if not labels:
        return data
    layout["annotations"] = [a for a in notes if a not in labels]
    keys = [_legend_key(a) for a in labels]
    layout["showlegend"] = True
    # A chart of one line names it in its title: the legend then holds the references alone.
    lines = [t for t in data if t.get("showlegend", True) is not False and t.get("name")]
    if len(lines) == 1:
        data = [{**t, "showlegend": False} if t is lines[0] else t for t in data]
    return [*data, *keys]


def _axis_on_top(layout: dict[str, Any], height: float) -> dict[str, Any]:
    """A tall chart's value axis repeated on top (``layout.top_axis``, drawn by the house
    layout) makes its own room on the page, the legend above it."""
    legend = {**layout.get("legend", {}), "y": 1 + 48 / height}
    return {**layout, "xaxis2": {**layout["xaxis2"], "automargin": True}, "legend": legend}


def _under_map(colorbar: dict[str, Any]) -> dict[str, Any]:
    title = colorbar.get("title") or {}
    return {**colorbar, **MAP_COLORBAR, "title": {**title, "side": "top"}}


def graph_style(chart: Chart) -> dict[str, str]:
    """The graph's height on the page (tall charts, such as one row per economy, keep theirs;
    a map is as tall as its width needs, so a phone shows no empty band above and below it)."""
    if any(t.type == "choropleth" for t in chart.figure.data):
        return {"height": MAP_HEIGHT}
    return {"height": f"{int(chart.figure.layout.height or DEFAULT_HEIGHT)}px"}


def column_label(spec: ChartSpec, column: str) -> str:
    """A table heading: the chart's declared label (with unit), else the shared one."""
    return spec.columns.get(column) or queries.COLUMN_LABELS.get(column) or column.replace("_", " ")


def data_table(spec: ChartSpec, frame: pd.DataFrame, prefix: str) -> list[Any]:
    """The plotted data as a sortable table with readable headings: the chart's alternative."""
    shown = frame.head(TABLE_ROWS)
    columns = []
    for column in shown.columns:
        numeric = pd.api.types.is_float_dtype(shown[column])
        entry: dict[str, Any] = {"name": column_label(spec, column), "id": str(column)}
        if numeric:
            entry.update(type="numeric", format={"specifier": ",.2f"})
        columns.append(entry)
    records = shown.astype(object).where(shown.notna(), None).to_dict("records")
    table = dash_table.DataTable(  # type: ignore[attr-defined]
        id=f"{prefix}-datatable",
        columns=columns,
        data=[{str(k): _cell(v) for k, v in r.items()} for r in records],
        sort_action="native",
        page_action="none",
        style_table={"overflowX": "auto", "maxHeight": "480px", "overflowY": "auto"},
        style_cell={"textAlign": "left", "fontFamily": "inherit", "fontSize": "0.85rem"},
        style_header={"fontWeight": "bold", "whiteSpace": "normal", "height": "auto"},
        fixed_rows={"headers": True},
    )
    note = (
        [html.P(f"First {TABLE_ROWS} of {len(frame)} rows; download the CSV for all.")]
        if len(frame) > TABLE_ROWS
        else []
    )
    return [*note, table]


def html_table(frame: pd.DataFrame) -> html.Table:
    """A frame as a plain HTML table (pages that show a table without a chart); on a phone,
    one card per row, headed by its first cell, the others running on ("Year: 2021 Old:
    78.74 ...")."""
    shown = frame.head(TABLE_ROWS)
    labels = [str(c) for c in shown.columns]
    head = html.Thead(html.Tr([html.Th(label, scope="col") for label in labels]))
    body = html.Tbody(
        [
            html.Tr([labelled_cell(_text(v), label) for label, v in zip(labels, row, strict=True)])
            for row in shown.itertuples(index=False)
        ]
    )
    note = (
        [html.Caption(f"First {TABLE_ROWS} of {len(frame)} rows; download the CSV for all.")]
        if len(frame) > TABLE_ROWS
        else []
    )
    return html.Table([*note, head, body], className="stacks runs")


def labelled_cell(content: Any, label: str) -> html.Td:
    """A table cell that names its column, for the one-card-per-row layout of a phone."""
    attributes: dict[str, Any] = {"data-label": label}
    return html.Td(content, **attributes)


def _text(value: Any) -> str:
    if isinstance(value, float):
        return "" if pd.isna(value) else f"{value:,.2f}"
    return str(value)


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def _slug(value: Any) -> str:
    text = ",".join(map(str, value)) if isinstance(value, list) else str(value)
    return re.sub(r"[^A-Za-z0-9.,-]+", "-", text.replace("@", "-")).strip("-")[:60]


def chart_params(spec: ChartSpec, params: dict[str, Any]) -> dict[str, Any]:
    """The values that change the chart (not those that only order a picker's list)."""
    shown = {p.name for p in spec.params if p.view_only}
    return {k: v for k, v in params.items() if k not in shown}


def download_name(chart_id: str, params: dict[str, Any], fmt: str) -> str:
    """A file name that says which view it holds: chart, edition and the other settings."""
    params = chart_params(spec_of(chart_id), params)
    edition = params.get("edition")
    parts = [chart_id, *([_slug(edition)] if edition else [])]
    parts += [
        _slug(v)
        for k, v in params.items()
        if k != "edition" and v not in (None, "", [], explore.NO_COMPARISON)
    ]
    return "_".join(p for p in parts if p) + f".{fmt}"


# ---- what a panel shows for the values its controls send


def received(values: Any, ids: Any) -> tuple[dict[str, Any], list[str]]:
    """Control values keyed by parameter, from the (values, ids) lists a callback receives.

    Anything not shaped as the page sends it is left out and named in the returned notices.
    """
    if not isinstance(values, list) or not isinstance(ids, list) or len(values) != len(ids):
        return {}, ["The request did not carry the panel's settings; showing the default view."]
    out: dict[str, Any] = {}
    notices: list[str] = []
    for ident, value in zip(ids, values, strict=True):
        param = ident.get("param") if isinstance(ident, dict) else None
        if not isinstance(param, str):
            notices.append("A setting without a name was ignored.")
            continue
        if isinstance(value, list) and len(value) > MAX_VALUES:
            notices.append(f"{param[:40]}: {len(value)} values is more than any control holds.")
            continue
        if not (value is None or isinstance(value, str | int | float | list)):
            notices.append(f"{param[:40]}: a value of this shape was ignored.")
            continue
        out[param] = value
    return out, notices


def resolved(chart_id: str, values: Any, ids: Any) -> tuple[dict[str, Any], list[str]]:
    """The chart's values from what the controls sent, and a sentence for each value reset."""
    given, notices = received(values, ids)
    spec = spec_of(chart_id)
    names = {p.name for p in spec.params}
    given = {k: v for k, v in given.items() if k in names}
    params = charts.resolve(spec, STATE.tables(), given, False, notices)
    return params, notices


def empty_figure() -> dict[str, Any]:
    """A blank figure (the empty-state message is HTML above it)."""
    return {"data": [], "layout": {"xaxis": {"visible": False}, "yaxis": {"visible": False}}}


def panel_content(chart_id: str, params: dict[str, Any], view: Any, prefix: str) -> tuple[Any, ...]:
    """What a panel shows for resolved values: figure, table, caption, empty state, graph and
    table styles, title (each cached once per published version and view)."""
    spec = spec_of(chart_id)
    shown = chart_params(spec, params)
    try:  # a view seen before is answered from the cache, its chart not needed again
        figure, caption, title, style = STATE.chart_view(chart_id, shown, page_parts)
    except (NoData, ParamError) as why:
        return empty_figure(), None, None, str(why), HIDE, HIDE, None
    view = view if view in VIEWS else "chart"
    shown_style, table_style = (style, HIDE) if view == "chart" else (HIDE, SHOW)
    table = None
    if view == "table":
        table = STATE.chart_view(chart_id, shown, table_part, chart_id, prefix or chart_id)
    return figure, table, caption, None, shown_style, table_style, title


def render_panel(
    chart_id: str, values: Any, view: Any, ids: Any, prefix: str = ""
) -> tuple[Any, ...]:
    """A panel's content for the (values, ids) lists a request carries, whatever their shape:
    figure, table, caption, empty state, graph and table styles, title, notice."""
    params, notices = resolved(chart_id, values, ids)
    return (*panel_content(chart_id, params, view, prefix), notice_block(notices) or None)


def page_parts(chart: Chart) -> tuple[dict[str, Any], list[Any], list[Any], dict[str, str]]:
    """The figure, caption, title and graph style a panel shows of a chart (cached per
    published version)."""
    return page_figure(chart), caption_block(chart), title_block(chart), graph_style(chart)


def table_part(chart: Chart, chart_id: str, prefix: str) -> list[Any]:
    """The chart's data as the panel's table (cached per published version)."""
    return data_table(spec_of(chart_id), chart.data, prefix)

"""Dash building blocks shared by the pages: chart panels, controls, downloads, URL state.

A page lists its panels as (prefix, chart id) pairs. ``panel`` lays one out from the chart's
parameters (one control each) and the page's query string; ``register_panels`` wires the
callbacks: render, chart/table toggle, the four downloads, and writing the view state back into
the URL so that a copied link restores it.
"""

from __future__ import annotations

import functools
import threading
from typing import Any

import dash
import pandas as pd
import plotly.graph_objects as go
from dash import ALL, Input, Output, State, dcc, html

from indicators import charts, export, figures, findings, render, store, theme
from indicators.charts import ChartSpec, NoData, Param, ParamError, common
from indicators.figures import Chart

Panels = list[tuple[str, str]]
CHOICE_LABELS = {
    "pct_gni_pc": "% of monthly GNI per capita",
    "usd": "US$ per month",
    "ppp": "PPP$ per month",
    "parity": "Parity score (female / male)",
    "points": "Gap in percentage points",
    "relative_gap": "ITU relative gap (%)",
    "rates": "Female and male rates",
    "ratio": "Ratio (times)",
    "fixed_broadband": "Fixed broadband",
    "mobile_broadband": "Mobile broadband (data only)",
    "absolute": "Absolute",
    "share": "Share of world total",
    "exclude": "Official only",
    "include": "Include experimental",
    "all": "All",
}
GRAPH_CONFIG: Any = {"displaylogo": False, "topojsonURL": theme.TOPOJSON_ROUTE}
TABLE_ROWS = 400
_TABLES: store.TableCache | None = None


def tables() -> store.TableCache:
    """The process-wide table cache (reloads when a build publishes a new version)."""
    global _TABLES
    if _TABLES is None:
        _TABLES = store.TableCache(store.default_data_dir())
    return _TABLES


def set_tables(cache: store.TableCache) -> None:
    """Point the app at another data folder (tests, benchmarks)."""
    global _TABLES
    _TABLES = cache


def _spec(chart_id: str) -> ChartSpec:
    charts.catalogue()
    return charts.REGISTRY[chart_id]


def _label(param: Param, value: Any, names: dict[str, str]) -> str:
    """How a choice reads in a dropdown: entity names with codes, edition titles."""
    text = str(value)
    if "@" in text:
        return common.edition_label(text)
    if param.name == "grouping":
        return common.GROUPING_LABELS.get(text, text)
    if text in CHOICE_LABELS:
        return CHOICE_LABELS[text]
    if text in names:
        return f"{names[text]} ({text})"
    return text.replace("_", " ")


def control(prefix: str, param: Param, value: Any) -> html.Div:
    """A labelled dropdown for one chart parameter (searchable; multi where the param is)."""
    names = common.names(tables())
    options = [{"label": _label(param, v, names), "value": v} for v in param.options(tables())]
    return html.Div(
        [
            html.Label(param.label, htmlFor=f"{prefix}-{param.name}"),
            dcc.Dropdown(
                id={"type": "param", "panel": prefix, "param": param.name},
                options=options,
                value=value,
                clearable=False,
                searchable=True,
                multi=param.kind == "multi",
            ),
        ],
        className="control",
    )


def query_params(prefix: str, query: dict[str, Any]) -> dict[str, Any]:
    """The query-string values meant for one panel (``prefix.param=value``)."""
    start = f"{prefix}."
    return {k[len(start) :]: v for k, v in query.items() if k.startswith(start)}


def panel(prefix: str, chart_id: str, query: dict[str, Any]) -> html.Section:
    """A chart card: controls, caption, graph or table, downloads, and an empty state."""
    spec = _spec(chart_id)
    render.warm_up()  # the page's download buttons will need the process's Chromium
    values = charts.resolve(spec, tables(), query_params(prefix, query), strict=False)
    view = query.get(f"{prefix}.view", "chart")
    view = view if view in ("chart", "table") else "chart"
    return html.Section(
        [
            html.H2(spec.title, id=f"{prefix}-heading"),
            html.Div(
                [control(prefix, p, values[p.name]) for p in spec.params], className="controls"
            ),
            dcc.RadioItems(
                id={"type": "view", "panel": prefix},
                options=[
                    {"label": "Chart", "value": "chart"},
                    {"label": "Table", "value": "table"},
                ],
                value=view,
                inline=True,
                className="view-toggle",
            ),
            html.Div(id=f"{prefix}-empty", className="empty-state", role="status"),
            dcc.Loading(dcc.Graph(id=f"{prefix}-graph", config=GRAPH_CONFIG)),
            html.Div(id=f"{prefix}-table", className="data-table"),
            html.Div(id=f"{prefix}-caption", className="caption"),
            html.Div(
                [
                    html.Button(
                        export.LABELS.get(fmt, fmt.upper()),
                        id=f"{prefix}-dl-{fmt}",
                        className="download",
                        title=f"Download this figure as {export.LABELS.get(fmt, fmt.upper())}",
                    )
                    for fmt in export.FORMATS
                ]
                + [dcc.Download(id=f"{prefix}-download")],
                className="downloads",
            ),
        ],
        className="panel",
        id=f"{prefix}-panel",
    )


_RENDER_LOCK = threading.Lock()


def _freeze(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


@functools.lru_cache(maxsize=512)
def _cached_chart(version: str | None, chart_id: str, frozen: tuple[tuple[str, Any], ...]) -> Chart:
    """Charts are pure functions of the published tables: one render per version and view."""
    params = {k: list(v) if isinstance(v, tuple) else v for k, v in frozen}
    # pandas does not promise thread-safe reads of a shared frame (indexes build lazily), and
    # gunicorn threads share the cached tables: one render at a time per process.
    with _RENDER_LOCK:
        return charts.render(chart_id, tables(), params, strict=False)


def build_chart(chart_id: str, params: dict[str, Any]) -> Chart:
    """Render a chart from the current control values (lenient about bad values).

    Renders are cached per published version, so a rebuild never serves a stale figure.
    Callers must not mutate the returned chart (they copy the figure before changing it).
    """
    frozen = tuple(sorted((k, _freeze(v)) for k, v in params.items()))
    try:
        hash(frozen)
    except TypeError:  # a value of a shape no control produces: render without the cache
        return charts.render(chart_id, tables(), params, strict=False)
    return _cached_chart(tables().version, chart_id, frozen)


@functools.lru_cache(maxsize=8)
def _cached_by_version(version: str | None, name: str) -> Any:
    return _VERSIONED[name](tables())


_VERSIONED: dict[str, Any] = {}


def per_version(name: str, compute: Any) -> Any:
    """``compute(tables)`` once per published version (overview cards, claims views)."""
    _VERSIONED[name] = compute
    return _cached_by_version(tables().version, name)


def _param_values(prefix: str, states: list[dict[str, Any]], values: list[Any]) -> dict[str, Any]:
    return {
        s["id"]["param"]: v
        for s, v in zip(states, values, strict=True)
        if s["id"]["panel"] == prefix
    }


def _empty_figure(message: str) -> go.Figure:
    fig = go.Figure()
    fig.update_layout(
        xaxis={"visible": False},
        yaxis={"visible": False},
        annotations=[
            {
                "text": message,
                "showarrow": False,
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
            }
        ],
        height=200,
    )
    return fig


def data_table(frame: pd.DataFrame) -> html.Table:
    """The plotted data as an HTML table: the accessible alternative to the chart."""
    shown = frame.head(TABLE_ROWS)
    head = html.Thead(html.Tr([html.Th(c, scope="col") for c in shown.columns]))
    body = html.Tbody(
        [html.Tr([html.Td(_cell(v)) for v in row]) for row in shown.itertuples(index=False)]
    )
    note = (
        [html.Caption(f"First {TABLE_ROWS} of {len(frame)} rows; download the CSV for all.")]
        if len(frame) > TABLE_ROWS
        else []
    )
    return html.Table([*note, head, body])


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return "" if pd.isna(value) else f"{value:,.2f}"
    return str(value)


def caption_block(chart: Chart) -> list[Any]:
    """The caption under a figure on the page (also baked into the exported image)."""
    cap = chart.caption
    return [
        html.P(cap.subtitle, className="subtitle"),
        html.P(findings.of(chart), className="finding"),
        html.P(f"Source: {cap.source}"),
        *[html.P(n, className="note") for n in cap.notes],
    ]


def register_panels(panels: Panels) -> None:
    """Wire the callbacks of every panel of a page."""
    for prefix, chart_id in panels:
        _register_render(prefix, chart_id)
        _register_download(prefix, chart_id)


def _register_render(prefix: str, chart_id: str) -> None:
    @dash.callback(
        Output(f"{prefix}-graph", "figure"),
        Output(f"{prefix}-table", "children"),
        Output(f"{prefix}-caption", "children"),
        Output(f"{prefix}-empty", "children"),
        Output(f"{prefix}-graph", "style"),
        Output(f"{prefix}-table", "style"),
        Input({"type": "param", "panel": prefix, "param": ALL}, "value"),
        Input({"type": "view", "panel": prefix}, "value"),
        State({"type": "param", "panel": prefix, "param": ALL}, "id"),
    )
    def render(values: list[Any], view: str, ids: list[dict[str, Any]]) -> tuple[Any, ...]:
        params = {i["param"]: v for i, v in zip(ids, values, strict=True)}
        hide: dict[str, str] = {"display": "none"}
        show: dict[str, str] = {}
        try:
            chart = build_chart(chart_id, params)
        except (NoData, ParamError) as why:
            return _empty_figure(str(why)), None, None, str(why), hide, hide
        graph_style, table_style = (show, hide) if view == "chart" else (hide, show)
        table = data_table(chart.data) if view == "table" else None
        figure = figures.without_footer(chart.figure)
        return figure, table, caption_block(chart), None, graph_style, table_style


def _register_download(prefix: str, chart_id: str) -> None:
    @dash.callback(
        Output(f"{prefix}-download", "data"),
        [Input(f"{prefix}-dl-{fmt}", "n_clicks") for fmt in export.FORMATS],
        State({"type": "param", "panel": prefix, "param": ALL}, "value"),
        State({"type": "param", "panel": prefix, "param": ALL}, "id"),
        prevent_initial_call=True,
        # Buttons are disabled (and styled busy) while a render runs.
        running=[(Output(f"{prefix}-dl-{f}", "disabled"), True, False) for f in export.FORMATS],
    )
    def download(*args: Any) -> Any:
        values, ids = args[-2], args[-1]
        fmt = dash.ctx.triggered_id.rsplit("-", 1)[-1]
        params = {i["param"]: v for i, v in zip(ids, values, strict=True)}
        try:
            chart = build_chart(chart_id, params)
        except (NoData, ParamError):
            return dash.no_update
        name = f"{chart_id}.{fmt}"
        key = (tables().version, chart_id, repr(sorted(params.items())))
        try:
            content = export.download_bytes(chart, fmt, key)
        except render.RenderError:  # Chromium could not render it: nothing to send
            return dash.no_update
        return dcc.send_bytes(content, name, type=export.MEDIA_TYPES[fmt])


# Writes every control of the page into the query string with replaceState, so the address bar
# always holds a link that restores the view, without a page reload or a server round trip.
URL_SYNC_JS = """
function(values, views, ids, viewIds) {
    const params = new URLSearchParams();
    ids.forEach((id, i) => {
        const v = values[i];
        if (v === null || v === undefined) { return; }
        params.set(id.panel + "." + id.param, Array.isArray(v) ? v.join(",") : v);
    });
    viewIds.forEach((id, i) => {
        if (views[i] && views[i] !== "chart") { params.set(id.panel + ".view", views[i]); }
    });
    const search = params.toString();
    window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
    return search;
}
"""


def register_url_sync() -> None:
    """Keep the query string in step with the controls of whichever page is shown."""
    dash.clientside_callback(
        URL_SYNC_JS,
        Output("url-state", "data"),
        Input({"type": "param", "panel": ALL, "param": ALL}, "value"),
        Input({"type": "view", "panel": ALL}, "value"),
        State({"type": "param", "panel": ALL, "param": ALL}, "id"),
        State({"type": "view", "panel": ALL}, "id"),
    )


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

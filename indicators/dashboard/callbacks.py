"""The dashboard's callbacks as named functions, and their registration.

A panel's render callback answers with :func:`indicators.dashboard.panels.render_panel`, which
first checks what it received: a request crafted outside the page (wrong types, missing or
extra values, thousands of ids, a scalar where a list belongs) gets the panel's default view
and a notice, never an exception. Downloads, controls that follow the edition and the maps'
Play buttons are wired here.
"""

from __future__ import annotations

import logging
from typing import Any

import dash
from dash import ALL, Input, Output, State, dcc

from indicators.catalogue import charts
from indicators.catalogue.errors import NoData, ParamError
from indicators.dashboard import guard, panels
from indicators.dashboard.state import STATE
from indicators.figures import Chart
from indicators.outputs import export, render, safe_csv

log = logging.getLogger(__name__)
PLAY_LABEL, PAUSE_LABEL = panels.PLAY_LABEL, "❚❚ Pause"


def safe_chart(chart: Chart) -> Chart:
    """The chart with its data escaped for spreadsheets (text cells never start a formula)."""
    return Chart(chart.figure, safe_csv.escape_formulas(chart.data), chart.caption, chart.meta)


def download_panel(chart_id: str, fmt: Any, values: Any, ids: Any) -> tuple[Any, Any]:
    """The chart as a file named after its view, or why not (busy, no data, bad format)."""
    if fmt not in export.FORMATS:
        return dash.no_update, "Unknown download format."
    params, _ = panels.resolved(chart_id, values, ids)
    params = panels.chart_params(panels.spec_of(chart_id), params)
    try:
        chart = STATE.chart(chart_id, params)
    except (NoData, ParamError) as why:
        return dash.no_update, str(why)
    name = panels.download_name(chart_id, params, fmt)
    if fmt == "csv":
        data = export.file_bytes(safe_chart(chart), "csv")
        return dcc.send_bytes(data, name, type=export.MEDIA_TYPES[fmt]), None
    if not STATE.images.acquire(timeout=STATE.image_wait_s):
        return dash.no_update, "The server is busy drawing other images; please try again."
    key = (STATE.tables().version, chart_id, repr(sorted(params.items())))
    try:
        data = export.download_bytes(chart, fmt, key)
    except render.RenderError:  # logged by the renderer's caller; the button re-enables
        return dash.no_update, "The image could not be drawn just now; please try again."
    finally:
        STATE.images.release()
    return dcc.send_bytes(data, name, type=export.MEDIA_TYPES[fmt]), None


def followers(spec: charts.ChartSpec) -> tuple[list[str], list[str]]:
    """The controls whose choices follow others (the edition, a picker's order and group), and
    the controls they follow."""
    pickers = spec.explore.pickers if spec.explore is not None else ()
    scoped = [p.name for p in spec.params if p.within is not None or p.name in pickers]
    names = {p.name for p in spec.params}
    leaders: list[str] = [n for n in ("edition", "sort", "list") if n in names]
    return scoped, leaders


def scoped_options(
    chart_id: str, edition: Any, current: Any, ids: Any, leading: Any = None
) -> tuple[list, list]:
    """Options and values of the controls whose choices follow the edition (and, for entity
    pickers, the order and group their explorer controls choose)."""
    spec = panels.spec_of(chart_id)
    names, leaders = followers(spec)
    scoped = [p for p in spec.params if p.name in names]
    if not isinstance(current, list) or len(current) != len(scoped):
        current = [None] * len(scoped)
    given = {p.name: v for p, v in zip(scoped, current, strict=True)}
    if isinstance(leading, dict):
        given.update({k: v for k, v in leading.items() if k in leaders and isinstance(v, str)})
    given["edition"] = edition if isinstance(edition, str) else None
    params = charts.resolve(spec, STATE.tables(), given, False)
    return (
        [panels.options(p, params, spec) for p in scoped],
        [params[p.name] for p in scoped],
    )


def register_panel(prefix: str, chart_id: str) -> None:
    """Wire one panel: render, downloads, and controls that follow the edition."""
    param_ids = {"type": "param", "panel": prefix, "param": ALL}

    def render(values: Any, view: Any, ids: Any) -> tuple:
        return panels.render_panel(chart_id, values, view, ids, prefix)

    render.__name__ = f"render_{prefix.replace('-', '_')}"
    dash.callback(
        Output(f"{prefix}-graph", "figure"),
        Output(f"{prefix}-table", "children"),
        Output(f"{prefix}-caption", "children"),
        Output(f"{prefix}-empty", "children"),
        Output(f"{prefix}-graph", "style"),
        Output(f"{prefix}-table", "style"),
        Output(f"{prefix}-title", "children"),
        Output(f"{prefix}-notice", "children"),
        Input(param_ids, "value"),
        Input({"type": "view", "panel": prefix}, "value"),
        State(param_ids, "id"),
        prevent_initial_call=True,  # the layout arrives rendered (panels.initial_render)
    )(render)

    def download(*args: Any) -> tuple[Any, Any]:
        trigger = guard.triggered_id()
        fmt = trigger.rsplit("-", 1)[-1] if isinstance(trigger, str) else None
        return download_panel(chart_id, fmt, args[-2], args[-1])

    download.__name__ = f"download_{prefix.replace('-', '_')}"
    dash.callback(
        Output(f"{prefix}-download", "data"),
        Output(f"{prefix}-dl-status", "children"),
        [Input(f"{prefix}-dl-{fmt}", "n_clicks") for fmt in export.FORMATS],
        State(param_ids, "value"),
        State(param_ids, "id"),
        prevent_initial_call=True,
        # Buttons are disabled (and styled busy) while a render runs.
        running=[(Output(f"{prefix}-dl-{f}", "disabled"), True, False) for f in export.FORMATS],
    )(download)

    spec = panels.spec_of(chart_id)
    scoped, leaders = followers(spec)
    if scoped and "edition" in leaders:

        def follow(*args: Any) -> list[Any]:
            leading = dict(zip(leaders, args[: len(leaders)], strict=True))
            current = list(args[len(leaders) :])
            opts, vals = scoped_options(chart_id, leading["edition"], current, None, leading)
            return [*opts, *vals]

        follow.__name__ = f"follow_edition_{prefix.replace('-', '_')}"
        ident = {"type": "param", "panel": prefix}
        dash.callback(
            [Output({**ident, "param": n}, "options") for n in scoped]
            + [Output({**ident, "param": n}, "value") for n in scoped],
            [Input({**ident, "param": n}, "value") for n in leaders],
            [State({**ident, "param": n}, "value") for n in scoped],
            prevent_initial_call=True,
        )(follow)
    if spec.explore is not None and spec.explore.play:
        register_play(prefix, spec.explore.play)


def play_step(clicked: bool, playing: bool, year: Any, options: Any) -> tuple[Any, bool, str]:
    """The year to show next, whether the timer keeps running, and the button's label.

    A press starts (from the first year when the last is shown) or pauses; each tick moves to
    the next year and the timer stops at the last one.
    """
    listed = options if isinstance(options, list) else []
    years = sorted(
        {o["value"] for o in listed if isinstance(o, dict) and type(o.get("value")) is int}
    )
    if not years:
        return dash.no_update, False, PLAY_LABEL
    if clicked:
        if playing:
            return dash.no_update, False, PLAY_LABEL
        start = years[0] if year not in years or year == years[-1] else year
        return start, True, PAUSE_LABEL
    if not playing:
        return dash.no_update, False, PLAY_LABEL
    later = [y for y in years if isinstance(year, int) and y > year]
    if not later:
        return dash.no_update, False, PLAY_LABEL
    return later[0], len(later) > 1, PAUSE_LABEL if len(later) > 1 else PLAY_LABEL


def register_play(prefix: str, param: str) -> None:
    """Wire a map's Play button: it runs a timer that steps the year control."""
    year = {"type": "param", "panel": prefix, "param": param}

    def play(clicks: Any, ticks: Any, paused: Any, value: Any, options: Any) -> tuple:
        clicked = guard.triggered_id() == f"{prefix}-play"
        year, running, label = play_step(clicked, paused is False, value, options)
        return year, not running, label  # the timer runs while it is not disabled

    play.__name__ = f"play_{prefix.replace('-', '_')}"
    dash.callback(
        Output(year, "value", allow_duplicate=True),
        Output(f"{prefix}-play-timer", "disabled"),
        Output(f"{prefix}-play", "children"),
        Input(f"{prefix}-play", "n_clicks"),
        Input(f"{prefix}-play-timer", "n_intervals"),
        State(f"{prefix}-play-timer", "disabled"),
        State(year, "value"),
        State(year, "options"),
        prevent_initial_call=True,
    )(play)


def register_panels(page_panels: panels.Panels) -> None:
    """Wire the callbacks of every panel of a page."""
    for prefix, chart_id in page_panels:
        register_panel(prefix, chart_id)


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

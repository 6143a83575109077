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

from indicators.catalogue.errors import NoData, ParamError
from indicators.dashboard import guard, panels, viewstate
from indicators.dashboard.state import STATE
from indicators.outputs import export, office, render

log = logging.getLogger(__name__)
PLAY_LABEL, PAUSE_LABEL, RESUME_LABEL = panels.PLAY_LABEL, "❚❚ Pause", "▶ Resume"


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
        data = export.file_bytes(chart, "csv", tables=STATE.tables())
        return dcc.send_bytes(data, name, type=export.MEDIA_TYPES[fmt]), None
    if not STATE.images.acquire(timeout=STATE.image_wait_s):
        return dash.no_update, "The server is busy drawing other images; please try again."
    key = (STATE.tables().version, chart_id, repr(sorted(params.items())))
    try:
        data = export.download_bytes(chart, fmt, key, STATE.tables())
    except render.RenderError:  # logged by the renderer's caller; the button re-enables
        return dash.no_update, "The image could not be drawn just now; please try again."
    except office.DoesNotFit as why:
        tall = "the PNG, SVG and PDF downloads are drawn as tall as the rows need"
        return dash.no_update, f"Not drawn for Word: {why}; {tall}."
    finally:
        STATE.images.release()
    return dcc.send_bytes(data, name, type=export.MEDIA_TYPES[fmt]), None


def update_panel(
    chart_id: str, prefix: str, trigger: Any, sent: list[Any], view: Any, stored: Any
) -> tuple[Any, ...]:
    """A panel after a reader's action, through its view state: a changed control becomes a
    choice and every other value is derived again (the Undo button goes back to the choices
    before a replacement). Answers every control's value and choices, the kept state, the
    panel's content, the notice and whether Undo shows."""
    spec = panels.spec_of(chart_id)
    tables = STATE.tables()
    ids = [panels.param_id(prefix, p.name) for p in spec.params]
    given, refused = panels.received(sent, ids)
    before = viewstate.restore(spec, tables, stored)
    if trigger == f"{prefix}-undo":
        state = viewstate.undo(spec, tables, before)
    elif isinstance(trigger, dict) and trigger.get("param") in given:
        name = trigger["param"]
        state = viewstate.choose(spec, tables, before, {name: given[name]})
    else:  # the chart/table toggle, or a control whose value could not be used
        state = before
    notice = panels.notice_block((*refused, *state.notices)) or None
    return (
        *[state.values[p.name] for p in spec.params],
        *[panels.choices_of(spec, p, state.values) for p in spec.params],
        state.stored(),
        *panels.panel_content(chart_id, state.values, view, prefix),
        notice,
        panels.SHOW if state.undo else panels.HIDE,
    )


def register_panel(prefix: str, chart_id: str) -> None:
    """Wire one panel: its view state and content, downloads, and a map's Play button."""
    spec = panels.spec_of(chart_id)
    param_ids = {"type": "param", "panel": prefix, "param": ALL}
    controls = [panels.param_id(prefix, p.name) for p in spec.params]

    def update(*args: Any) -> tuple[Any, ...]:
        *sent, view, _undo, stored = args
        return update_panel(chart_id, prefix, guard.triggered_id(), sent, view, stored)

    update.__name__ = f"update_{prefix.replace('-', '_')}"
    dash.callback(
        [Output(c, "value") for c in controls]
        + [
            Output(c, panels.choices_prop(spec, p))
            for c, p in zip(controls, spec.params, strict=True)
        ]
        + [
            Output({"type": "chosen", "panel": prefix}, "data"),
            Output(f"{prefix}-graph", "figure"),
            Output(f"{prefix}-table", "children"),
            Output(f"{prefix}-caption", "children"),
            Output(f"{prefix}-empty", "children"),
            Output(f"{prefix}-graph", "style"),
            Output(f"{prefix}-table", "style"),
            Output(f"{prefix}-title", "children"),
            Output(f"{prefix}-notice", "children"),
            Output(f"{prefix}-undo", "style"),
        ],
        [Input(c, "value") for c in controls]
        + [
            Input({"type": "view", "panel": prefix}, "value"),
            Input(f"{prefix}-undo", "n_clicks"),
        ],
        State({"type": "chosen", "panel": prefix}, "data"),
        prevent_initial_call=True,  # the layout arrives rendered (panels.panel)
    )(update)

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
    if spec.explore is not None and spec.explore.play:
        register_play(prefix, spec.explore.play)


def timeline_years(marks: Any) -> list[int]:
    """The years of a timeline slider, from its marks (JSON keys arrive as text)."""
    if not isinstance(marks, dict):
        return []
    years = {int(k) for k in marks if isinstance(k, int | str) and str(k).isdigit()}
    return sorted(years)


def play_step(
    clicked: bool, playing: bool, year: Any, marks: Any, resuming: bool = False
) -> tuple[Any, bool, str]:
    """The year to show next, whether the timer keeps running, and the button's label.

    A press plays the years from the first (a reader who paused resumes where they paused)
    or pauses; each tick moves to the next year, and the timer stops at the last one.
    """
    years = timeline_years(marks)
    if not years:
        return dash.no_update, False, PLAY_LABEL
    if clicked:
        if playing:
            return dash.no_update, False, RESUME_LABEL
        resume = resuming and year in years and year != years[-1]
        return (year if resume else years[0]), True, PAUSE_LABEL
    if not playing:
        return dash.no_update, False, PLAY_LABEL
    later = [y for y in years if isinstance(year, int) and y > year]
    if not later:
        return dash.no_update, False, PLAY_LABEL
    return later[0], len(later) > 1, PAUSE_LABEL if len(later) > 1 else PLAY_LABEL


def register_play(prefix: str, param: str) -> None:
    """Wire a map's Play button: it runs a timer that steps the timeline."""
    year = panels.param_id(prefix, param)

    def play(
        clicks: Any, ticks: Any, paused: Any, label: Any, value: Any, marks: Any
    ) -> tuple[Any, ...]:
        clicked = guard.triggered_id() == f"{prefix}-play"
        resuming = label == RESUME_LABEL
        year, running, text = play_step(clicked, paused is False, value, marks, resuming)
        return year, not running, text  # the timer runs while it is not disabled

    play.__name__ = f"play_{prefix.replace('-', '_')}"
    dash.callback(
        Output(year, "value", allow_duplicate=True),
        Output(f"{prefix}-play-timer", "disabled"),
        Output(f"{prefix}-play", "children"),
        Input(f"{prefix}-play", "n_clicks"),
        Input(f"{prefix}-play-timer", "n_intervals"),
        State(f"{prefix}-play-timer", "disabled"),
        State(f"{prefix}-play", "children"),
        State(year, "value"),
        State(year, "marks"),
        prevent_initial_call=True,
    )(play)


def register_panels(page_panels: panels.Panels) -> None:
    """Wire the callbacks of every panel of a page."""
    for prefix, chart_id in page_panels:
        register_panel(prefix, chart_id)


# Writes the page's view into the query string with replaceState, so the address bar always
# holds a link that restores it, without a reload or a server round trip: for a chart panel the
# values its reader chose (its derived values follow from them, so a link stays short and valid
# when a newer edition appears); for a page without a view state (What changed) every control.
URL_SYNC_JS = """
function(chosen, values, views, chosenIds, ids, viewIds) {
    const params = new URLSearchParams();
    const text = (v) => Array.isArray(v) ? v.join(",") : v;
    const stated = new Set();
    chosenIds.forEach((id, i) => {
        stated.add(id.panel);
        const picked = (chosen[i] && chosen[i].chosen) || {};
        Object.keys(picked).forEach((name) => {
            const v = picked[name];
            if (v === null || v === undefined || v === "") { return; }
            params.set(id.panel + "." + name, text(v));
        });
    });
    ids.forEach((id, i) => {
        const v = values[i];
        if (stated.has(id.panel) || v === null || v === undefined) { return; }
        params.set(id.panel + "." + id.param, text(v));
    });
    viewIds.forEach((id, i) => {
        if (views[i] && views[i] !== "chart") { params.set(id.panel + ".view", views[i]); }
    });
    const embed = new URLSearchParams(window.location.search).get("embed");
    if (embed !== null) { params.set("embed", embed); }
    const search = params.toString();
    const keep = window.location.hash;
    window.history.replaceState(
        null, "", window.location.pathname + (search ? "?" + search : "") + keep
    );
    return search;
}
"""


def register_url_sync() -> None:
    """Keep the query string in step with the view of whichever page is shown."""
    dash.clientside_callback(
        URL_SYNC_JS,
        Output("url-state", "data"),
        Input({"type": "chosen", "panel": ALL}, "data"),
        Input({"type": "param", "panel": ALL, "param": ALL}, "value"),
        Input({"type": "view", "panel": ALL}, "value"),
        State({"type": "chosen", "panel": ALL}, "id"),
        State({"type": "param", "panel": ALL, "param": ALL}, "id"),
        State({"type": "view", "panel": ALL}, "id"),
    )

"""What changed: two editions of a source compared (the logic is in indicators.changes)."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, State, dcc, html

from indicators.catalogue import queries
from indicators.dashboard import changes_view, guard, panels
from indicators.dashboard.changes_view import PREFIX, View
from indicators.dashboard.state import STATE
from indicators.outputs import export, render, tidy

dash.register_page(
    __name__,
    path="/changes",
    name="What changed",
    order=91,
    title="What changed - Digital-divide indicators",
)

INTRO = (
    "Publishers restate history with every edition. Pick a source and two of its editions to "
    "see which values were revised, which were added and which were dropped. A difference "
    "within the float noise of the publisher's format is not counted as a revision."
)
PARAMS = ["source", "old", "new", "measure", "year", "kind", "status", "search", "at_least"]
# The two figures, each a chart with its caption and downloads like the chart pages' panels.
BY_YEAR, LARGEST = f"{PREFIX}-by-year", f"{PREFIX}-largest"


def pid(param: str) -> dict[str, str]:
    """The id of a control; the app's URL sync writes it as ``changes.<param>``."""
    return {"type": "param", "panel": PREFIX, "param": param}


def dropdown(param: str, label: str, options: list[Any], value: Any) -> html.Div:
    return html.Div(
        [
            html.Label(label, htmlFor=f"{PREFIX}-{param}"),
            dcc.Dropdown(
                id=pid(param), options=options, value=value, clearable=False, searchable=True
            ),
        ],
        className="control",
    )


def controls(view: View) -> html.Div:
    """Source, the two editions, measure, year and kind of entity."""
    tables = STATE.tables()
    return html.Div(
        [
            dropdown("source", "Source", changes_view.source_options(tables), view.source),
            dropdown(
                "old", "Old edition", changes_view.edition_options(tables, view.source), view.old
            ),
            dropdown(
                "new", "New edition", changes_view.edition_options(tables, view.source), view.new
            ),
            dropdown("measure", "Measure", measure_options(view.source), view.measure),
            dropdown("year", "Year", year_options(view.source), view.year),
            dropdown(
                "kind",
                "Entities",
                [{"label": v, "value": k} for k, v in changes_view.KINDS.items()],
                view.kind,
            ),
        ],
        className="controls",
    )


def year_options(source: str) -> list[dict[str, str]]:
    return [{"label": "All years", "value": changes_view.ALL}] + [
        {"label": str(y), "value": str(y)} for y in changes_view.years(STATE.tables(), source)
    ]


def measure_options(source: str) -> list[dict[str, str]]:
    return [
        {"label": changes_view.measure_label(m), "value": m}
        for m in changes_view.measures(STATE.tables(), source)
    ]


def summary_block(view: View) -> tuple[list[Any], Any, Any]:
    """Summary text, revisions-per-year figure, dumbbell of the largest revisions."""
    free = changes_view.table_free(view)
    made: tuple[list[Any], Any, Any] = STATE.memo("changes-summary", free, lambda: _summary(free))
    return made


def _summary(view: View) -> tuple[list[Any], Any, Any]:
    """Once per published version and view; callers must not change what it returns."""
    tables = STATE.tables()
    compared = changes_view.comparison(tables, view)
    s = changes_view.summary(tables, view, compared)
    m = changes_view.measure_summary(s, view.measure)
    text: list[Any] = [
        html.P(f"{s.old_label} → {s.new_label}", className="subtitle"),
        html.P(changes_view.headline(s), id=f"{PREFIX}-headline"),
    ]
    if m is not None:
        text.append(html.P(changes_view.measure_line(m)))
    text += [html.P(line) for line in changes_view.coverage(s)]
    source = changes_view.source_line(tables, view)
    text.append(html.P(f"Source: {source}", className="caption"))
    by_year = panels.chart_block(BY_YEAR, changes_view.by_year_chart(s, source))
    largest = (
        panels.chart_block(
            LARGEST, changes_view.largest_chart(m, s, view.year == changes_view.ALL, source)
        )
        if m is not None and len(m.largest)
        else [html.P("No revisions of this measure between these editions.", className="note")]
    )
    return text, by_year, largest


def table_block(view: View) -> list[Any]:
    """The compared values matching the search, biggest changes first."""
    made: list[Any] = STATE.memo("changes-table", view, lambda: _table(view))
    return made


def _table(view: View) -> list[Any]:
    """Once per published version and view (search included); callers must not change it."""
    tables = STATE.tables()
    compared = changes_view.comparison(tables, view)
    shown, matched = changes_view.table_view(compared, queries.names(tables), view)
    note = (
        f"First {len(shown):,} of {matched:,} matching values; download the CSV for all."
        if matched > len(shown)
        else f"{matched:,} matching values."
    )
    return [html.P(note, className="caption"), panels.html_table(shown)]


def layout(**query: Any) -> Any:
    view = changes_view.resolve(STATE.tables(), query)
    if view is None:
        body: list[Any] = [
            html.Div(
                f"No source has two editions published: {queries.BUILD_HINT}.",
                className="empty-state",
                role="status",
            )
        ]
    else:
        text, by_year, dumbbell = summary_block(view)
        reset = changes_view.reset_notices(query, view)
        notice = panels.notice_block(reset, "Some settings in this link could not be used:")
        body = [
            html.Section(
                [
                    controls(view),
                    html.Div(notice, id=f"{PREFIX}-link-notice", className="notice", role="status"),
                ],
                className="panel",
                id=f"{PREFIX}-controls",
            ),
            html.Section(
                [html.H2("Summary"), html.Div(text, id=f"{PREFIX}-summary")],
                className="panel",
            ),
            html.Section(by_year, className="panel", id=f"{BY_YEAR}-panel"),
            html.Section(dumbbell, className="panel", id=f"{LARGEST}-panel"),
            html.Section(
                [
                    html.H2("Every value compared"),
                    html.Div(
                        [
                            html.Div(
                                [
                                    html.Label("Search entities", htmlFor=f"{PREFIX}-search"),
                                    dcc.Input(
                                        id=pid("search"),
                                        type="search",
                                        value=view.search,
                                        debounce=True,
                                        placeholder="Name or code, e.g. Moldova",
                                    ),
                                ],
                                className="control",
                            ),
                            html.Div(
                                [
                                    html.Label(
                                        "Changes of at least (in the value's unit)",
                                        htmlFor=f"{PREFIX}-at_least",
                                    ),
                                    dcc.Input(
                                        id=pid("at_least"),
                                        type="number",
                                        min=0,
                                        step="any",
                                        value=view.at_least,
                                        debounce=True,
                                        placeholder="e.g. 1",
                                    ),
                                ],
                                className="control",
                            ),
                            dropdown(
                                "status",
                                "Status",
                                [
                                    {"label": s.capitalize(), "value": s}
                                    for s in changes_view.STATUS_CHOICES
                                ],
                                view.status,
                            ),
                        ],
                        className="controls",
                    ),
                    html.Div(table_block(view), id=f"{PREFIX}-table", className="data-table"),
                    html.Div(
                        [
                            html.Button(
                                "Download every value (CSV)",
                                id=f"{PREFIX}-dl-csv",
                                className="download",
                            ),
                            dcc.Download(id=f"{PREFIX}-download"),
                        ],
                        className="downloads",
                    ),
                ],
                className="panel",
            ),
        ]
    return html.Div(
        [html.H1("What changed"), html.P(INTRO, className="intro"), *body], className="page"
    )


def _view(values: list[Any]) -> View | None:
    return changes_view.checked(STATE.tables(), dict(zip(PARAMS, values, strict=True)))


def _control_notices(values: list[Any], view: View) -> list[Any]:
    """A notice naming the control values the view could not use (only a crafted request
    sends them: the controls offer valid choices)."""
    given = {f"{PREFIX}.{k}": v for k, v in zip(PARAMS, values, strict=False)}
    reset = changes_view.reset_notices(given, view)
    return panels.notice_block(reset, "Some settings could not be used:")


@dash.callback(
    Output(pid("old"), "options"),
    Output(pid("old"), "value"),
    Output(pid("new"), "options"),
    Output(pid("new"), "value"),
    Output(pid("measure"), "options"),
    Output(pid("measure"), "value"),
    Output(pid("year"), "options"),
    Output(pid("year"), "value"),
    Input(pid("source"), "value"),
    State(pid("year"), "value"),
    prevent_initial_call=True,
)
def pick_source(source: str, year: str | None = None) -> tuple[Any, ...]:
    """A new source: its editions (newest two chosen), its measures and years (the chosen
    year kept where the source covers it)."""
    tables = STATE.tables()
    if not isinstance(source, str) or source not in changes_view.comparable(tables):
        return (dash.no_update,) * 8
    view = changes_view.with_source(tables, source, {"year": year})
    options = changes_view.edition_options(tables, source)
    measures = measure_options(source)
    years = year_options(source)
    return options, view.old, options, view.new, measures, view.measure, years, view.year


@dash.callback(
    Output(f"{PREFIX}-summary", "children"),
    Output(f"{BY_YEAR}-panel", "children"),
    Output(f"{LARGEST}-panel", "children"),
    [Input(pid(p), "value") for p in PARAMS[:6]],
    State(pid("status"), "value"),
    State(pid("search"), "value"),
    State(pid("at_least"), "value"),
    prevent_initial_call=True,
)
def render_summary(*values: Any) -> tuple[Any, ...]:
    """Summary and figures for the chosen editions."""
    view = _view(list(values))
    if view is None:
        return (dash.no_update,) * 3
    text, by_year, dumbbell = summary_block(view)
    notice = _control_notices(list(values), view)
    if notice:
        text = [html.Div(notice, className="notice", role="status"), *text]
    return text, by_year, dumbbell


@dash.callback(
    Output(f"{PREFIX}-table", "children"),
    [Input(pid(p), "value") for p in PARAMS],
    prevent_initial_call=True,
)
def render_table(*values: Any) -> Any:
    """The compared values matching the search and status."""
    view = _view(list(values))
    return dash.no_update if view is None else table_block(view)


@dash.callback(
    Output(f"{PREFIX}-download", "data"),
    Input(f"{PREFIX}-dl-csv", "n_clicks"),
    [State(pid(p), "value") for p in PARAMS],
    prevent_initial_call=True,
)
def download_csv(n_clicks: int | None, *values: Any) -> Any:
    """Every compared value of the two editions (year and kind as chosen), as CSV."""
    view = _view(list(values))
    if not n_clicks or view is None:
        return dash.no_update
    compared = changes_view.comparison(STATE.tables(), view)
    text = tidy.diff_csv(
        STATE.tables(), compared, f"{view.source}@{view.old}", f"{view.source}@{view.new}"
    )
    return dcc.send_string(text, changes_view.download_name(view), type="text/csv")


def figure_of(which: str, view: View) -> Any:
    """One of the page's two charts for a view (None when there is nothing to draw)."""
    tables = STATE.tables()
    compared = changes_view.comparison(tables, view)
    s = changes_view.summary(tables, view, compared)
    source = changes_view.source_line(tables, view)
    if which == BY_YEAR:
        return changes_view.by_year_chart(s, source)
    m = changes_view.measure_summary(s, view.measure)
    if m is None or not len(m.largest):
        return None
    return changes_view.largest_chart(m, s, view.year == changes_view.ALL, source)


def download_figure(which: str, fmt: Any, values: list[Any]) -> tuple[Any, Any]:
    """One of the page's charts as a file, named after the view, or why not."""
    view = _view(values)
    if view is None or fmt not in export.FORMATS:
        return dash.no_update, "Nothing to download for these settings."
    chart = figure_of(which, view)
    if chart is None:
        return dash.no_update, "Nothing to draw for these settings."
    name = f"{changes_view.download_name(view).removesuffix('.csv')}-{which}.{fmt}"
    tables = STATE.tables()
    if fmt == "csv":
        text = export.file_bytes(chart, "csv", tables=tables)
        return dcc.send_bytes(text, name, type="text/csv"), None
    if not STATE.images.acquire(timeout=STATE.image_wait_s):
        return dash.no_update, "The server is busy drawing other images; please try again."
    key = (tables.version, which, repr(view))
    try:
        data = export.download_bytes(chart, fmt, key, tables)
    except render.RenderError:
        return dash.no_update, "The image could not be drawn just now; please try again."
    finally:
        STATE.images.release()
    return dcc.send_bytes(data, name, type=export.MEDIA_TYPES[fmt]), None


def register_downloads(which: str) -> None:
    """Wire one chart's download buttons."""

    def download(*args: Any) -> tuple[Any, Any]:
        trigger = guard.triggered_id()
        fmt = trigger.rsplit("-", 1)[-1] if isinstance(trigger, str) else None
        return download_figure(which, fmt, list(args[len(export.FORMATS) :]))

    download.__name__ = f"download_{which.replace('-', '_')}"
    dash.callback(
        Output(f"{which}-download", "data"),
        Output(f"{which}-dl-status", "children"),
        [Input(f"{which}-dl-{fmt}", "n_clicks") for fmt in export.FORMATS],
        [State(pid(p), "value") for p in PARAMS],
        prevent_initial_call=True,
        running=[(Output(f"{which}-dl-{f}", "disabled"), True, False) for f in export.FORMATS],
    )(download)


register_downloads(BY_YEAR)
register_downloads(LARGEST)

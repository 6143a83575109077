"""Data & sources: every processed table with its schema, editions, licence and downloads."""

from __future__ import annotations

from typing import Any

import dash
import pandas as pd
from dash import ALL, Input, Output, dcc, html

from indicators.catalogue import queries
from indicators.dashboard import claims_view, guard, panels
from indicators.dashboard.claims_view import TableSummary
from indicators.dashboard.state import STATE
from indicators.outputs import takeaway

dash.register_page(
    __name__,
    path="/data",
    name="Data & sources",
    order=92,
    title="Data & sources - Digital-divide indicators",
)

DOWNLOAD = "data-download"
BUTTON = "data-download-button"
FORMATS = ("csv", "parquet", "xlsx", "zip")
FORMAT_TITLES = {
    "csv": "CSV",
    "parquet": "Parquet",
    "xlsx": "Excel workbook with a metadata sheet",
    "zip": "CSV with a README (fields, editions, how to cite), zipped",
}
INTRO = (
    "The processed tables behind every chart, with the columns they promise, the editions and "
    "files they were built from, and their licences. ITU restates history, so editions live "
    "side by side, keyed by source and edition. The data belong to their publishers: cite the "
    "original publisher when you use a figure."
)
FACTS_STYLE = {
    "display": "grid",
    "gridTemplateColumns": "max-content 1fr",
    "gap": "0.2rem 1rem",
    "fontSize": "0.9rem",
}
EMPTY = f"Nothing has been built yet: {queries.BUILD_HINT}."


def schema_table(schema: pd.DataFrame) -> html.Table:
    """Column, title, unit, type and description, from the table's pandera model."""
    labels = [c.capitalize() for c in schema.columns]
    head = html.Thead(html.Tr([html.Th(label, scope="col") for label in labels]))
    body = html.Tbody(
        [
            html.Tr(
                [panels.labelled_cell(html.Code(r[0]), labels[0])]
                + [
                    panels.labelled_cell(str(v), label)
                    for label, v in zip(labels[1:], r[1:], strict=True)
                ]
            )
            for r in schema.itertuples(index=False)
        ]
    )
    return html.Table([head, body], className="stacks")


def _lines(items: list[str], empty: str) -> list[Any]:
    """Items one per line."""
    if not items:
        return [empty]
    out: list[Any] = []
    for item in items:
        out += [html.Br(), item] if out else [item]
    return out


def facts(item: TableSummary) -> html.Dl:
    """Rows, key, editions, licence, build time and input files, as a definition list."""
    pairs: list[tuple[str, Any]] = [
        ("Rows", f"{item.rows:,}"),
        ("Unique key", ", ".join(item.key)),
        ("Editions", _lines(item.editions, "none")),
        ("Licence", item.licence or "see the publishers' terms"),
        ("Built", item.built_at or "unknown"),
        ("Input files", _lines(item.inputs, "none (shipped with the package)")),
    ]
    return html.Dl(
        [x for term, text in pairs for x in (html.Dt(term), html.Dd(text, style={"margin": 0}))],
        style=FACTS_STYLE,
    )


def downloads(name: str) -> html.Div:
    """CSV, Parquet, XLSX and zip (CSV plus README) buttons for one table."""
    return html.Div(
        [
            html.Button(
                f"{name}.{fmt}",
                id={"type": BUTTON, "table": name, "fmt": fmt},
                className="download",
                title=f"Download the full {name} table: {FORMAT_TITLES[fmt]}",
            )
            for fmt in FORMATS
        ],
        className="downloads",
    )


def how_to_cite(lines: list[str]) -> html.Div:
    """Each publisher's edition with its retrieval date, then the processing."""
    return html.Div(
        [html.Strong("How to cite:"), html.Ul([html.Li(line) for line in lines])],
        className="caption how-to-cite",
    )


def columns_summary(schema: pd.DataFrame, most: int = 4) -> str:
    """'Columns (7): source, vintage, entity_id, year, ...': how many, and the first few."""
    names = [str(n) for n in schema.iloc[:, 0]]
    more = ", …" if len(names) > most else ""
    return f"Columns ({len(names)}): {', '.join(names[:most])}{more}"


def section(item: TableSummary) -> html.Section:
    """One table: title, facts, how to cite, schema, downloads."""
    return html.Section(
        [
            html.H2(html.Code(f"{item.name}.parquet")),
            html.P(item.title),
            facts(item),
            how_to_cite(takeaway.cite_lines(STATE.tables(), item.name)),
            # Closed: a phone would otherwise scroll through every column of every table
            # (the page was 22,000 px tall at 390 px); the summary names them.
            html.Details(
                [
                    html.Summary(columns_summary(item.schema)),
                    html.Div(schema_table(item.schema), className="data-table"),
                ],
            ),
            downloads(item.name),
        ],
        className="panel",
        id=f"data-{item.name}",
    )


REVIEW_PASSED = (
    "Every published edition passed the release review: each was compared with "
    "the editions of its source before and after it (economies lost, codes renamed or changing "
    "meaning, implausible moves, years after its date), and none had a finding a person had to "
    "accept."
)


def review_panel(accepted: list[claims_view.Accepted]) -> html.Section:
    """The editions published despite the release review: who accepted what, when and why."""
    if not accepted:
        items: Any = html.P(REVIEW_PASSED)
    else:
        items = html.Ul(
            [
                html.Li(
                    [
                        html.Strong(a.title),
                        f" ({a.edition}): accepted by {a.by} on {a.at}. Reason: {a.reason}",
                        html.Details(
                            [
                                html.Summary(f"{len(a.findings)} finding(s) accepted"),
                                html.Ul([html.Li(f) for f in a.findings]),
                            ]
                        ),
                    ]
                )
                for a in accepted
            ]
        )
    return html.Section(
        [html.H2("Release review"), items], className="panel", id="data-release-review"
    )


def index(items: list[TableSummary]) -> html.Ul:
    """Links to each table's section, with its row count."""
    return html.Ul(
        [
            html.Li(
                [html.A(html.Code(i.name), href=f"#data-{i.name}"), f": {i.rows:,} rows, {i.title}"]
            )
            for i in items
        ]
    )


def body(tables: Any) -> list[Any]:
    """The index and one section per table, built once per published version."""
    items = claims_view.catalogue(tables)
    if not items:
        return [html.Div(EMPTY, className="empty-state", role="status")]
    return [
        index(items),
        review_panel(claims_view.acceptances(tables)),
        *[section(item) for item in items],
    ]


def layout(**query: Any) -> Any:
    return html.Div(
        [
            html.H1("Data & sources"),
            html.P(INTRO, className="intro"),
            *STATE.per_version("data-page", body),
            dcc.Download(id=DOWNLOAD),
        ],
        className="page",
    )


@dash.callback(
    Output(DOWNLOAD, "data"),
    Input({"type": BUTTON, "table": ALL, "fmt": ALL}, "n_clicks"),
    prevent_initial_call=True,
)
def download_table(clicks: list[int | None]) -> Any:
    """Send the clicked table in the clicked format."""
    trigger = guard.triggered_id()
    if not isinstance(trigger, dict) or not dash.ctx.triggered[0]["value"]:
        return dash.no_update
    table, fmt = trigger.get("table"), trigger.get("fmt")
    if not isinstance(table, str) or not isinstance(fmt, str):
        return dash.no_update
    try:
        if fmt in takeaway.FORMATS:
            payload, name, media = takeaway.download(STATE.tables(), table, fmt)
        else:
            payload, name, media = claims_view.table_download(STATE.tables(), table, fmt)
    except (LookupError, ValueError):
        return dash.no_update
    return dcc.send_bytes(payload, name, type=media)

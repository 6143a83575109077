"""Report check: each figure a report cites, recomputed from today's data, with its status."""

from __future__ import annotations

from typing import Any

import dash
import pandas as pd
from dash import Input, Output, dcc, html

from indicators import overview, report
from indicators.dashboard.state import STATE

dash.register_page(
    __name__,
    path="/report",
    name="Report check",
    order=5,
    title="Report check - Digital-divide indicators",
)

DOWNLOAD = "report-claims-download"
DOWNLOAD_BUTTON = "report-claims-csv"
INTRO = (
    "Figures cited in the UN Secretary-General's report A/75/62-E/2020/11 (para. 3), each "
    "recomputed from the processed tables against the edition the report drew on and against "
    "the newest one. Confirmed: within the report's rounding. Revised: today's data no longer "
    "support it (both numbers shown). Not computable: the note says why."
)
COLUMNS = [
    "Claim",
    "Statement",
    "Reported",
    "Recomputed",
    "Edition",
    "Status",
    "Note",
    "Chart",
]


def row(item: dict[str, Any], cite: bool) -> html.Tr:
    """One claim checked against one edition (with its citation unless all share one)."""
    link = dcc.Link("Open chart", href=item["href"]) if item["href"] else ""
    statement = [html.P(item["statement"])]
    if cite:
        statement.append(html.P(item["citation"], className="detail"))
    cells = [
        item["claim_id"],
        statement,
        item["reported"],
        item["recomputed"],
        item["edition"],
        html.Span(item["status"], className=item["status_class"]),
        item["note"],
        link,
    ]
    # Each cell carries its column's name: on a phone the rows stack and say what each value is.
    return html.Tr(
        [html.Td(c, **{"data-label": col}) for col, c in zip(COLUMNS, cells, strict=True)]
    )


def claims_table(view: pd.DataFrame, cite: bool) -> html.Table:
    """The claims as an HTML table."""
    head = html.Thead(html.Tr([html.Th(c, scope="col") for c in COLUMNS]))
    body = html.Tbody([row(item, cite) for item in view.to_dict("records")])
    return html.Table([head, body], id="report-claims")


def summary(counts: dict[str, int]) -> html.P:
    """'9 confirmed, 4 revised, 2 not computable.'"""
    parts = [
        html.Span(f"{n} {status}", className=report.status_class(status))
        for status, n in counts.items()
    ]
    joined: list[Any] = []
    for part in parts:
        joined += [", "] if joined else []
        joined.append(part)
    return html.P([*joined, " (one row per claim and edition)."])


def layout(**query: Any) -> Any:
    claims = STATE.tables().get("claims")
    content: list[Any]
    if claims is None:
        content = [html.Div(overview.missing_table("claims"), className="empty-state")]
    else:
        view = report.claims_view(claims, report.claim_specs())
        shared = report.shared_citation(claims)
        content = [
            summary(report.status_counts(claims)),
            html.P(f"Cited from: {shared}.", className="caption") if shared else "",
            html.Div(
                claims_table(view, cite=not shared),
                className="data-table",
                style={"maxHeight": "none"},
            ),
            html.Div(
                [
                    html.Button("Download claims (CSV)", id=DOWNLOAD_BUTTON, className="download"),
                    dcc.Download(id=DOWNLOAD),
                ],
                className="downloads",
            ),
        ]
    return html.Div(
        [
            html.H1("Report check"),
            html.P(INTRO, className="intro"),
            html.Section(content, className="panel", id="report-panel"),
        ],
        className="page",
    )


@dash.callback(
    Output(DOWNLOAD, "data"),
    Input(DOWNLOAD_BUTTON, "n_clicks"),
    prevent_initial_call=True,
)
def download_claims(n_clicks: int | None) -> Any:
    """The claims table as CSV, as published."""
    claims = STATE.tables().get("claims")
    if not n_clicks or claims is None:
        return dash.no_update
    return dcc.send_string(report.csv_text(claims), "claims.csv", type="text/csv")

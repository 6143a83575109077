"""Report check: each figure a report cites, recomputed in every edition of its source."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import dash
import pandas as pd
from dash import Input, Output, dcc, html

from indicators.catalogue import cards as card_model
from indicators.catalogue.topic import page_href
from indicators.dashboard import claims_view, panels
from indicators.dashboard.state import STATE
from indicators.etl import sources

dash.register_page(
    __name__,
    path="/report",
    name="Report check",
    order=90,
    title="Report check - Digital-divide indicators",
)

DOWNLOAD = "report-claims-download"
DOWNLOAD_BUTTON = "report-claims-csv"
INTRO = (
    "Each figure the report cites, recomputed from the processed tables in every edition of its "
    "source, the edition the report drew on marked. Confirmed: within the report's rounding. "
    "Within rounding: the inputs' own rounding straddles the claim. Revised: the data no longer "
    "support it (both numbers shown). Not computable: the note says why."
)
COLUMNS = ["Edition", "Recomputed", "Status", "Note", "Chart"]
SUMMARY_COLUMNS = ["Claim", "Reported", "Report's edition", "Latest edition", "Verdict"]


def report_switch(reports: list[tuple[str, str]], chosen: str) -> html.Nav:
    """One link per report; the chosen one is marked (the choice lives in the URL)."""
    links = [
        dcc.Link(
            symbol,
            href=page_href("/report", "report", {"symbol": symbol}),
            className="report-tab active" if symbol == chosen else "report-tab",
            title=title,
        )
        for symbol, title in reports
    ]
    return html.Nav(links, className="report-switch", id="report-switch")


def edition_row(item: dict[Hashable, Any]) -> html.Tr:
    """One edition of one claim."""
    link = dcc.Link("Open chart", href=item["href"]) if item["href"] else ""
    cells = [
        item["edition"],
        item["recomputed"],
        html.Span(item["status_text"], className=item["status_class"]),
        item["note"],
        link,
    ]
    # The label lets a phone stack each row as 'Column: value' (assets/style.css).
    return html.Tr([panels.labelled_cell(c, n) for n, c in zip(COLUMNS, cells, strict=True)])


def claim_card(rows: pd.DataFrame, view: pd.DataFrame, verdict: str) -> html.Section:
    """A claim: statement and citation, what the report says, its fate across editions, a
    small chart of its value per edition and the table behind it."""
    first = view.iloc[0]
    fmt = sources.BY_SOURCE.get(str(rows["source"].iloc[0]))
    named = f"Claim {first['claim_id']} · {fmt.title if fmt else rows['source'].iloc[0]}"
    title = f"{fmt.title if fmt else 'Value'} editions"
    figure = claims_view.history_figure(rows, title)
    head = html.Thead(html.Tr([html.Th(c, scope="col") for c in COLUMNS]))
    body = html.Tbody([edition_row(item) for item in view.to_dict("records")])
    return html.Section(
        [
            html.H3(named, className="claim-id"),
            html.P(first["statement"], className="statement"),
            html.P(first["citation"], className="detail"),
            html.P(
                [html.Strong("Reported: "), first["reported"], html.Strong(" · "), verdict],
                className="verdict",
            ),
            dcc.Graph(
                figure=figure,
                config={"displayModeBar": False, "responsive": True},
                className="claim-history",
                style={"width": "100%", "height": "220px"},
            ),
            html.Div(
                html.Table([head, body], className="claim-editions stacks"), className="data-table"
            ),
        ],
        className="claim",
        id=claims_view.card_id(first["claim_id"], rows["source"].iloc[0]),
    )


def summary_table(rows: pd.DataFrame) -> html.Div:
    """The annex table: one row per claim, what it reports, its status in the report's own
    edition and in the newest one, and the verdict; each claim links to its card below."""
    head = html.Thead(html.Tr([html.Th(c, scope="col") for c in SUMMARY_COLUMNS]))
    body = []
    for item in rows.to_dict("records"):
        claim = html.A(
            [html.Strong(f"{item['claim_id']} "), item["statement"]], href=f"#{item['anchor']}"
        )
        latest = html.Span(
            item["latest_edition"], className=claims_view.status_class(item["status"])
        )
        cells = [claim, item["reported"], item["report_edition"], latest, item["verdict"]]
        body.append(
            html.Tr(
                [panels.labelled_cell(c, n) for n, c in zip(SUMMARY_COLUMNS, cells, strict=True)]
            )
        )
    table = html.Table([head, html.Tbody(body)], className="claim-summary stacks")
    return html.Div(table, className="data-table", id="report-summary")


def summary(counts: dict[str, int]) -> html.P:
    """'9 confirmed, 4 revised, 2 not computable.'"""
    parts = [
        html.Span(f"{n} {status}", className=claims_view.status_class(status))
        for status, n in counts.items()
    ]
    joined: list[Any] = []
    for part in parts:
        joined += [", "] if joined else []
        joined.append(part)
    return html.P(
        [
            *joined,
            " (one per claim and edition; editions older than the report that cannot "
            "compute a claim are left out).",
        ]
    )


def reports_of(claims: pd.DataFrame) -> list[tuple[str, str]]:
    """(symbol, first statement's citation) of each report, in the order the claims list them."""
    firsts = claims.drop_duplicates("report")
    return [(str(r), str(c)) for r, c in zip(firsts["report"], firsts["citation"], strict=True)]


def claim_cards(
    claims: pd.DataFrame, chosen: str
) -> tuple[dict[str, int], html.Div, list[html.Section]]:
    """A report's status counts, summary table and claim cards: the same until a build
    publishes again."""
    mine = claims[claims["report"] == chosen]
    view = claims_view.claims_view(mine, claims_view.claim_specs())
    history = claims_view.claim_history(mine)
    cards = []
    for item in history.to_dict("records"):
        keep = (mine["claim_id"] == item["claim_id"]) & (mine["source"] == item["source"])
        cards.append(claim_card(mine[keep], view[keep.to_numpy()], item["verdict"]))
    table = summary_table(claims_view.summary_rows(mine))
    return claims_view.status_counts(mine), table, cards


def layout(**query: Any) -> Any:
    claims = STATE.tables().get("claims")
    content: list[Any]
    if claims is None or claims.empty:
        content = [html.Div(card_model.missing_table("claims"), className="empty-state")]
    else:
        reports = reports_of(claims)
        symbols = [s for s, _ in reports]
        asked = query.get("report.symbol")
        chosen = asked if isinstance(asked, str) and asked in symbols else symbols[0]
        notice = (
            html.P(f"No report “{str(asked)[:40]}”; showing {chosen}.", className="notice")
            if asked is not None and asked != chosen
            else ""
        )
        counts, table, cards = STATE.per_version(
            f"report:{chosen}", lambda t: claim_cards(claims, chosen)
        )
        content = [
            report_switch(reports, chosen),
            notice,
            html.H2(chosen),
            summary(counts),
            table,
            *cards,
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
    """Every report's claims as CSV, as published."""
    claims = STATE.tables().get("claims")
    if not n_clicks or claims is None:
        return dash.no_update
    payload, name, media = claims_view.table_download(STATE.tables(), "claims", "csv")
    return dcc.send_string(payload.decode("utf-8"), name, type=media)

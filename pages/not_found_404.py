"""The page for an address the dashboard does not have: what happened, and the way home."""

from __future__ import annotations

from typing import Any

import dash
from dash import dcc, html

dash.register_page(__name__, path="/404", title="Page not found - Digital-divide indicators")


def layout(**query: Any) -> Any:
    return html.Div(
        [
            html.H1("Page not found"),
            html.P(
                "The dashboard has no page at this address. It may have been mistyped, or the "
                "link may come from an older version of the dashboard.",
                className="intro",
            ),
            html.P(
                [
                    dcc.Link("Go to the Overview", href="/", className="card-link"),
                    " to start from the gaps, or use the menu above.",
                ]
            ),
        ],
        className="page not-found",
    )

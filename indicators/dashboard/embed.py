"""Embed this view: under every page, the iframe snippet that shows the current view with its
controls hidden (the page's query string plus ``embed=1``; assets/embed.js hides the controls)."""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output, dcc, html

from indicators.outputs import takeaway

SUMMARY = "embed-summary"
HREF = "embed-href"
SNIPPET = "embed-snippet"

# The address bar holds the view (the URL sync keeps it current): read it once the box has been
# opened, and again whenever the view changes, so the snippet never lags behind the view.
READ_HREF_JS = """
function(clicks, search) {
    if (!clicks) { return window.dash_clientside.no_update; }
    return window.location.href;
}
"""


def footer() -> html.Footer:
    """A closed 'Embed this view' box with the snippet to copy."""
    return html.Footer(
        html.Details(
            [
                html.Summary("Embed this view", id=SUMMARY),
                html.P(
                    "Paste this into a web page to show this view, without its controls:",
                    className="caption",
                ),
                dcc.Textarea(id=SNIPPET, readOnly=True, rows=3, className="embed-snippet"),
                dcc.Store(id=HREF),
            ]
        ),
        className="embed-footer content",
    )


def register() -> None:
    """Wire the footer: read the current address, then write its snippet."""
    dash.clientside_callback(
        READ_HREF_JS,
        Output(HREF, "data"),
        Input(SUMMARY, "n_clicks"),
        Input("url-state", "data"),
    )
    dash.callback(Output(SNIPPET, "value"), Input(HREF, "data"), prevent_initial_call=True)(snippet)


def snippet(href: Any) -> str:
    """The iframe snippet of a view's address ('' before the address is known, and for text
    that is no address: the page only ever sends its own)."""
    if not isinstance(href, str) or not href:
        return ""
    try:
        return takeaway.embed_snippet(href)
    except ValueError:  # urlsplit refuses e.g. an unclosed IPv6 host, "http://[::1"
        return ""

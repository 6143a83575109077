"""Embed this view: under every page, the iframe snippet that shows the current view with its
controls hidden (the page's query string plus ``embed=1``; assets/embed.js hides the controls);
under every chart, the snippet of that chart alone (``embed=PANEL``)."""

from __future__ import annotations

from typing import Any

import dash
from dash import MATCH, Input, Output, dcc, html

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
    register_panels()


def snippet(href: Any) -> str:
    """The iframe snippet of a view's address ('' before the address is known, and for text
    that is no address: the page only ever sends its own)."""
    if not isinstance(href, str) or not href:
        return ""
    try:
        return takeaway.embed_snippet(href)
    except ValueError:  # urlsplit refuses e.g. an unclosed IPv6 host, "http://[::1"
        return ""


def panel_box(prefix: str) -> html.Details:
    """A closed 'Embed this chart' box under a panel: the snippet of that chart alone."""
    return html.Details(
        [
            html.Summary("Embed this chart", id={"type": "embed-open", "panel": prefix}),
            dcc.Textarea(
                id={"type": "embed-code", "panel": prefix},
                readOnly=True,
                rows=3,
                className="embed-snippet",
            ),
            dcc.Store(id={"type": "embed-href", "panel": prefix}),
        ],
        className="embed-panel",
    )


def panel_snippet(href: Any, ident: Any) -> str:
    """The snippet that shows one panel of the view at ``href`` ('' for what the page cannot
    have sent)."""
    prefix = ident.get("panel") if isinstance(ident, dict) else None
    if not isinstance(href, str) or not href or not isinstance(prefix, str):
        return ""
    if not prefix.replace("-", "").isalnum():
        return ""
    try:
        return takeaway.embed_snippet(href, "Digital-divide indicators: a chart", panel=prefix)
    except ValueError:
        return ""


def register_panels() -> None:
    """Wire every panel's embed box (one pattern for all of them)."""
    dash.clientside_callback(
        READ_HREF_JS,
        Output({"type": "embed-href", "panel": MATCH}, "data"),
        Input({"type": "embed-open", "panel": MATCH}, "n_clicks"),
        Input("url-state", "data"),
    )
    dash.callback(
        Output({"type": "embed-code", "panel": MATCH}, "value"),
        Input({"type": "embed-href", "panel": MATCH}, "data"),
        Input({"type": "embed-href", "panel": MATCH}, "id"),
        prevent_initial_call=True,
    )(panel_snippet)

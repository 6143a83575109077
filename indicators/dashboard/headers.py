"""Security headers on every response: a Content-Security-Policy Dash's pages work under,
``X-Content-Type-Options`` and ``Referrer-Policy``.

Scripts run only from this server and, inline, the few Dash writes into each page (its
renderer and the clientside callbacks), allowed by their hashes, so an injected script never
runs. Styles may be inline: Dash's components and plotly set them at run time. A page may be
framed by this site only, except an embed view (``?embed=1``, the documented iframe), which any
site may frame unless ``INDICATORS_EMBED_ANCESTORS`` names the sites that may.
"""

from __future__ import annotations

import functools
import os

import dash
import flask

EMBED_PARAM = "embed"
EMBED_ANCESTORS_ENV = "INDICATORS_EMBED_ANCESTORS"
# Kept as data: the proxy's fallback headers (deploy/nginx.conf) say the same.
POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self' 'unsafe-inline'",
    "img-src": "'self' data: blob:",
    "font-src": "'self' data:",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def embed_ancestors() -> str:
    """Who may frame an embed view: every site unless the environment names some."""
    return os.environ.get(EMBED_ANCESTORS_ENV, "").strip() or "*"


@functools.cache
def _scripts(app: dash.Dash) -> str:
    """script-src with the hashes of the page's inline scripts (fixed once callbacks are)."""
    return " ".join([POLICY["script-src"], *app.csp_hashes()])


def policy(app: dash.Dash, embed: bool) -> str:
    """The Content-Security-Policy of a response (an embed view may be framed elsewhere)."""
    parts = {**POLICY, "script-src": _scripts(app)}
    parts["frame-ancestors"] = embed_ancestors() if embed else "'self'"
    return "; ".join(f"{k} {v}" for k, v in parts.items())


def install(app: dash.Dash) -> None:
    """Add the headers to every response that does not set them itself."""

    @app.server.after_request
    def secure(response: flask.Response) -> flask.Response:
        embed = EMBED_PARAM in flask.request.args
        response.headers.setdefault("Content-Security-Policy", policy(app, embed))
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        return response

"""``/healthz``: whether this server answers, and which published version it reads.

A load balancer's health check, and how an operator (or a test) sees that every instance has
moved to the version a build just published: each request reads the ``processed`` link anew
(one ``readlink``), so a worker serves a new version from its next request on.
"""

from __future__ import annotations

import os

import dash
import flask

from indicators.contract import store
from indicators.dashboard.state import STATE

PATH = "/healthz"


def status() -> dict[str, object]:
    """This process's view of the data: the published version and how many tables it holds."""
    tables = STATE.tables()
    version = tables.version
    return {
        "status": "ok",
        "version": os.path.basename(version) if version else None,
        "tables": len(store.published_tables(tables.data)),
        "pid": os.getpid(),
    }


def install(app: dash.Dash) -> None:
    """Answer ``GET /healthz`` with the status as JSON (never cached)."""

    @app.server.route(PATH)
    def healthz() -> flask.Response:
        response = flask.jsonify(status())
        response.headers["Cache-Control"] = "no-store"
        return response

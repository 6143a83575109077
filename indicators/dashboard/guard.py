"""Refuse callback requests that the page cannot have sent, with a 400 instead of a 500.

Dash trusts the shape of a callback request: a body without the callback's inputs, with too
few or too many of them, or naming no callback ends in an exception and a traceback in the log.
The page always sends the shape the callback map declares; anything else is answered 400 here,
before Dash reads it. What the values themselves hold is the callbacks' own business (they
check it and fall back to the default view).
"""

from __future__ import annotations

import logging
from typing import Any

import dash
import flask
from dash import exceptions

UPDATE_PATH = "/_dash-update-component"
# Location properties are text in every browser; the pages router fails on anything else.
TEXT_PROPERTIES = {"pathname", "search", "hash", "href"}
log = logging.getLogger(__name__)


def _dependency(entry: Any) -> bool:
    """One input, state or output entry: {id, property[, value]}, or a list of them (ALL)."""
    if isinstance(entry, list):
        return all(_dependency(e) for e in entry)
    if not (
        isinstance(entry, dict)
        and isinstance(entry.get("property"), str)
        and isinstance(entry.get("id"), str | dict)
    ):
        return False
    value = entry.get("value")
    return entry["property"] not in TEXT_PROPERTIES or value is None or isinstance(value, str)


def problem(body: Any, callback_map: dict[str, Any]) -> str:
    """What is wrong with a callback request body ('' if it has the declared shape)."""
    if not isinstance(body, dict):
        return "the body is not a JSON object"
    key = body.get("output")
    if not isinstance(key, str) or key not in callback_map:
        return "no such callback"
    callback = callback_map[key]
    if not callable(callback.get("callback")):
        return "that callback runs in the browser"
    for name, declared in (("inputs", callback["inputs"]), ("state", callback["state"])):
        given = body.get(name, [] if not declared else None)
        if not isinstance(given, list) or len(given) != len(declared):
            return f"{name} do not match the callback"
        if not all(_dependency(e) for e in given):
            return f"malformed {name}"
    outputs = body.get("outputs")
    declared_out = callback["output"]
    count = len(declared_out) if isinstance(declared_out, list) else 1
    if count > 1 and (not isinstance(outputs, list) or len(outputs) != count):
        return "outputs do not match the callback"
    if not _dependency(outputs):
        return "malformed outputs"
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) for c in changed):
        return "malformed changedPropIds"
    return ""


def install(app: dash.Dash) -> None:
    """Check every callback request's shape before Dash dispatches it."""
    server = app.server

    @server.before_request
    def check_callback_request() -> Any:
        if flask.request.method != "POST" or not flask.request.path.endswith(UPDATE_PATH):
            return None
        body = flask.request.get_json(silent=True)
        why = problem(body, app.callback_map)
        if why:
            log.warning("refused a callback request: %s", why)
            return flask.Response(f"Bad request: {why}.", status=400, mimetype="text/plain")
        return None

    @server.errorhandler(exceptions.CallbackException)
    def refuse(error: exceptions.CallbackException) -> flask.Response:
        log.warning("refused a callback request: %s", error)
        return flask.Response("Bad request.", status=400, mimetype="text/plain")

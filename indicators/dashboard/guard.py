"""Refuse requests that the page cannot have sent, with a 4xx instead of a 500.

Dash trusts the shape of a callback request: a body without the callback's inputs, with too
few or too many of them, naming no callback, or naming as its trigger an id that is not JSON
ends in an exception and a traceback in the log. The page always sends the shape the callback
map declares, within sizes its controls can produce; anything else is answered here, before
Dash reads it: 413 for a body over ``MAX_BODY_BYTES``, 400 for the rest. What the values
themselves hold is the callbacks' own business (they check it and fall back to the default
view with a notice).

Sizes are bounded per input from what it is declared to be: a chart parameter's kind (one
choice, or a list of choices), a location's text, a button's click count. Every callback reads
its trigger through :func:`triggered_id`, which refuses a malformed id with a 400 too.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import dash
import flask
from dash import exceptions
from werkzeug.exceptions import BadRequest

from indicators import catalogue

UPDATE_PATH = "/_dash-update-component"
MAX_BODY_BYTES = 2**20  # the largest callback request a page sends is a few kB
MAX_DEPTH = 10  # body > inputs > wildcard list > entry > value > list > option: 7 at most
MAX_ENTRIES = 64  # entries of one wildcard input (no panel has that many controls)
MAX_TRIGGER = 1000  # characters of one changedPropIds entry
URL_TEXT = 8192  # the longest address the proxy and gunicorn accept (request line)
CHOICE_TEXT = 200  # a choice: a code, an edition, a year, a search
ID_TEXT = 100  # one value of a component id
MAX_CHOICES = 400  # a multi choice: more than every economy and group together
MAX_OPTIONS = 1000  # the options of one control
# Location properties are text in every browser; the pages router fails on anything else.
TEXT_PROPERTIES = {"pathname", "search", "hash", "href"}
COUNTERS = {"n_clicks", "n_intervals", "n_clicks_timestamp", "disabled"}
Scalar = str | int | float | bool
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    """What one input value may hold: list length, nesting depth and string length."""

    items: int
    depth: int
    text: int


SCALAR_CHOICE = Limit(items=0, depth=0, text=CHOICE_TEXT)
MULTI_CHOICE = Limit(items=MAX_CHOICES, depth=1, text=CHOICE_TEXT)
LIMITS: dict[str, Limit] = {
    **{p: Limit(0, 0, URL_TEXT) for p in TEXT_PROPERTIES},
    **{p: Limit(0, 0, 0) for p in COUNTERS},
    "id": Limit(8, 1, ID_TEXT),
    "options": Limit(MAX_OPTIONS, 2, CHOICE_TEXT),
    "data": Limit(100, 3, URL_TEXT),
}
DEFAULT = Limit(MAX_OPTIONS, 3, URL_TEXT)


class Refused(ValueError):
    """A request the page cannot have sent; the message says why, without echoing it."""


class BadTrigger(BadRequest):
    """A callback's trigger id is not one the page sends (answered 400)."""

    description = "Bad request: the trigger is not a component of this page."


# ---- sizes and text


def _walk(value: Any, depth: int = 0) -> Iterator[tuple[Any, int]]:
    """Every value nested in ``value`` (keys included) with its depth, outermost first."""
    stack = [(value, depth)]
    while stack:
        item, level = stack.pop()
        yield item, level
        if isinstance(item, dict):
            stack.extend((k, level + 1) for k in item)
            stack.extend((v, level + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, level + 1) for v in item)


def _unicode(text: str) -> bool:
    """Whether a string encodes as UTF-8 (JSON can carry lone surrogates; pandas and the
    response encoder cannot)."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_body(body: Any) -> None:
    """Refuse a body nested deeper than any page sends, or holding text that is not Unicode."""
    for item, level in _walk(body):
        if level > MAX_DEPTH:
            raise Refused("the body is nested deeper than any page sends")
        if isinstance(item, str) and not _unicode(item):
            raise Refused("text that is not valid Unicode")


def check_value(value: Any, limit: Limit, name: str) -> None:
    """Refuse a value longer, deeper or wordier than ``limit``."""
    for item, level in _walk(value):
        if level > limit.depth:
            raise Refused(f"{name}: nested deeper than the control sends")
        if isinstance(item, list | dict) and len(item) > limit.items:
            raise Refused(f"{name}: too many values ({len(item)}; at most {limit.items})")
        if isinstance(item, str) and len(item) > limit.text:
            raise Refused(f"{name}: text too long ({len(item)}; at most {limit.text} characters)")
        if not (item is None or isinstance(item, Scalar | list | dict)):
            raise Refused(f"{name}: a value of a type JSON does not have")


# ---- what each input is declared to be


def param_limit(ident: dict[str, Any]) -> Limit:
    """A chart control's limit from its declared parameter: a list of choices for a multi
    choice, one choice otherwise (and for the controls of pages without charts)."""
    spec = catalogue.panel_chart(str(ident.get("panel")))
    if spec is None:
        return SCALAR_CHOICE
    kinds = {p.name: p.kind for p in spec.params}
    return MULTI_CHOICE if kinds.get(str(ident.get("param"))) == "multi" else SCALAR_CHOICE


def limit_of(ident: Any, prop: str) -> Limit:
    """What the page can send for one property of one component."""
    if prop == "value" and isinstance(ident, dict) and ident.get("type") == "param":
        return param_limit(ident)
    if prop == "value" and isinstance(ident, dict) and ident.get("type") == "view":
        return Limit(0, 0, ID_TEXT)
    return LIMITS.get(prop, DEFAULT)


# ---- ids and shapes


def parse_id(text: str) -> Any:
    """A component id as the callback map and ``changedPropIds`` write it (dicts as JSON)."""
    if not text.startswith("{"):
        return text
    try:
        ident = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise Refused("an id that is not JSON") from exc
    if not isinstance(ident, dict):
        raise Refused("an id that is not JSON")
    return ident


def wildcard(pattern: Any) -> bool:
    """Whether a declared id matches several components (ALL, MATCH, ALLSMALLER)."""
    return isinstance(pattern, dict) and any(isinstance(v, list) for v in pattern.values())


def matches(pattern: Any, ident: Any) -> bool:
    """Whether a component id is one the declared id (a string or a pattern) stands for."""
    if not isinstance(pattern, dict):
        return isinstance(ident, str) and ident == pattern
    if not isinstance(ident, dict) or set(ident) != set(pattern):
        return False
    for key, want in pattern.items():
        value = ident[key]
        if not isinstance(value, Scalar) or (isinstance(value, str) and len(value) > ID_TEXT):
            return False
        if not isinstance(want, list) and value != want:
            return False
    return True


def check_entry(entry: Any, declared: dict[str, str], name: str) -> None:
    """One input or state entry against its declaration: {id, property[, value]}, or a list
    of them for a wildcard."""
    pattern, prop = parse_id(declared["id"]), declared["property"]
    entries = entry if wildcard(pattern) else [entry]
    if not isinstance(entries, list) or len(entries) > MAX_ENTRIES:
        raise Refused(f"malformed {name}")
    for item in entries:
        if not (isinstance(item, dict) and item.get("property") == prop):
            raise Refused(f"malformed {name}")
        if not matches(pattern, item.get("id")):
            raise Refused(f"{name}: an id this callback does not take")
        value = item.get("value")
        if prop in TEXT_PROPERTIES and not (value is None or isinstance(value, str)):
            raise Refused(f"{name}: a location that is not text")
        check_value(value, limit_of(item["id"], prop), name)


def check_trigger(text: Any, inputs: list[dict[str, str]]) -> None:
    """A ``changedPropIds`` entry: one of the callback's inputs, as ``id.property``."""
    if not isinstance(text, str) or len(text) > MAX_TRIGGER or "." not in text:
        raise Refused("malformed changedPropIds")
    raw, prop = text.rsplit(".", 1)
    ident = parse_id(raw)
    if not any(d["property"] == prop and matches(parse_id(d["id"]), ident) for d in inputs):
        raise Refused("changedPropIds names no input of this callback")


def check_outputs(outputs: Any, declared: Any) -> None:
    """The outputs entry: one {id, property} per declared output."""
    count = len(declared) if isinstance(declared, list) else 1
    listed = outputs if isinstance(outputs, list) and count > 1 else [outputs]
    if len(listed) != count:
        raise Refused("outputs do not match the callback")
    for item in listed:
        entries = item if isinstance(item, list) else [item]
        for entry in entries:
            if not (
                isinstance(entry, dict)
                and isinstance(entry.get("property"), str)
                and isinstance(entry.get("id"), str | dict)
            ):
                raise Refused("malformed outputs")
            check_value(entry["id"], LIMITS["id"], "outputs")


def check(body: Any, callback_map: dict[str, Any]) -> None:
    """Raise ``Refused`` unless the body has the declared shape within the declared sizes."""
    if not isinstance(body, dict):
        raise Refused("the body is not a JSON object")
    check_body(body)
    key = body.get("output")
    if not isinstance(key, str) or key not in callback_map:
        raise Refused("no such callback")
    callback = callback_map[key]
    if not callable(callback.get("callback")):
        raise Refused("that callback runs in the browser")
    for name in ("inputs", "state"):
        declared = callback[name]
        given = body.get(name, [] if not declared else None)
        if not isinstance(given, list) or len(given) != len(declared):
            raise Refused(f"{name} do not match the callback")
        for i, (entry, dep) in enumerate(zip(given, declared, strict=True)):
            check_entry(entry, dep, f"{name}[{i}]")
    check_outputs(body.get("outputs"), callback["output"])
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or len(changed) > len(callback["inputs"]):
        raise Refused("malformed changedPropIds")
    for text in changed:
        check_trigger(text, callback["inputs"])


def problem(body: Any, callback_map: dict[str, Any]) -> str:
    """What is wrong with a callback request body ('' if the page could have sent it)."""
    try:
        check(body, callback_map)
    except Refused as why:
        return str(why)
    return ""


def triggered_id() -> Any:
    """The id of the input that fired the running callback (None on a first call).

    The one way callbacks read their trigger: Dash parses it on demand and fails on an id
    that is not JSON; here that, and an id holding anything but text and numbers, is a 400.
    """
    try:
        ident = dash.ctx.triggered_id
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        raise BadTrigger() from exc
    if isinstance(ident, dict) and not all(isinstance(v, Scalar) for v in ident.values()):
        raise BadTrigger()
    if not (ident is None or isinstance(ident, str | dict)):
        raise BadTrigger()
    return ident


# ---- the hooks


def refusal(status: int, why: str) -> flask.Response:
    """A short plain-text refusal (never the request echoed back)."""
    log.warning("refused a request (%d): %s", status, why)
    return flask.Response(f"Bad request: {why}.", status=status, mimetype="text/plain")


def install(app: dash.Dash) -> None:
    """Bound every request's body and check every callback request before Dash reads it."""
    server = app.server
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES  # also bounds chunked bodies

    @server.before_request
    def check_request() -> Any:
        length = flask.request.content_length
        if length is not None and length > MAX_BODY_BYTES:
            return refusal(413, f"the body is larger than {MAX_BODY_BYTES // 1024} kB")
        if flask.request.method != "POST" or not flask.request.path.endswith(UPDATE_PATH):
            return None
        try:
            body = flask.request.get_json(silent=True)
        except RecursionError:  # json's decoder gives up on very deep nesting
            return refusal(400, "the body is nested deeper than any page sends")
        why = problem(body, app.callback_map)
        return refusal(400, why) if why else None

    @server.errorhandler(exceptions.CallbackException)
    def refuse(error: exceptions.CallbackException) -> flask.Response:
        return refusal(400, str(error)[:200])

    @server.errorhandler(413)
    def too_large(_: Exception) -> flask.Response:
        return refusal(413, f"the body is larger than {MAX_BODY_BYTES // 1024} kB")

"""The page a link opens, in the app's first layout.

Left to Dash's pages router, the browser asks for the layout (an empty page container), mounts
it, and only then asks for the page (the router's callback, fired by the location it reads):
a second round trip and a second render before any chart is drawn. Here the layout request
(which names the page it is for in its ``Referer``) is answered with the page already in the
container and the location already set to the address, so the router has nothing to do; it
still draws every later page a click navigates to. Without a ``Referer`` the container goes out
empty and the router draws the page as before.
"""

from __future__ import annotations

import copy
import logging
from typing import Any
from urllib.parse import parse_qs, urlsplit

import dash
import flask

LOG = logging.getLogger(__name__)
NOT_FOUND_MODULE = "not_found_404"  # Dash's name for the page an unknown address shows


def page_of(app: dash.Dash, pathname: str) -> dict[str, Any]:
    """The registered page an address shows (the not-found page for any other), as the router
    picks it: by path, under the app's path prefix."""
    wanted = app.strip_relative_path(pathname) or ""
    pages = list(dash.page_registry.values())
    for page in pages:
        if not page.get("path_template") and wanted == page["path"].strip("/"):
            return page
    return next(p for p in pages if p["module"].split(".")[-1] == NOT_FOUND_MODULE)


def query_of(search: str) -> dict[str, Any]:
    """A query string's parameters as the router passes them to a layout: one value as a
    string, a repeated one as a list."""
    parsed = parse_qs(search.lstrip("?"), keep_blank_values=True)
    return {k: v[0] if len(v) == 1 else v for k, v in parsed.items()}


def opened() -> tuple[str, str, str] | None:
    """The address (path, query string, URL) the browser asks the first layout for, from the
    layout request's ``Referer``; None outside such a request or without one."""
    if not flask.has_request_context() or not flask.request.path.endswith("/_dash-layout"):
        return None
    referrer = flask.request.referrer or ""
    parts = urlsplit(referrer)
    # The same host (a proxy may drop the port from the Host it passes on): a page of another
    # site would be drawn at the wrong address.
    if not parts.path or parts.hostname != urlsplit(f"//{flask.request.host}").hostname:
        return None
    return parts.path, f"?{parts.query}" if parts.query else "", referrer


def container(app: dash.Dash) -> Any:
    """Dash's page container, with the page of the address being opened drawn in it."""
    address = opened()
    if address is None:
        return dash.page_container
    pathname, search, href = address
    page = page_of(app, pathname)
    try:
        layout = page["layout"]
        content = layout(**query_of(search)) if callable(layout) else layout
        title = page["title"]() if callable(page["title"]) else page["title"]
    except Exception:  # the router draws it instead, and reports what went wrong as it does
        LOG.exception("first layout of %s%s: left to the pages router", pathname, search)
        return dash.page_container
    location, body, store, dummy = (copy.copy(c) for c in dash.page_container.children)
    location.pathname, location.search, location.href = pathname, search, href
    body.children = content
    store.data = {"title": title}
    return type(dash.page_container)([location, body, store, dummy])


def install(app: dash.Dash) -> None:
    """An address no page answers gets status 404 with the not-found page (its link home drawn
    as before), so that a link checker or a crawler sees the broken link a reader sees; Dash
    answers 200 to every address."""

    @app.server.after_request
    def not_found(response: flask.Response) -> flask.Response:
        if (
            flask.request.method == "GET"
            and response.status_code == 200
            and response.mimetype == "text/html"
            and page_of(app, flask.request.path)["module"].split(".")[-1] == NOT_FOUND_MODULE
        ):
            response.status_code = 404
        return response

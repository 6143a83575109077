"""The dashboard: a thin Dash shell around the topics' pages and the bespoke pages in pages/.

Run with `indicators serve`, `python app.py`, or under gunicorn: `gunicorn app:server`.
"""

from __future__ import annotations

import functools
import os
from typing import Any

import dash
import flask
import pyarrow
from dash import dcc, html

from indicators import catalogue
from indicators.catalogue.topic import Topic
from indicators.dashboard import callbacks, embed, firstpage, guard, headers, health, panels
from indicators.dashboard.state import STATE
from indicators.figures import theme

# The server keeps its tables for its life: Arrow's default pool (mimalloc) would also keep the
# buffers it decoded them in, about 30 MB per worker; the system allocator gives them back.
pyarrow.set_memory_pool(pyarrow.system_memory_pool())
BASE_MAP_MAX_AGE_S = 86400  # the base maps ship with the package: a browser need not ask again

app = dash.Dash(
    __name__,
    use_pages=True,
    suppress_callback_exceptions=True,
    title="Digital-divide indicators",
    meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
)
server = app.server
theme.install()


def topic_layout(topic: Topic, **query: Any) -> Any:
    """A topic's page for a link: its panels drawn for the link's view (once per published
    version and link)."""
    return STATE.page(topic.path, query, lambda given: panels.topic_page(topic, given))


# One page per topic, registered from the declarations (pages/ holds only the bespoke pages).
for topic in catalogue.topics():
    dash.register_page(
        f"topics.{topic.key}",
        path=topic.path,
        name=topic.nav,
        order=topic.order,
        title=f"{topic.nav} - Digital-divide indicators",
        layout=functools.partial(topic_layout, topic),
    )
    callbacks.register_panels(panels.panels_of(topic))


@server.route(f"{theme.TOPOJSON_ROUTE}<path:name>")
def topojson(name: str) -> flask.Response:
    """The base maps, served locally instead of from plotly's CDN."""
    return flask.send_from_directory(theme.TOPOJSON_DIR, name, max_age=BASE_MAP_MAX_AGE_S)


def navbar() -> html.Nav:
    """Links to every registered page, in their declared order."""
    pages = sorted(
        (p for p in dash.page_registry.values() if not p["module"].endswith("not_found_404")),
        key=lambda p: p["order"],
    )
    return html.Nav(
        [html.A("Digital divide", href="/", className="brand")]
        + [html.A(p["name"], href=p["relative_path"], className="nav-link") for p in pages],
        className="navbar",
    )


NAVBAR, FOOTER = navbar(), embed.footer()  # the same on every page: built once


def shell() -> html.Div:
    """The app's layout (asked for once per page opened): the navigation bar, the page being
    opened, the embed footer."""
    return html.Div(
        [
            NAVBAR,
            dcc.Store(id="url-state"),
            html.Main(firstpage.container(app), className="content"),
            FOOTER,
        ]
    )


app.layout = shell
callbacks.register_url_sync()
guard.install(app)
embed.register()
headers.install(app)
firstpage.install(app)
health.install(app)


def first_request_setup() -> None:
    """Run Dash's first-request set-up now, in one thread. Left to the first requests, two
    threads of a gunicorn worker race: the pages router adds its callback while the set-up
    iterates the callbacks, and the page's scripts answer 500 ("dictionary changed size")."""
    hooks = [
        hook
        for hook in server.before_request_funcs.get(None, [])
        if getattr(hook, "__name__", "") in ("_setup_server", "router_sync")
    ]
    with server.test_request_context("/"):
        for hook in hooks:
            hook()


first_request_setup()


if __name__ == "__main__":
    app.run(
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "8050")),
        debug=os.environ.get("DASH_DEBUG") == "1",
    )

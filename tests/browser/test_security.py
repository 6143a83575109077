"""The security headers in a real browser: no page breaks under the Content-Security-Policy
(no violation in Chromium's console), the documented embed works from another site's page,
and a page with its controls cannot be framed by another site."""

from __future__ import annotations

import http.server
import threading
import time

import pytest

from tests.browser import test_pages
from tests.browser.conftest import free_port
from tests.browser.test_pages import open_page, severe_logs

pytestmark = pytest.mark.browser

PAGES = [*test_pages.PAGES, "/changes"]


def csp_violations(dash_duo) -> list[str]:
    messages = [e["message"] for e in severe_logs(dash_duo)]
    return [m for m in messages if "Content Security Policy" in m]


@pytest.mark.parametrize("path", PAGES)
def test_no_page_breaks_under_the_policy(dash_duo, dash_app, path):
    dash_duo.start_server(dash_app)
    open_page(dash_duo, path)
    policy = dash_duo.driver.execute_script(
        "return fetch(location.href).then(r => r.headers.get('content-security-policy'))"
    )
    assert "script-src 'self' 'sha256-" in policy
    assert dash_duo.find_element("h1").text
    assert csp_violations(dash_duo) == []
    assert severe_logs(dash_duo) == []


class HostPage:
    """Another site (another origin: 127.0.0.1 and a port of its own) with one iframe."""

    def __init__(self, src: str) -> None:
        page = f'<html><body><iframe id="view" src="{src}" width="1000" height="700"></iframe>'
        body = (page + "</body></html>").encode()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


def framed_text(dash_duo, src: str) -> str:
    """The text shown in an iframe of ``src`` on another site's page, after it settles."""
    host = HostPage(src)
    try:
        dash_duo.driver.get(host.url)
        time.sleep(6)
        dash_duo.driver.switch_to.frame("view")
        try:
            return dash_duo.driver.execute_script("return document.body.innerText") or ""
        finally:
            dash_duo.driver.switch_to.default_content()
    finally:
        host.close()


def test_the_documented_embed_works_from_another_site(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    src = dash_duo.server_url + "/internet?embed=1"
    text = framed_text(dash_duo, src)
    assert "income group" in text  # the first chart's title, drawn inside the frame
    assert csp_violations(dash_duo) == []


def test_a_page_with_its_controls_cannot_be_framed_by_another_site(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    src = dash_duo.server_url + "/internet"
    text = framed_text(dash_duo, src)
    assert "Individuals using the Internet" not in text
    assert any("frame-ancestors" in m for m in csp_violations(dash_duo))

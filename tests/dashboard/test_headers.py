"""Security headers on the app's own responses: every inline script the page runs is allowed by
its hash and nothing else inline is; embed views may be framed elsewhere, other pages not."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest

from indicators.dashboard import headers


def directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


def executed_inline_scripts(page: str) -> list[str]:
    """Inline scripts a browser runs: not JSON data, not inside an IE-only comment."""
    page = re.sub(r"<!--.*?-->", "", page, flags=re.S)
    found = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", page, flags=re.S)
    return [body for attrs, body in found if "application/json" not in attrs]


@pytest.mark.parametrize("path", ["/", "/internet", "/changes", "/data"])
def test_every_inline_script_is_allowed_by_its_hash_and_nothing_else(http, path):
    response = http.get(path)
    assert response.status_code == 200
    scripts = directives(response)["script-src"].split()
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    inline = executed_inline_scripts(response.get_data(as_text=True))
    assert len(inline) >= 2  # Dash's renderer and the clientside callbacks
    for body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in scripts, body[:200]


def test_pages_are_framed_by_this_site_only_and_embed_views_by_any(http, monkeypatch):
    assert directives(http.get("/internet"))["frame-ancestors"] == "'self'"
    assert directives(http.get("/internet?embed=1"))["frame-ancestors"] == "*"
    monkeypatch.setenv(headers.EMBED_ANCESTORS_ENV, "https://un.example.org")
    embed = directives(http.get("/changes?changes.year=2019&embed=1"))
    assert embed["frame-ancestors"] == "https://un.example.org"


@pytest.mark.parametrize("path", ["/", "/_dash-layout", "/topojson/world_110m.json", "/nope"])
def test_every_response_says_nosniff_and_its_referrer_policy(http, path):
    response = http.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "object-src 'none'" in response.headers["Content-Security-Policy"]

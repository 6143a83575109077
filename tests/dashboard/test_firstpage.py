"""The first layout a browser asks for holds the page of the address it opened (named by the
request's Referer), with the location already set, so the pages router has no round trip to
make; without a usable Referer the container goes out empty, for the router to fill."""

from __future__ import annotations

import json
from typing import Any

import pytest

LAYOUT = "/_dash-layout"


def find(node: Any, ident: str) -> dict[str, Any] | None:
    """The component with this id in a layout's JSON."""
    if isinstance(node, dict):
        if node.get("props", {}).get("id") == ident:
            return node
        for value in node.get("props", node).values():
            found = find(value, ident)
            if found:
                return found
    elif isinstance(node, list):
        for value in node:
            found = find(value, ident)
            if found:
                return found
    return None


def layout_for(http, referrer: str | None, host: str = "localhost") -> dict[str, Any]:
    headers = {"Referer": referrer} if referrer else {}
    answer = http.get(LAYOUT, headers=headers, base_url=f"http://{host}")
    assert answer.status_code == 200
    return json.loads(answer.data)


def test_the_opened_page_arrives_in_the_first_layout(http):
    url = "http://localhost:8080/internet?internet-map.year=2021"
    layout = layout_for(http, url)
    location = find(layout, "_pages_location")["props"]
    assert (location["pathname"], location["search"], location["href"]) == (
        "/internet",
        "?internet-map.year=2021",
        url,
    )
    assert "hash" not in location  # read from the browser: the Referer never carries it
    assert find(layout, "internet-map-graph"), "the page's panels are in the layout"
    title = find(find(layout, "internet-map-title"), "internet-map-title")
    assert "2021" in json.dumps(title)  # drawn for the link's values
    store_data = find(layout, "_pages_store")["props"]["data"]
    assert store_data == {"title": "Internet use - Digital-divide indicators"}


def test_an_unknown_address_arrives_as_the_not_found_page(http):
    layout = layout_for(http, "http://localhost/no-such-page")
    assert find(layout, "_pages_location")["props"]["pathname"] == "/no-such-page"
    assert "not-found" in json.dumps(find(layout, "_pages_content"))


@pytest.mark.parametrize(
    "referrer", [None, "http://elsewhere.example/internet", "http://localhost"]
)
def test_without_the_pages_address_the_router_draws_it(http, referrer):
    layout = layout_for(http, referrer)
    location = find(layout, "_pages_location")["props"]
    assert "pathname" not in location  # set by the browser, which fires the router
    assert not find(layout, "_pages_content")["props"].get("children")


@pytest.mark.parametrize(
    ("path", "status"),
    [("/no-such-page", 404), ("/internet/extra", 404), ("/", 200), ("/internet?x=1", 200)],
)
def test_an_unknown_address_answers_404_and_still_draws_the_page_home(http, path, status):
    """A link checker or a crawler sees a broken link as a reader does; the page (its link home
    drawn by the not-found layout) is the same HTML as any other address's."""
    answer = http.get(path)
    assert answer.status_code == status
    assert answer.mimetype == "text/html" and b"_dash-renderer" in answer.data

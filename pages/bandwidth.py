"""International bandwidth: by ITU region, growth per group, and per Internet user."""

from __future__ import annotations

from typing import Any

import dash
from dash import html

from indicators import overview, ui

dash.register_page(
    __name__,
    path="/bandwidth",
    name="Bandwidth",
    order=4,
    title="Bandwidth - Digital-divide indicators",
)

PANELS = [
    ("bandwidth-regions", "bandwidth_regions"),
    ("bandwidth-growth", "bandwidth_growth"),
    ("bandwidth-per-user", "bandwidth_per_user"),
]
INTRO = (
    "International bandwidth usage: how it is shared among the six ITU regions, how fast it "
    "grew per group between two years against the world's growth, and how much of it there is "
    "per Internet user. ITU restates its series: the Oct 2019 and Nov 2024 editions differ."
)


def layout(**query: Any) -> Any:
    page = ui.page("International bandwidth", INTRO, PANELS, query)
    hint = overview.missing_tables(ui.tables(), ["bandwidth", "entities"])
    if hint:
        page.children.insert(2, html.Div(hint, className="empty-state", role="status"))
    return page


ui.register_panels(PANELS)

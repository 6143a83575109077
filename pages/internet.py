"""Internet use by development status, region and income; gaps; map; country comparison."""

from __future__ import annotations

from typing import Any

import dash

from indicators import ui

dash.register_page(
    __name__,
    path="/internet",
    name="Internet use",
    order=1,
    title="Internet use - Digital-divide indicators",
)

PANELS = [
    ("internet-groups", "internet_by_group"),
    ("internet-gap", "internet_gap"),
    ("internet-map", "internet_map"),
    ("internet-compare", "internet_compare"),
]
INTRO = (
    "Share of the population using the Internet, by group, with the Broadband Commission "
    "targets for 2025 (75% world, 65% developing and low- and middle-income, 35% LDCs); the gap "
    "between any two entities; economies on a map and side by side."
)


def layout(**query: Any) -> Any:
    return ui.page("Internet use", INTRO, PANELS, query)


ui.register_panels(PANELS)

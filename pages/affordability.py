"""Broadband affordability: ITU price medians, the spread across economies, a price map."""

from __future__ import annotations

from typing import Any

import dash

from indicators import ui

dash.register_page(
    __name__,
    path="/affordability",
    name="Affordability",
    order=3,
    title="Affordability - Digital-divide indicators",
)

PANELS = [
    ("prices-medians", "price_medians"),
    ("prices-distribution", "price_distribution"),
    ("prices-map", "price_map"),
]
INTRO = (
    "What entry-level fixed and mobile broadband cost, from the ITU ICT Price Baskets: as a "
    "share of monthly GNI per capita (against the Broadband Commission target of less than 2%), "
    "in US dollars or in PPP dollars. Group medians over time, every economy in a year, and a "
    "map. The baskets' data allowances changed over the years (series breaks are marked)."
)


def layout(**query: Any) -> Any:
    return ui.page("Affordability", INTRO, PANELS, query)


ui.register_panels(PANELS)

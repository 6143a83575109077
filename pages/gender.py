"""The gender gap in Internet use: parity by group over time, women and men by economy."""

from __future__ import annotations

from typing import Any

import dash

from indicators import ui

dash.register_page(
    __name__,
    path="/gender",
    name="Gender gap",
    order=2,
    title="Gender gap - Digital-divide indicators",
)

PANELS = [
    ("gender-parity", "gender_parity"),
    ("gender-countries", "gender_countries"),
]
INTRO = (
    "How much less likely women are to use the Internet than men: ITU's gender parity score "
    "(female / male rate, with 0.98-1.02 counted as parity), the gap in percentage points or "
    "ITU's relative gap, for the world and groups of economies; and women's and men's use side "
    "by side for each economy at its latest survey year."
)


def layout(**query: Any) -> Any:
    return ui.page("Gender gap", INTRO, PANELS, query)


ui.register_panels(PANELS)

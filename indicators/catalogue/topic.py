"""The indicators, one module each: everything an indicator means is declared in its module.

A topic module registers its charts (each a query of the published tables and a figure that is
a pure function of the resulting frame, with its value column, unit and column labels), and
ends with a :class:`Topic`: the page that shows it (path, title, intro, panels), its Overview
card, the claim metrics it charts and the links into its views. Pages, the Overview, the Report
check and the catalogue test read these declarations instead of keeping lists of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

# A claim row (metric, source, vintage, year) and its spec (entities, years) -> a link, or ''.
ClaimLink = Callable[[Mapping[str, Any], Mapping[str, Any], str], str]


@dataclass(frozen=True)
class Topic:
    """One indicator: its page, panels, Overview card, claim metrics and links."""

    key: str
    title: str
    nav: str  # the page's name in the navigation bar
    path: str
    order: int
    intro: str
    panels: tuple[tuple[str, str], ...]  # (panel prefix, chart id), top to bottom
    card: Callable[[Any], Any]  # tables -> overview.Card
    claim_links: dict[str, ClaimLink] = field(default_factory=dict)
    tables: tuple[str, ...] = ()  # tables the page needs (it says which command builds them)

    def prefix_of(self, chart_id: str) -> str:
        """The panel that shows a chart on this topic's page."""
        return next(prefix for prefix, chart in self.panels if chart == chart_id)

    def link(self, chart_id: str, params: Mapping[str, Any] | None = None) -> str:
        """A link to this topic's page whose query string sets one chart's controls."""
        return page_href(self.path, self.prefix_of(chart_id), params)


def page_href(path: str, prefix: str = "", params: Mapping[str, Any] | None = None) -> str:
    """A page link whose query string sets the controls of one panel (``prefix.param=value``)."""
    if not prefix or not params:
        return path
    query = {
        f"{prefix}.{k}": ",".join(map(str, v)) if isinstance(v, list | tuple) else v
        for k, v in params.items()
        if v not in (None, "", [])
    }
    return f"{path}?{urlencode(query, safe='@,')}" if query else path


def all_topics() -> list[Topic]:
    """Every topic, in page order (importing them registers their charts)."""
    from indicators.topics import affordability, bandwidth, gender, internet

    return sorted(
        (m.TOPIC for m in (internet, gender, affordability, bandwidth)), key=lambda t: t.order
    )


def for_chart(chart_id: str) -> Topic:
    """The topic whose page shows a chart."""
    return next(t for t in all_topics() if any(c == chart_id for _, c in t.panels))

"""What a topic declares: its page, its charts, its Overview card and the claim metrics it
checks, each with the unit a value reads in and the link to the chart that shows it.

A topic module (one per indicator, in :mod:`indicators.topics`) ends with a :class:`Topic`;
:mod:`indicators.catalogue` discovers every topic and derives the lookups the rest of the
project reads (the chart registry, findings, claim metrics and units, pages, cards).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from indicators.catalogue.cards import Card
from indicators.catalogue.charts import ChartSpec
from indicators.contract.store import Tables
from indicators.metrics.claims import Compute

# A claim row (metric, source, vintage, year) and its spec (entities, years) -> a link, or ''.
ClaimLink = Callable[[Mapping[str, Any], Mapping[str, Any], str], str]


@dataclass(frozen=True)
class ClaimMetric:
    """A figure reports cite that this topic can recompute: how, from which table, the unit a
    value reads in ('×', '%', ' billion') and the chart that shows it."""

    name: str  # as report files name it (``metric: ratio``)
    table: str
    compute: Compute
    unit: str
    link: ClaimLink


@dataclass(frozen=True)
class Topic:
    """One indicator: its page, panels, Overview card and claim metrics."""

    key: str
    title: str
    nav: str  # the page's name in the navigation bar
    path: str
    order: int  # place in the navigation bar: topics take 1-89, after the Overview (0)
    intro: str
    panels: tuple[tuple[str, ChartSpec], ...]  # (panel prefix, chart), top to bottom
    card: Callable[[Tables], Card]
    claims: tuple[ClaimMetric, ...] = ()
    tables: tuple[str, ...] = ()  # tables the page needs (it says which command builds them)

    def prefix_of(self, chart_id: str) -> str:
        """The panel that shows a chart on this topic's page."""
        return next(prefix for prefix, spec in self.panels if spec.id == chart_id)

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

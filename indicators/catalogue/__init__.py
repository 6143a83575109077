"""The catalogue: every topic module discovered, and every lookup derived from the topics.

Each module of :mod:`indicators.topics` ends with a ``TOPIC`` declaration (its page, charts,
Overview card and claim metrics). :func:`load` imports them all (no hand-kept list) and derives
what the rest of the project reads: the charts by id with their explorer parameters, the topic
that shows each chart, the claim metrics with their units and links. Dashboard pages, the
Overview, the Report check, ``indicators export`` and the build's claims check all ask here.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from indicators import topics as topic_package
from indicators.catalogue import explore
from indicators.catalogue.cards import Card
from indicators.catalogue.charts import ChartSpec, resolve
from indicators.catalogue.errors import NoData, ParamError
from indicators.catalogue.topic import ClaimMetric, Topic
from indicators.contract.store import Tables
from indicators.figures import Chart, theme


class CatalogueError(Exception):
    """A topic declaration is incomplete or clashes with another one."""


@dataclass(frozen=True)
class Catalogue:
    """Every topic, and the lookups derived from them."""

    topics: tuple[Topic, ...]  # in page order
    charts: Mapping[str, ChartSpec]  # by id, in page order, explorer parameters added
    homes: Mapping[str, Topic]  # chart id -> the topic whose page shows it
    claim_metrics: Mapping[str, ClaimMetric]  # by the name report files use
    panels: Mapping[str, ChartSpec]  # panel prefix -> the chart it shows


def _discover() -> list[Topic]:
    """The ``TOPIC`` of every module in :mod:`indicators.topics`."""
    found = []
    for info in pkgutil.iter_modules(topic_package.__path__):
        module = importlib.import_module(f"{topic_package.__name__}.{info.name}")
        declared = getattr(module, "TOPIC", None)
        if not isinstance(declared, Topic):
            raise CatalogueError(f"indicators.topics.{info.name} declares no TOPIC")
        found.append(declared)
    return sorted(found, key=lambda t: t.order)


def _unique(kind: str, pairs: list[tuple[str, str]]) -> None:
    """Refuse a name two topics (or two panels) declare."""
    seen: dict[str, str] = {}
    for name, owner in pairs:
        if name in seen:
            raise CatalogueError(f"{kind} {name!r} is declared by {seen[name]} and {owner}")
        seen[name] = owner


def build(found: list[Topic]) -> Catalogue:
    """The catalogue of these topics: every chart with its explorer parameters, and lookups."""
    _unique("topic key", [(t.key, t.key) for t in found])
    _unique("page path", [(t.path, t.key) for t in found])
    _unique("chart id", [(s.id, t.key) for t in found for _, s in t.panels])
    _unique("panel prefix", [(p, t.key) for t in found for p, _ in t.panels])
    _unique("claim metric", [(m.name, t.key) for t in found for m in t.claims])
    charts: dict[str, ChartSpec] = {}
    homes: dict[str, Topic] = {}
    for topic in found:
        for _, spec in topic.panels:
            added, ranges = explore.params(spec)
            charts[spec.id] = replace(spec, params=spec.params + added, ranges=spec.ranges + ranges)
            homes[spec.id] = topic
    metrics = {m.name: m for t in found for m in t.claims}
    panels = {prefix: charts[spec.id] for t in found for prefix, spec in t.panels}
    return Catalogue(tuple(found), charts, homes, metrics, panels)


@functools.cache
def load() -> Catalogue:
    """The project's catalogue, derived once from the topic modules."""
    return build(_discover())


def topics() -> tuple[Topic, ...]:
    """Every topic, in page order."""
    return load().topics


def chart(chart_id: str) -> ChartSpec:
    """A chart by id, or ParamError naming the ids there are."""
    charts = load().charts
    if chart_id not in charts:
        raise ParamError(f"unknown chart id {chart_id!r}; available: {sorted(charts)}")
    return charts[chart_id]


def panel_chart(prefix: str) -> ChartSpec | None:
    """The chart a topic page's panel shows (None for a prefix no topic declares)."""
    return load().panels.get(prefix)


def topic_of(chart_id: str) -> Topic:
    """The topic whose page shows a chart."""
    return load().homes[chart(chart_id).id]


def claim_metrics() -> Mapping[str, ClaimMetric]:
    """The claim metrics every topic declares, by the name report files use."""
    return load().claim_metrics


def overview_cards(tables: Tables) -> list[Card]:
    """The Overview cards, one per topic, from whatever tables are built."""
    return [topic.card(tables) for topic in topics()]


def render(
    chart_id: str, tables: Tables, params: dict[str, Any] | None = None, strict: bool = False
) -> Chart:
    """Build a chart from the tables. Lenient (page URLs) unless ``strict`` (report specs).

    The finding is stated from the chosen edition's plotted frame, before another edition is
    drawn behind it.
    """
    theme.install()
    spec = chart(chart_id)
    resolved = resolve(spec, tables, params or {}, strict)
    built = spec.build(tables, resolved)
    built.finding = spec.finding.of(built.data, resolved)
    built.headline = spec.finding.headline_of(built.data, resolved)
    built.kind = spec.finding.kind_of(resolved)
    finished = explore.finish(spec, tables, resolved, built)
    finished.meta.setdefault("chart", chart_id)
    finished.meta.setdefault("params", resolved)
    finished.meta.setdefault("edition", str(resolved.get("edition", "")))
    if spec.value:
        finished.meta.setdefault("value_column", spec.value_column(resolved))
        finished.meta.setdefault("unit", spec.unit)
    return finished


__all__ = [
    "Catalogue",
    "CatalogueError",
    "NoData",
    "ParamError",
    "build",
    "chart",
    "claim_metrics",
    "load",
    "overview_cards",
    "panel_chart",
    "render",
    "topic_of",
    "topics",
]

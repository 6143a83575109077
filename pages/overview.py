"""Overview: one card per gap with its latest value, edition, trend and a link to its page."""

from __future__ import annotations

from typing import Any

import dash
from dash import dcc, html

from indicators import catalogue, figures
from indicators.catalogue.cards import Card, Metric
from indicators.dashboard.state import STATE

dash.register_page(
    __name__,
    path="/",
    name="Overview",
    order=0,
    title="Digital-divide indicators",
)

NUMBERS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def intro() -> str:
    """What the Overview shows, read from the topics: one card per divide, named in page order."""
    found = catalogue.topics()
    count = NUMBERS[len(found)] if len(found) < len(NUMBERS) else str(len(found))
    # Semicolons: the titles hold "and" themselves ("Urban and rural").
    names = "; ".join(t.title for t in found)
    return (
        f"One card for each of the {count} divides that the UN Secretary-General's WSIS "
        f"progress reports and ITU's Facts and Figures cite: {names}. Every figure is rebuilt "
        "from the publishers' own files and names its year and edition; follow a card to its "
        "charts."
    )


SPARK_CONFIG: Any = {"displayModeBar": False, "staticPlot": True}
TITLE_STYLE = {"marginTop": 0, "fontSize": "1.2rem"}
LABEL_STYLE = {"margin": "1rem 0 0.2rem", "fontSize": "1rem"}


def metric_block(metric: Metric) -> html.Div:
    """One figure: label (linking to its chart), value, detail, year and edition, sparkline."""
    label = dcc.Link(metric.label, href=metric.href) if metric.href else metric.label
    trend = figures.sparkline(metric.trend, "year", "value", metric.printed())
    if metric.trend_mode != "lines":
        trend.update_traces(mode=metric.trend_mode, marker={"size": 5})
    first, last = int(metric.trend["year"].min()), int(metric.trend["year"].max())
    return html.Div(
        [
            html.H3(label, className="metric-label", style=LABEL_STYLE),
            html.Div(metric.text, className="value"),
            html.P(metric.detail, className="detail"),
            html.P(f"{metric.year} · {metric.edition}", className="detail"),
            dcc.Graph(
                # As a plain dict: the cached card is sent on every visit without re-validating.
                figure=trend.to_plotly_json(),
                config=SPARK_CONFIG,
                style={"height": "60px", "width": "100%"},
                responsive=True,
            ),
            html.P(f"{metric.trend_label or 'Trend'}, {first}-{last}", className="detail"),
        ],
        className="metric",
    )


def card(item: Card) -> html.Section:
    """A card: title, its figures (or the build hint), notes and a link to the page."""
    body: list[Any] = (
        [html.P(item.empty, className="empty-state", role="status")]
        if item.empty
        else [metric_block(m) for m in item.metrics]
    )
    return html.Section(
        [
            html.H2(item.title, style=TITLE_STYLE),
            *body,
            *[html.P(n, className="detail") for n in item.notes],
            dcc.Link(f"{item.link_text} →", href=item.href, className="card-link"),
        ],
        className="card",
        id=f"overview-{item.key}",
        # A grid item grows to its widest child unless allowed to shrink (the sparkline).
        style={"minWidth": 0},
    )


def cards(tables: Any) -> list[html.Section]:
    """Every card as layout, built once per published version."""
    return [card(c) for c in STATE.per_version("overview", catalogue.overview_cards)]


def layout(**query: Any) -> Any:
    return html.Div(
        [
            html.H1("Digital-divide indicators"),
            html.P(intro(), className="intro"),
            html.Div(STATE.per_version("overview-cards", cards), className="cards"),
        ],
        className="page",
    )

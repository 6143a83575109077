"""Every link on the Overview and the Report check lands on the view that shows its figure."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from indicators import catalogue
from indicators.catalogue import charts
from indicators.dashboard import claims_view
from indicators.dashboard.panels import panels_of


@pytest.fixture(scope="module")
def pages():
    """page path -> {panel prefix: chart id}, from the topics the app registers as pages."""
    import dash

    import app  # noqa: F401  (registers the pages)

    registered = {page["path"] for page in dash.page_registry.values()}
    return {t.path: dict(panels_of(t)) for t in catalogue.topics() if t.path in registered}


def landing(tables, pages, href: str):
    """The chart a link opens, its resolved parameters and what the page would reset."""
    parts = urlsplit(href)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert parts.path in pages, href
    prefixes = {k.split(".", 1)[0] for k in query}
    assert len(prefixes) == 1, f"{href} sets no panel (or several)"
    prefix = prefixes.pop()
    chart_id = pages[parts.path][prefix]
    given = {k.split(".", 1)[1]: v for k, v in query.items()}
    notices: list[str] = []
    spec = {s.id: s for s in list(catalogue.load().charts.values())}[chart_id]
    values = charts.resolve(spec, tables, given, False, notices)
    return chart_id, given, values, notices


def overview_links(tables) -> list[tuple[str, str, str]]:
    return [
        (card.key, metric.label, metric.href)
        for card in catalogue.overview_cards(tables)
        for metric in card.metrics
    ]


def test_every_overview_figure_links_to_a_view(tables):
    links = overview_links(tables)
    assert len(links) >= 8
    for key, label, href in links:
        assert "?" in href, f"{key}/{label} links to a bare page"


@pytest.mark.parametrize(
    ("label", "chart_id", "entity"),
    [
        ("Developed vs LDCs", "internet_gap", "LDC"),
        ("LDCs", "gender_parity", "LDC"),
        ("LDCs (median)", "price_medians", "LDC"),
        ("Economies meeting the 2% target", "price_distribution", None),
        ("Top three ITU regions", "bandwidth_regions", "ITU_ASP"),
    ],
)
def test_overview_links_land_on_the_view_that_shows_the_figure(
    tables, pages, label, chart_id, entity
):
    href = next(h for _, lab, h in overview_links(tables) if lab == label)
    landed, given, values, notices = landing(tables, pages, href)
    assert landed == chart_id
    assert notices == [], notices
    assert all(str(values[k]) == v for k, v in given.items())
    chart = catalogue.render(chart_id, tables, values, strict=True)
    if entity:
        drawn = {
            e
            for c in ("entity_id", "entity_a", "entity_b")
            if c in chart.data
            for e in chart.data[c]
        }
        assert entity in drawn, (label, href)
    if chart_id == "bandwidth_regions":
        assert values["mode"] == "share"


# The chart that shows each claim metric.
METRIC_CHARTS = {
    "ratio": "internet_gap",
    "relative_gender_gap": "gender_parity",
    "parity_score": "gender_parity",
    "cagr": "bandwidth_growth",
    "count_meeting": "price_distribution",
    "level": "internet_by_group",
    "users_billions": "internet_by_group",
    "offline_billions": "internet_by_group",
    "use_by_location": "urban_rural_by_group",
    "urban_rural_ratio": "urban_rural_gap",
    "offline_billions_by_location": "urban_rural_by_group",
    "use_by_age": "age_by_group",
    "generational_ratio": "age_gap",
    "generational_gap": "age_gap",
    "coverage": "coverage_networks",
    "best_network_share": "coverage_networks",
    "coverage_gap": "coverage_usage",
    "not_online_share": "coverage_usage",
}


# Charts of groups over a grouping: the claim's group is among those drawn.
GROUP_CHARTS = (
    "gender_parity",
    "internet_by_group",
    "urban_rural_by_group",
    "urban_rural_gap",
    "age_by_group",
    "age_gap",
    "coverage_networks",
    "coverage_usage",
)


def test_every_report_check_link_opens_the_claims_view(tables, pages):
    claims = tables.get("claims")
    specs = claims_view.claim_specs()  # read the report files once, not once per claim
    view = claims_view.claims_view(claims, specs)
    assert len(view) == len(claims)
    for row, claim in zip(view.to_dict("records"), claims.to_dict("records"), strict=True):
        href = row["href"]
        assert "?" in href, f"claim {row['claim_id']} links to a bare page"
        chart_id, _given, values, notices = landing(tables, pages, href)
        assert chart_id == METRIC_CHARTS[claim["metric"]], (row["claim_id"], href)
        if row["status"] == "not computable":
            continue  # the edition lacks the figure; the page says what it reset
        assert notices == [], (row["claim_id"], notices)
        chart = catalogue.render(chart_id, tables, values, strict=True)
        entity = specs[row["claim_id"]].get("entity_a")
        if chart_id in GROUP_CHARTS:
            assert entity in set(chart.data["entity_id"]), (row["claim_id"], href)
        if chart_id == "price_distribution":
            assert values["group"] == entity

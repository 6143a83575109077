"""Covered but not connected (the mobile page): the coverage, network, gap and ownership charts
on five hand-written rows, the same charts and the card on the real tables against the
workbook's cells, and the Facts and Figures 2024 claims."""

from __future__ import annotations

import openpyxl
import pytest

from indicators import catalogue
from indicators.topics import mobile
from tests.helpers import SOURCE, drawn, rows

NOV_2024 = "itu/ITU_regional_global_Key_ICT_indicator_aggregates_Nov_2024.xlsx"
TITLES = {
    "mobile_cellular": "Population covered by a mobile-cellular network",
    "3g": "Population covered by at least a 3G mobile network",
    "lte": "Population covered by at least an LTE/WiMAX mobile network",
    "5g": "Population covered by at least a 5G mobile network",
}


@pytest.fixture(scope="module")
def book(mirror):
    wb = openpyxl.load_workbook(mirror / NOV_2024, read_only=True, data_only=True)
    return {n: [list(r) for r in wb[n].iter_rows(values_only=True)] for n in wb.sheetnames}


def rate(cells, title: str, label: str, year: int = 2024, run: int = 1) -> float:
    """The ``run``-th cell of ``year`` (0: millions, 1: percentage on the main sheets; 0-2:
    total, urban, rural on the area sheet) in the row labelled ``label`` under ``title``."""
    top = next(i for i, r in enumerate(cells) if str(r[0] or "").startswith(title))
    header = next(
        cells[i] for i in (top, top + 1, top - 1, top + 2) if list(cells[i]).count(year) >= 2
    )
    column = [i for i, v in enumerate(header) if v == year][run]
    return float(next(r for r in cells[top:] if str(r[0] or "").strip() == label)[column])


USAGE_ROWS = [  # group, coverage (3G), use: 2024, Nov 2024 workbook
    ("WLD", "World", 95.6, 67.6),
    ("HIC", "High income", 99.5, 93.4),
    ("UMC", "Upper middle income", 98.1, 80.7),
    ("LMC", "Lower middle income", 95.3, 54.0),
    ("LIC", "Low income", 80.3, 26.5),
]


def usage_rows():
    return rows(
        [
            {
                "entity_id": e,
                "name": n,
                "year": 2024,
                "technology": "3g",
                "location": "total",
                "coverage_pct": c,
                "use_pct": u,
                "usage_gap_pp": round(c - u, 1),
                "coverage_gap_pp": round(100 - c, 1),
                "estimate": True,
            }
            for e, n, c, u in USAGE_ROWS
        ]
    )


def segments(chart) -> dict[str, dict[str, float]]:
    """Legend name -> {group: share} of a stacked bar chart."""
    return {t.name: dict(zip(t.y, t.x, strict=True)) for t in chart.figure.data}


def test_usage_bars_on_five_rows():
    p = {"grouping": "income", "technology": "3g", "location": "total", "year": 2024}
    chart = mobile.usage(usage_rows(), p)
    bars = segments(chart)
    assert list(bars) == ["Online", "Within reach, offline", "Out of reach"]
    assert bars["Online"]["Low income"] == 26.5
    assert bars["Within reach, offline"]["Low income"] == 53.8
    assert bars["Out of reach"]["Low income"] == 19.7
    labels = {t.name: dict(zip(t.y, t.text, strict=True)) for t in chart.figure.data}
    assert labels["Online"]["Low income"] == "27"  # 26.5, rounded half up as ITU prints it
    for group in ("World", "Low income"):  # each bar is the whole population
        assert sum(b[group] for b in bars.values()) == pytest.approx(100)
    assert chart.figure.layout.barmode == "stack"
    assert list(chart.figure.layout.yaxis.categoryarray)[-1] == "World"  # first row on top
    assert chart.caption.title == "Covered but not connected, by income group"
    assert chart.caption.subtitle == (
        "% of population, within reach of mobile broadband (3G or better), 2024"
    )
    assert chart.caption.source == SOURCE
    assert mobile.usage_finding(usage_rows(), p) == (
        "In 2024, 28% of the world's population lived within reach of mobile broadband (3G or "
        "better) but did not use the Internet and 4.4% lived out of its reach; the usage gap was "
        "widest in low-income economies (54%)."
    )


def network_rows():
    wide = rows(
        [
            {
                "entity_id": e,
                "name": n,
                "year": 2024,
                "5g_coverage_pct": f,
                "lte_coverage_pct": lte,
                "3g_coverage_pct": g3,
                "mobile_cellular_coverage_pct": m,
                "best_5g_pct": f,
                "best_lte_pct": round(lte - f, 1),
                "best_3g_pct": round(g3 - lte, 1),
                "best_mobile_cellular_pct": round(m - g3, 1),
                "best_none_pct": round(100 - m, 1),
                "estimate": True,
            }
            for e, n, f, lte, g3, m in (
                ("WLD", "World", 51.2, 91.8, 95.6, 97.9),
                ("HIC", "High income", 83.8, 98.8, 99.5, 99.6),
                ("UMC", "Upper middle income", 65.2, 97.5, 98.1, 99.6),
                ("LMC", "Lower middle income", 35.4, 93.0, 95.3, 98.9),
                ("LIC", "Low income", 3.5, 52.0, 80.3, 91.1),
            )
        ]
    )
    return wide


def test_network_bars_on_five_rows():
    p = {"grouping": "income", "location": "total", "year": 2024}
    chart = mobile.networks(network_rows(), p)
    bars = segments(chart)
    assert list(bars) == ["5G", "LTE, no 5G", "3G only", "2G only", "No signal"]
    assert bars["3G only"]["Low income"] == 28.3
    assert bars["No signal"]["Low income"] == 8.9
    assert sum(b["World"] for b in bars.values()) == pytest.approx(100)
    assert chart.caption.title == "Best mobile network within reach, by income group"
    assert mobile.networks_finding(network_rows(), p) == (
        "In 2024, 5G reached 51% of the world's population; 20% of people in low-income "
        "economies were out of reach of mobile broadband (no signal 8.9%, 2G only 11%)."
    )


def test_network_bars_without_5g_read_lte_or_better():
    data = network_rows().drop(columns=["best_5g_pct", "5g_coverage_pct"])
    chart = mobile.networks(data, {"grouping": "income", "location": "total", "year": 2019})
    assert next(t.name for t in chart.figure.data) == "LTE/WiMAX or better"


def test_gaps_lines_on_five_rows():
    data = rows(
        [
            {
                "entity_id": e,
                "name": n,
                "year": y,
                "technology": "3g",
                "location": "total",
                "coverage_pct": c,
                "use_pct": u,
                "coverage_gap_pp": round(100 - c, 1),
                "usage_gap_pp": round(c - u, 1),
                "estimate": True,
            }
            for e, n, y, c, u in (
                ("WLD", "World", 2015, 78.0, 40.2),
                ("WLD", "World", 2024, 95.6, 67.6),
                ("HIC", "High income", 2024, 99.5, 93.4),
                ("LIC", "Low income", 2015, 41.8, 9.6),
                ("LIC", "Low income", 2024, 80.3, 26.5),
            )
        ]
    )
    p = {"grouping": "income", "measure": "usage_gap", "technology": "3g", "location": "total"}
    chart = mobile.gaps_chart(data, p)
    assert drawn(chart)["World"] == {2015: 37.8, 2024: 28.0}
    assert chart.caption.title == (
        "Usage gap: within reach of mobile broadband (3G or better) but not online, by income group"
    )
    assert not chart.figure.layout.shapes  # no line at zero when no gap is below it
    assert mobile.gaps_finding(data, p) == (
        "In 2024, the usage gap for mobile broadband (3G or better) was 28% of the population "
        "worldwide, from 38% in 2015; it was highest in low-income economies (54%)."
    )
    coverage = mobile.gaps_chart(data, {**p, "measure": "coverage_gap"})
    assert drawn(coverage)["Low income"] == {2015: 58.2, 2024: 19.7}


def test_ownership_lines_on_five_rows():
    data = rows(
        [
            {
                "entity_id": e,
                "name": n,
                "year": y,
                "sex": "female",
                "value_pct": v,
                "owners_millions": None,
                "estimate": True,
            }
            for e, n, y, v in (
                ("WLD", "World", 2023, 75.5),
                ("WLD", "World", 2024, 76.8),
                ("HIC", "High income", 2024, 96.1),
                ("LIC", "Low income", 2023, 45.1),
                ("LIC", "Low income", 2024, 47.4),
            )
        ]
    )
    p = {"grouping": "income", "sex": "female"}
    chart = mobile.ownership(data, p)
    assert drawn(chart)["Low income"] == {2023: 45.1, 2024: 47.4}
    assert chart.caption.title == "Individuals owning a mobile phone (women) by income group"
    assert chart.caption.subtitle == "% of population aged 10+, 2023-2024"
    assert chart.caption.notes[0].endswith("of that age and sex.")
    assert mobile.ownership_finding(data, p) == (
        "In 2024, 96% of women aged 10 or older owned a mobile phone in high-income economies, "
        "against 47% in low-income economies and 77% worldwide."
    )


def test_usage_on_the_real_tables_equals_the_cells(tables, book):
    main = book["By dvpmnt status and spec. reg."]
    chart = catalogue.render("coverage_usage", tables)
    assert chart.meta["params"]["year"] == 2024 and chart.meta["params"]["technology"] == "3g"
    data = chart.data.set_index("entity_id")
    for code, label in (("WLD", "World"), ("LIC", "Low-income"), ("HIC", "High-income")):
        coverage = rate(main, TITLES["3g"], label)
        use = rate(main, "Individuals using the Internet", label)
        assert data.loc[code, "coverage_pct"] == coverage
        assert data.loc[code, "use_pct"] == use
        assert data.loc[code, "usage_gap_pp"] == round(coverage - use, 1)
    rural = catalogue.render("coverage_usage", tables, {"location": "rural"}).data
    rural = rural.set_index("entity_id")
    areas = book["By urban-rural area"]
    assert rural.loc["LIC", "coverage_pct"] == rate(areas, TITLES["3g"], "Low-income", run=2)
    assert rural.loc["LIC", "use_pct"] == rate(
        areas, "Percentage of individuals using the Internet, by urban", "Low-income", run=2
    )


def test_lte_bars_leave_out_groups_with_more_online_than_covered(tables):
    p = {"grouping": "itu_region", "technology": "lte", "location": "rural"}
    chart = catalogue.render("coverage_usage", tables, p)
    assert not {"ITU_AMS", "ITU_CIS"} & set(chart.data["entity_id"])
    assert (
        "Not drawn: The Americas (74.2% online, 72.0% within reach), CIS (85.0% online, 83.3% "
        "within reach)" in " ".join(chart.caption.notes)
    )


def test_networks_on_the_real_tables_equal_the_cells(tables, book):
    main = book["By dvpmnt status and spec. reg."]
    chart = catalogue.render("coverage_networks", tables)
    lic = chart.data.set_index("entity_id").loc["LIC"]
    for technology, title in TITLES.items():
        assert lic[f"{technology}_coverage_pct"] == rate(main, title, "Low-income")
    assert lic["best_3g_pct"] == pytest.approx(80.3 - 52.0)
    assert chart.finding == (
        "In 2024, 5G reached 51% of the world's population; 20% of people in low-income "
        "economies were out of reach of mobile broadband (no signal 8.9%, 2G only 11%)."
    )
    # 5G is N/A before 2020, so the years offered start there
    years = mobile._network_years(
        tables, {"edition": "itu_aggregates@2024-11", "location": "total"}
    )
    assert years == [2020, 2021, 2022, 2023, 2024]


def test_a_share_below_zero_from_rounding_is_named_and_drawn_as_zero():
    """High income, urban, 2019 (Nov 2024): 3G 100.0 against any signal 99.9."""
    data = rows(
        [
            {
                "entity_id": "HIC",
                "name": "High income",
                "year": 2019,
                "best_lte_pct": 99.9,
                "best_3g_pct": 0.1,
                "best_mobile_cellular_pct": -0.1,
                "best_none_pct": 0.1,
                "estimate": True,
            }
        ]
    )
    note = mobile._rounding_note(data, ["lte", "3g", "mobile_cellular"])
    assert note == [
        "ITU's coverage is rounded to 0.1: a better network's coverage a little above a worse "
        "one's leaves a share below zero, drawn as zero: High income (2G only: -0.1)."
    ]
    chart = mobile.networks(data, {"grouping": "income", "location": "urban", "year": 2019})
    assert segments(chart)["2G only"]["High income"] == 0.0


def test_the_oct_2019_edition_draws_coverage_without_5g(tables):
    edition = "itu_aggregates@2019-10"
    chart = catalogue.render(
        "coverage_networks", tables, {"edition": edition, "grouping": "development"}
    )
    assert chart.meta["params"]["year"] == 2019
    assert next(t.name for t in chart.figure.data) == "LTE/WiMAX or better"
    gaps = catalogue.render(
        "coverage_gaps", tables, {"edition": edition, "grouping": "development"}
    )
    assert set(gaps.data["entity_id"]) == {"WLD", "DEVELOPED", "DEVELOPING", "LDC"}
    assert gaps.data["year"].between(2015, 2019).all()


def test_ownership_on_the_real_table_equals_the_cells(tables, book):
    chart = catalogue.render("ownership_by_group", tables, {"grouping": "special", "sex": "male"})
    ldc = chart.data.set_index(["entity_id", "year"]).loc[("LDC", 2024)]
    assert ldc["value_pct"] == rate(
        book["By gender"],
        "Percentage of individuals owning a mobile phone",
        "Least Developed Countries (LDCs)",
        run=2,
    )


def test_card_shows_the_usage_gap_of_the_world_and_the_ldcs(tables):
    card = mobile.access_card(tables)
    world, ldcs = card.metrics
    assert (world.label, world.text, world.year) == ("World", "28%", 2024)
    assert world.value == pytest.approx(95.6 - 67.6)
    assert world.detail.endswith("4.4% live out of its reach.")
    assert (ldcs.label, ldcs.text) == ("LDCs", "50%")  # 84.7 - 35.0
    assert world.trend["year"].min() == 2010
    assert "mobile-usage.year=2024" in world.href


def test_facts_and_figures_claims(tables):
    claims = tables.get("claims")
    mine = claims[
        (claims["report"] == "ITU Facts and Figures 2024") & claims["report_edition"]
    ].set_index("claim_id")
    expected = {
        "5g-world": 51.2,
        "5g-lic": 3.5,
        "3g-world": 95.6,
        "coverage-gap-world": 4.4,
        "coverage-gap-lic": 19.7,
        "coverage-gap-lic-rural": 30.5,
        "3g-only-lic": 28.3,
        "5g-rural": 29.2,
        "offline-third": 32.4,
    }
    for claim, value in expected.items():
        assert mine.loc[claim, "recomputed_value"] == pytest.approx(value), claim
        assert mine.loc[claim, "status"] == "confirmed", claim
    older = claims[(claims["claim_id"] == "5g-world") & (claims["vintage"] == "2019-10")]
    assert older["status"].tolist() == ["not computable"]

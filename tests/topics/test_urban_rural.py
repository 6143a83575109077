"""Urban and rural: the charts on five hand-written rows, the same charts and card on the real
tables against the workbook's cells, and the Facts and Figures 2024 claims."""

from __future__ import annotations

import openpyxl
import pytest

from indicators import catalogue
from indicators.dashboard import panels
from indicators.topics import urban_rural
from tests.helpers import SOURCE, drawn, rows

NOV_2024 = "itu/ITU_regional_global_Key_ICT_indicator_aggregates_Nov_2024.xlsx"
AREA_USE = "Percentage of individuals using the Internet, by urban/rural area"


@pytest.fixture(scope="module")
def area_sheet(mirror):
    book = openpyxl.load_workbook(mirror / NOV_2024, read_only=True, data_only=True)
    return [list(r) for r in book["By urban-rural area"].iter_rows(values_only=True)]


def area_cell(cells, label: str, year: int, area: str) -> float:
    """A cell of the area sheet's Internet-use block: Total, Urban, Rural runs of 2021-2024."""
    top = next(i for i, r in enumerate(cells) if r[0] == AREA_USE)
    header = cells[top + 2]
    column = [i for i, v in enumerate(header) if v == year][("total", "urban", "rural").index(area)]
    return float(next(r for r in cells[top:] if r[0] == label)[column])


FIVE = [
    ("WLD", "World", 2023, 80.0, 46.2),
    ("WLD", "World", 2024, 82.9, 47.5),
    ("HIC", "High income", 2024, 94.9, 87.8),
    ("LIC", "Low income", 2023, 42.9, 14.5),
    ("LIC", "Low income", 2024, 45.8, 16.1),
]


def five_rows(**p):
    wide = rows(
        [
            {
                "entity_id": e,
                "name": n,
                "year": y,
                "urban_pct": u,
                "rural_pct": r,
                "gap_pp": round(u - r, 1),
                "ratio": u / r,
                "estimate": True,
            }
            for e, n, y, u, r in FIVE
        ]
    )
    return wide


def test_rates_figure_on_five_rows():
    data = urban_rural.splits.rates_frame(five_rows(), urban_rural.SPLIT)
    chart = urban_rural.by_group(data, {"grouping": "income"})
    urban, rural = chart.figure.data[0], chart.figure.data[1]
    assert dict(zip(urban.x, urban.y, strict=True)) == {2023: 80.0, 2024: 82.9}
    assert dict(zip(rural.x, rural.y, strict=True)) == {2023: 46.2, 2024: 47.5}
    # one legend entry per group (urban, solid); rural dashed in the group's colour; the page
    # keys the two styles at the legend's end (the export's subtitle names them)
    assert [t.showlegend for t in chart.figure.data] == [True, False, True, False, True, False]
    keys = [t for t in panels.page_figure(chart)["data"] if t.get("x") == [None]]
    assert [(k["name"], k["line"]["dash"]) for k in keys] == [("Urban", "solid"), ("Rural", "dash")]
    assert (urban.line.dash, rural.line.dash) == ("solid", "dash")
    assert urban.line.color == rural.line.color and urban.name == rural.name == "World"
    assert chart.caption.title == "Internet use in urban and rural areas by income group"
    assert chart.caption.subtitle == "% of population, urban solid, rural dashed, 2023-2024"
    assert chart.caption.source == SOURCE
    assert chart.figure.layout.xaxis.dtick == 1  # two years: no half-year ticks
    assert urban_rural.by_group_finding(data, {}) == (
        "In 2024, 83% of urban dwellers and 48% of rural dwellers used the Internet worldwide; "
        "the gap was widest in low-income economies (29.7 points)."
    )


def test_gap_figure_on_five_rows():
    data = five_rows()
    ratio = urban_rural.gap(data, {"grouping": "income", "measure": "ratio"})
    assert drawn(ratio)["Low income"][2024] == pytest.approx(45.8 / 16.1)
    assert [s.y0 for s in ratio.figure.layout.shapes] == [1.0]  # no gap
    assert ratio.caption.subtitle == "times (urban / rural Internet use), 2023-2024"
    assert ratio.caption.notes[0].startswith("Ratio = urban rate / rural rate")
    assert urban_rural.gap_finding(data, {"measure": "ratio"}) == (
        "In 2024, urban dwellers were 1.75 times as likely to use the Internet as rural dwellers "
        "worldwide (1.73 in 2023); it was widest in low-income economies (2.8 times)."
    )
    points = urban_rural.gap(data, {"grouping": "income", "measure": "points"})
    assert drawn(points)["World"] == {2023: 33.8, 2024: 35.4}
    assert [s.y0 for s in points.figure.layout.shapes] == [0.0]
    assert urban_rural.gap_finding(data, {"measure": "points"}) == (
        "In 2024, the urban-rural gap in Internet use was 35.4 percentage points worldwide "
        "(33.8 in 2023); it was widest in low-income economies (29.7 points)."
    )


def test_country_dumbbell_on_five_rows():
    data = rows(
        [
            {
                "entity_id": e,
                "name": n,
                "year": y,
                "urban_pct": u,
                "rural_pct": r,
                "gap_pp": round(u - r, 1),
                "ratio": u / r,
            }
            for e, n, y, u, r in (
                ("PER", "Peru", 2018, 62.2, 17.7),
                ("COL", "Colombia", 2018, 72.4, 35.8),
                ("DZA", "Algeria", 2018, 56.2, 34.1),
                ("FRA", "France", 2018, 82.0, 82.3),
                ("ISR", "Israel", 2018, 83.2, 90.1),
            )
        ],
        notes=("Not shown, with a rate for urban areas only: Argentina.",),
        names={"all": "all"},
    )
    chart = urban_rural.countries(data, {"region": "all", "sort": "gap"})
    urban, rural = chart.figure.data[1], chart.figure.data[2]
    assert (urban.name, rural.name) == ("Urban", "Rural")
    # the rural dot drawn over the urban one, smaller, so both show where they are close; the
    # legend keeps rural first
    assert rural.marker.size < urban.marker.size and rural.legendrank < urban.legendrank
    assert dict(zip(urban.y, urban.x, strict=True))["Peru (2018)"] == 62.2
    # the chosen order reads top to bottom (the category axis lists bottom first)
    assert list(chart.figure.layout.yaxis.categoryarray)[-1] == "Peru (2018)"
    assert (
        chart.caption.notes[0]
        == "Latest available year 2018 for every economy (in brackets after the name)."
    )
    assert chart.caption.notes[1].startswith("Rural use exceeds urban use in 2 of 5 economies")
    assert "Argentina" in chart.caption.notes[2]
    assert urban_rural.countries_finding(data, {}) == (
        "Urban dwellers used the Internet more than rural dwellers in 3 of 5 economies shown; "
        "the gap was widest in Peru (2018): 62% in urban areas against 18% in rural areas."
    )


def test_group_charts_on_the_real_tables_equal_the_cells(tables, area_sheet):
    chart = catalogue.render("urban_rural_by_group", tables, {"grouping": "income"})
    data = chart.data.set_index(["entity_id", "year", "location"])["value_pct"]
    for code, label in (("WLD", "World"), ("LIC", "Low-income"), ("HIC", "High-income")):
        for year in (2021, 2024):
            for area in ("urban", "rural"):
                assert data[code, year, area] == area_cell(area_sheet, label, year, area)
    gap = catalogue.render(
        "urban_rural_gap", tables, {"grouping": "itu_region", "measure": "ratio"}
    )
    africa = gap.data.set_index(["entity_id", "year"]).loc[("ITU_AFR", 2024)]
    assert africa["ratio"] == area_cell(area_sheet, "Africa", 2024, "urban") / area_cell(
        area_sheet, "Africa", 2024, "rural"
    )
    assert gap.caption.title == "The urban-rural gap in Internet use by ITU region"
    assert gap.finding.startswith(
        "In 2024, urban dwellers were 1.75 times as likely to use the Internet as rural dwellers "
        "worldwide (1.73 in 2021); it was widest in Africa (2.5 times)"
    )


def test_country_chart_on_the_real_table(tables):
    chart = catalogue.render("urban_rural_countries", tables)
    assert len(chart.data) == 43
    peru = chart.data.set_index("entity_id").loc["PER"]
    assert (peru["year"], peru["urban_pct"], peru["rural_pct"], peru["gap_pp"]) == (
        2018, 62.2, 17.7, 44.5,
    )  # fmt: skip
    assert chart.data.iloc[0]["entity_id"] == "PER"  # the widest gap first
    assert (
        chart.caption.notes[-1]
        == "Not shown, with a rate for urban areas only: Argentina, Bahrain, Qatar."
    )
    europe = catalogue.render("urban_rural_countries", tables, {"region": "ITU_EUR"})
    assert len(europe.data) == 19 and "(Europe)" in europe.caption.subtitle


def test_card_shows_the_world_and_the_ldcs(tables, area_sheet):
    card = urban_rural.urban_rural_card(tables)
    world, ldcs = card.metrics
    assert (world.label, world.text, world.year) == ("World", "1.75×", 2024)
    urban = area_cell(area_sheet, "World", 2024, "urban")
    rural = area_cell(area_sheet, "World", 2024, "rural")
    assert world.value == urban / rural == pytest.approx(82.9 / 47.5)
    assert "(82.9% vs 47.5%, a gap of 35.4 points)" in world.detail
    assert (ldcs.label, ldcs.text) == ("LDCs", "2.22×")
    assert world.trend["year"].tolist() == [2021, 2022, 2023, 2024]
    assert ldcs.href.startswith("/urban-rural?urban-rural-gap.grouping=special")


def test_facts_and_figures_claims(tables):
    claims = tables.get("claims")
    mine = claims[
        (claims["report"] == "ITU Facts and Figures 2024") & claims["report_edition"]
    ].set_index("claim_id")
    expected = {
        "urban": (82.9, "confirmed"),
        "rural": (47.5, "confirmed"),
        "urban-rural-ratio": (82.9 / 47.5, "confirmed"),
        "urban-rural-africa": (57.1 / 22.7, "confirmed"),
        "rural-lic": (16.1, "confirmed"),
        "urban-rural-lic": (45.8 / 16.1, "within rounding"),
    }
    for claim, (value, status) in expected.items():
        assert mine.loc[claim, "recomputed_value"] == pytest.approx(value), claim
        assert mine.loc[claim, "status"] == status, claim
    # 1.8 billion of the offline live in rural areas, derived from the rates
    assert mine.loc["rural-offline", "recomputed_value"] == pytest.approx(1.849, abs=0.001)
    assert mine.loc["rural-offline", "status"] == "confirmed"
    assert "2.833 to 2.857" in mine.loc["urban-rural-lic", "note"]


def test_the_headline_rounds_the_widest_gap_half_up(tables):
    """Peru's urban-rural gap is 44.5 points (62.2 - 17.7): printed 45, as a reader rounds it,
    not 44 (Python's round-half-even)."""
    chart = catalogue.render("urban_rural_countries", tables, {})
    widest = chart.data.loc[chart.data["gap_pp"].idxmax()]
    assert widest["gap_pp"] == pytest.approx(44.5)
    assert chart.headline.endswith("widest in Peru (2018): 45 points")

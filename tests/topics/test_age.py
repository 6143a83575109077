"""Young and old: the charts on five hand-written rows, the same charts and card on the real
tables against the workbook's cells, and the Facts and Figures 2024 claims."""

from __future__ import annotations

import openpyxl
import pytest

from indicators import catalogue
from indicators.topics import age
from tests.helpers import SOURCE, drawn, rows

NOV_2024 = "itu/ITU_regional_global_Key_ICT_indicator_aggregates_Nov_2024.xlsx"
AGE_USE = "Percentage of individuals using the Internet, by age"


@pytest.fixture(scope="module")
def age_sheet(mirror):
    book = openpyxl.load_workbook(mirror / NOV_2024, read_only=True, data_only=True)
    return [list(r) for r in book["Internet use by age"].iter_rows(values_only=True)]


def age_cell(cells, label: str, year: int, part: str) -> float:
    """A cell of the age block: Total, Youth (15-24), Rest of the population runs of years."""
    top = next(i for i, r in enumerate(cells) if r[0] == AGE_USE)
    header = cells[top + 2]
    column = [i for i, v in enumerate(header) if v == year][("total", "youth", "rest").index(part)]
    return float(next(r for r in cells[top:] if r[0] == label)[column])


def five_rows():
    return rows(
        [
            {
                "entity_id": e,
                "name": n,
                "year": y,
                "youth_pct": a,
                "rest_pct": b,
                "gap_pp": round(a - b, 1),
                "ratio": a / b,
                "estimate": True,
            }
            for e, n, y, a, b in (
                ("WLD", "World", 2021, 74.2, 59.4),
                ("WLD", "World", 2024, 78.5, 65.6),
                ("HIC", "High income", 2024, 98.8, 92.8),
                ("LIC", "Low income", 2021, 37.4, 17.0),
                ("LIC", "Low income", 2024, 42.6, 22.7),
            )
        ]
    )


def test_rates_figure_on_five_rows():
    data = age.splits.rates_frame(five_rows(), age.SPLIT)
    assert list(data["age"][:4]) == ["youth", "youth", "rest", "rest"]  # youth first
    chart = age.by_group(data, {"grouping": "income"})
    youth, rest = chart.figure.data[0], chart.figure.data[1]
    assert dict(zip(youth.x, youth.y, strict=True)) == {2021: 74.2, 2024: 78.5}
    assert dict(zip(rest.x, rest.y, strict=True)) == {2021: 59.4, 2024: 65.6}
    assert (youth.line.dash, rest.line.dash, rest.showlegend) == ("solid", "dash", False)
    assert chart.caption.title == "Internet use of young people and the rest by income group"
    assert chart.caption.source == SOURCE
    assert chart.caption.notes[-1].startswith("Youth: aged 15-24 (the UN definition ITU uses)")
    assert age.by_group_finding(data, {}) == (
        "In 2024, 79% of people aged 15-24 and 66% of the rest of the population used the "
        "Internet worldwide; the gap was widest in low-income economies (19.9 points)."
    )


def test_gap_figure_on_five_rows():
    data = five_rows()
    chart = age.gap(data, {"grouping": "income", "measure": "points"})
    assert drawn(chart) == {
        "World": {2021: 14.8, 2024: 12.9},
        "High income": {2024: 6.0},
        "Low income": {2021: 20.4, 2024: 19.9},
    }
    assert chart.caption.subtitle == (
        "percentage points (aged 15-24 - rest of the population Internet use), 2021-2024"
    )
    assert age.gap_finding(data, {"measure": "points"}) == (
        "In 2024, the generational gap in Internet use was 12.9 percentage points worldwide "
        "(14.8 in 2021); it was widest in low-income economies (19.9 points)."
    )
    assert age.gap_finding(data, {"measure": "ratio"}).startswith(
        "In 2024, people aged 15-24 were 1.20 times as likely to use the Internet as the rest "
        "of the population worldwide (1.25 in 2021); it was widest in low-income economies "
        "(1.9 times)"
    )


def test_charts_on_the_real_tables_equal_the_cells(tables, age_sheet):
    chart = catalogue.render("age_by_group", tables, {"grouping": "itu_region"})
    data = chart.data.set_index(["entity_id", "year", "age"])["value_pct"]
    for code, label in (("WLD", "World"), ("ITU_AMS", "Americas"), ("ITU_AFR", "Africa")):
        for part in ("youth", "rest"):
            assert data[code, 2024, part] == age_cell(age_sheet, label, 2024, part)
    gap = catalogue.render("age_gap", tables, {"grouping": "income", "measure": "ratio"})
    lic = gap.data.set_index(["entity_id", "year"]).loc[("LIC", 2021)]
    assert lic["ratio"] == age_cell(age_sheet, "Low-income", 2021, "youth") / age_cell(
        age_sheet, "Low-income", 2021, "rest"
    )
    assert lic["ratio"] == pytest.approx(2.2)


def test_card_shows_the_world_and_the_ldcs(tables):
    world, ldcs = age.age_card(tables).metrics
    assert (world.label, world.text, world.year) == ("World", "+12.9", 2024)
    assert "(78.5% online)" in world.detail and "(65.6%)" in world.detail
    assert (ldcs.label, ldcs.text) == ("LDCs", "+20.7")
    assert world.href == (
        "/age?age-gap.measure=points&age-gap.edition=itu_aggregates@2024-11#age-gap-panel"
    )


def test_facts_and_figures_claims(tables):
    claims = tables.get("claims")
    mine = claims[
        (claims["report"] == "ITU Facts and Figures 2024") & claims["report_edition"]
    ].set_index("claim_id")
    assert mine.loc["youth", ["recomputed_value", "status"]].tolist() == [78.5, "confirmed"]
    assert mine.loc["youth-gap", "recomputed_value"] == pytest.approx(12.9)
    assert mine.loc["youth-lic", "status"] == "confirmed"
    assert mine.loc["youth-europe", "status"] == mine.loc["youth-cis", "status"] == "confirmed"
    # 'universality ... in the Americas': 94.8 in the workbook, short of 95
    assert mine.loc["youth-americas", ["recomputed_value", "status"]].tolist() == [94.8, "revised"]

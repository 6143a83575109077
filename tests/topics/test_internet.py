"""Internet-use charts on the real tables: traces, captions, plotted data, fallbacks."""

from __future__ import annotations

import pytest

from indicators import catalogue
from indicators.catalogue import charts
from indicators.catalogue.charts import NoData, ParamError
from indicators.outputs import export


def trace(chart, name):
    return next(t for t in chart.figure.data if t.name == name)


def test_by_group_defaults_to_the_edition_with_the_development_split(tables):
    chart = catalogue.render("internet_by_group", tables)
    # Developed, developing and the LDCs together, as the Oct 2019 edition has all three.
    assert chart.data["entity_id"].unique().tolist() == ["WLD", "DEVELOPED", "DEVELOPING", "LDC"]
    assert chart.caption.title.endswith("with Least developed countries (LDCs)")
    developed = trace(chart, "Developed countries")
    assert dict(zip(developed.x, developed.y, strict=True))[2019] == pytest.approx(86.6, abs=0.05)
    assert "2019 = ITU estimate." in chart.caption.notes
    assert "28 October 2019" in chart.caption.source
    targets = [s.label.text for s in chart.figure.layout.shapes] + [
        a.text for a in chart.figure.layout.annotations
    ]
    assert any("75%" in t for t in targets if t)


def test_by_group_plots_exactly_its_data(tables):
    chart = catalogue.render(
        "internet_by_group", tables, {"grouping": "itu_region", "edition": "itu_aggregates@2024-11"}
    )
    plotted = sum(len(t.y) for t in chart.figure.data)
    assert plotted == len(chart.data)
    assert set(chart.data["entity_id"]) == {
        "WLD",
        "ITU_AFR",
        "ITU_AMS",
        "ITU_ARB",
        "ITU_ASP",
        "ITU_CIS",
        "ITU_EUR",
    }
    assert "All values are ITU estimates." in chart.caption.notes


def test_by_group_offers_only_the_groupings_of_the_edition(tables):
    spec = catalogue.chart("internet_by_group")
    grouping = next(p for p in spec.params if p.name == "grouping")
    assert "development" not in grouping.options(tables, {"edition": "itu_aggregates@2024-11"})
    assert "income" not in grouping.options(tables, {"edition": "itu_aggregates@2019-10"})
    notices: list[str] = []
    given = {"grouping": "development", "edition": "itu_aggregates@2024-11"}
    values = charts.resolve(spec, tables, given, strict=False, notices=notices)
    assert values["grouping"] != "development"
    assert any("development" in n and "reset" in n for n in notices)
    with pytest.raises(ParamError, match="grouping='development'"):
        catalogue.render("internet_by_group", tables, given, strict=True)
    # The figure function itself still names the missing breakdown.
    with pytest.raises(NoData, match="has no development status breakdown"):
        spec.build(tables, {**given, "sex": "total"})


def test_by_group_sex_without_split_names_the_real_cause(tables):
    spec = catalogue.chart("internet_by_group")
    params = {"grouping": "development", "edition": "itu_aggregates@2019-10", "sex": "female"}
    with pytest.raises(NoData, match="has no split by sex"):
        spec.build(tables, params)
    notices: list[str] = []
    values = charts.resolve(spec, tables, params, strict=False, notices=notices)
    assert values["sex"] == "total" and any(n.startswith("Sex:") for n in notices)


def test_gap_ratio_and_points(tables):
    ratio = catalogue.render("internet_gap", tables, {"edition": "itu_aggregates@2019-10"})
    last = ratio.data.set_index("year").loc[2019]
    assert last["gap"] == pytest.approx(86.6 / 19.1, abs=0.01)
    assert "4.53" in ratio.caption.subtitle
    points = catalogue.render(
        "internet_gap", tables, {"mode": "points", "edition": "itu_aggregates@2019-10"}
    )
    assert points.data.set_index("year").loc[2019, "gap"] == pytest.approx(67.5, abs=0.1)
    assert list(points.figure.data[0].y) == points.data["gap"].tolist()


def test_map_falls_back_to_each_economys_latest_year(tables):
    chart = catalogue.render("internet_map", tables, {"year": 2025})
    assert chart.data["year"].max() == 2025
    assert (chart.data["year"] < 2025).sum() > 150
    assert chart.caption.notes[0] == "10 economies report 2025."
    fallback = chart.caption.notes[1]
    counts = chart.data["year"].value_counts()
    assert fallback.startswith(f"{int((chart.data['year'] < 2025).sum())} economies fall back")
    assert f"{counts[2024]} from 2024" in fallback and f"{counts[2022]} from 2022" in fallback


def test_map_never_shows_values_older_than_the_tolerance(tables):
    """American Samoa, N. Mariana Is. and Turks & Caicos report 0.0 for 1990, North Korea for
    2004: old values, not current ones."""
    stale = {"ASM", "MNP", "TCA", "PRK"}
    default = catalogue.render("internet_map", tables, {"year": 2024})
    assert default.meta["params"]["tolerance"] == 3
    assert default.data["year"].min() >= 2021
    assert not stale & set(default.data["entity_id"])
    blank = next(n for n in default.caption.notes if n.startswith("Left blank"))
    assert "American Samoa (1990)" in blank
    assert "from 2021 to 2024" in default.caption.subtitle
    exact = catalogue.render("internet_map", tables, {"year": 2024, "tolerance": 0})
    assert set(exact.data["year"]) == {2024}
    wide = catalogue.render("internet_map", tables, {"year": 2024, "tolerance": 10})
    assert len(wide.data) > len(default.data) and wide.data["year"].min() >= 2014
    with pytest.raises(ParamError, match="tolerance"):
        catalogue.render("internet_map", tables, {"tolerance": 7}, strict=True)
    default = catalogue.render("internet_map", tables)
    assert default.data["year"].max() == 2024  # 2025 has too few reporters to be the default


def test_lenient_and_strict_parameters(tables):
    lenient = catalogue.render("internet_by_group", tables, {"grouping": "<script>"})
    assert lenient.data["entity_id"].iloc[0] == "WLD"
    with pytest.raises(ParamError, match="grouping='<script>' is not one of"):
        catalogue.render("internet_by_group", tables, {"grouping": "<script>"}, strict=True)
    with pytest.raises(ParamError, match="unknown chart id"):
        catalogue.render("nope", tables)


def test_csv_export_is_the_plotted_data_with_citation(tables):
    chart = catalogue.render("internet_compare", tables, {"entities": ["WLD", "KEN"]})
    text = export.csv_text(chart)
    lines = text.splitlines()
    assert lines[0].startswith("# Individuals using the Internet")
    assert any(line.startswith("# Source: World Bank") for line in lines)
    body = [line for line in lines if not line.startswith("#")]
    assert body[0] == "entity_id,name,year,value_pct"
    assert len(body) - 1 == len(chart.data) == sum(len(t.y) for t in chart.figure.data)

"""Internet-use charts on the real tables: traces, captions, plotted data, fallbacks."""

from __future__ import annotations

import pytest

from indicators import catalogue
from indicators.catalogue import charts, queries
from indicators.catalogue.errors import NoData, ParamError
from indicators.outputs import export


def trace(chart, name):
    return next(t for t in chart.figure.data if t.name == name)


def test_by_group_opens_on_the_newest_edition_by_income(tables):
    chart = catalogue.render("internet_by_group", tables)
    assert chart.meta["edition"] == "itu_aggregates@2024-11"
    assert chart.data["entity_id"].unique().tolist() == ["WLD", "HIC", "UMC", "LMC", "LIC"]
    assert "version November 2024" in chart.caption.source


def test_the_development_split_is_a_named_view_one_click_away(tables):
    """Developed and developing countries are only in ITU's Oct 2019 edition: the chart names
    that view, and the view it opens draws them with the LDCs."""
    (view,) = catalogue.chart("internet_by_group").views
    label, params = view.make(tables)
    assert label == (
        "Developed vs developing: ITU key ICT indicators, Oct 2019, the last edition with this "
        "split"
    )
    chart = catalogue.render("internet_by_group", tables, params)
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
    assert notices == [
        "Development status is not in ITU key ICT indicators, Nov 2024; showing Income group."
    ]
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
    assert values["sex"] == "total"
    assert notices == ["Female is not in ITU key ICT indicators, Oct 2019; showing Total."]


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


# ---- the pure figures, on a few hand-written rows

from indicators.topics import internet  # noqa: E402
from tests.helpers import SOURCE, drawn, rows  # noqa: E402

GROUP_ROWS = [
    {"entity_id": "WLD", "name": "World", "year": 2020, "sex": "total", "value_pct": 60.0},
    {"entity_id": "WLD", "name": "World", "year": 2021, "sex": "total", "value_pct": 62.0},
    {"entity_id": "HIC", "name": "High income", "year": 2021, "sex": "total", "value_pct": 90.0},
    {"entity_id": "LIC", "name": "Low income", "year": 2021, "sex": "total", "value_pct": 25.0},
    {"entity_id": "LDC", "name": "LDCs", "year": 2021, "sex": "total", "value_pct": 30.0},
]


def test_by_group_figure_on_five_rows():
    data = rows([{**r, "estimate": r["year"] == 2021} for r in GROUP_ROWS])
    p = {"grouping": "income", "sex": "total", "edition": "itu_aggregates@2024-11"}
    chart = internet.by_group(data, p)
    assert drawn(chart) == {
        "World": {2020: 60.0, 2021: 62.0},
        "High income": {2021: 90.0},
        "Low income": {2021: 25.0},
        "LDCs": {2021: 30.0},
    }
    assert chart.caption.title == "Individuals using the Internet by income group"
    assert chart.caption.subtitle == "% of population, total, 2020-2021"
    assert chart.caption.source == SOURCE
    assert chart.caption.notes == (
        "2021 = ITU estimate.",
        "Dashed lines: the Broadband Commission's targets for 2025.",
    )
    targets = sorted(s.y0 for s in chart.figure.layout.shapes)
    assert targets == [35.0, 75.0]  # the world's and the LDCs' targets, for the groups drawn
    world_only = internet.by_group(data[data["entity_id"] != "LDC"], p)
    assert "Dashed line: the Broadband Commission's target for 2025." in world_only.caption.notes
    assert internet.by_group_finding(data, p) == (
        "In 2021, 90% of people used the Internet in high-income economies, against 25% in "
        "low-income economies and 62% worldwide."
    )


def test_gap_figure_on_three_years():
    data = rows(
        [
            {"year": y, "entity_a": "HIC", "value_a_pct": a, "entity_b": "LDC", "value_b_pct": b}
            for y, a, b in ((2019, 80.0, 20.0), (2020, 84.0, 24.0), (2021, 90.0, 30.0))
        ],
        names={"HIC": "High income", "LDC": "LDCs"},
    )
    data["gap"] = data["value_a_pct"] / data["value_b_pct"]
    p = {"entity_a": "HIC", "entity_b": "LDC", "mode": "ratio"}
    chart = internet.gap(data, p)
    assert drawn(chart) == {"High income vs LDCs": {2019: 4.0, 2020: 3.5, 2021: 3.0}}
    assert chart.caption.title == "Internet use: High income vs LDCs"
    assert chart.caption.subtitle == (
        "Ratio of the shares using the Internet, times, 2019-2021; 2021: 3.00"
    )
    assert chart.caption.notes == ("High income: 90.0%, LDCs: 30.0% in 2021.",)
    assert [s.y0 for s in chart.figure.layout.shapes] == [1.0]  # parity
    assert internet.gap_finding(data, p) == (
        "In 2021, Internet use in high-income economies (90%) was 3.00 times that of the LDCs "
        "(30%), against 4.00 times in 2019."
    )


def test_map_figure_on_four_economies():
    data = rows(
        [
            {"entity_id": "KEN", "name": "Kenya", "year": 2023, "value_pct": 40.0},
            {"entity_id": "NOR", "name": "Norway", "year": 2024, "value_pct": 99.0},
            {"entity_id": "PER", "name": "Peru", "year": 2024, "value_pct": 75.5},
            {"entity_id": "TCD", "name": "Chad", "year": 2022, "value_pct": 12.0},
        ],
        notes=("2 economies report 2024.",),
    )
    chart = internet.world_map(data, {"year": 2024, "tolerance": 3})
    (trace,) = chart.figure.data
    assert list(trace.locations) == ["KEN", "NOR", "PER", "TCD"]
    assert list(trace.text) == [
        "Kenya: 40.0% (2023)",
        "Norway: 99.0% (2024)",
        "Peru: 75.5% (2024)",
        "Chad: 12.0% (2022)",
    ]
    assert chart.caption.title == "Individuals using the Internet, 2024"
    assert chart.caption.subtitle.endswith("each economy at its latest year from 2021 to 2024")
    assert chart.caption.notes == ("2 economies report 2024.",)
    assert internet.map_finding(data, {"year": 2024}) == (
        "Up to 2024, 2 of 4 economies mapped had more than half of their population online; "
        "use ranged from 12% in Chad to 99% in Norway."
    )


def test_compare_figure_keeps_the_order_chosen():
    data = rows(
        [
            {"entity_id": "KEN", "name": "Kenya", "year": 2020, "value_pct": 30.0},
            {"entity_id": "KEN", "name": "Kenya", "year": 2021, "value_pct": 35.0},
            {"entity_id": "WLD", "name": "World", "year": 2020, "value_pct": 60.0},
            {"entity_id": "WLD", "name": "World", "year": 2021, "value_pct": 63.0},
        ],
        notes=("No data in this edition for Atlantis.",),
    )
    chart = internet.compare(data, {})
    assert [t.name for t in chart.figure.data] == ["Kenya", "World"]
    assert chart.caption.title == "Individuals using the Internet: Kenya, World"
    assert chart.caption.notes == ("No data in this edition for Atlantis.",)
    assert internet.compare_finding(data, {}) == (
        "In the latest year with data, 63% used the Internet in the world (2021) against 35% in "
        "Kenya (2021)."
    )


def test_a_world_figure_another_publisher_puts_otherwise_is_noted(tables):
    """ITU's Nov 2024 world estimate for 2024 (67.6%) and WDI Jul 2026's world aggregate (71.2%)
    sit on one page: the ITU chart's caption gives both, read from the two editions."""
    chart = catalogue.render("internet_by_group", tables, {})
    assert chart.meta["edition"] == "itu_aggregates@2024-11"
    wdi = queries.rows_of(tables, "internet_use", "wdi@2026-07")
    world = wdi[(wdi["entity_id"] == "WLD") & (wdi["year"] == 2024)]["value_pct"].iloc[0]
    drawn = chart.data[(chart.data["entity_id"] == "WLD") & (chart.data["year"] == 2024)]
    note = (
        f"World, 2024: {drawn['value_pct'].iloc[0]:.1f}% here, {world:.1f}% in WDI Internet "
        "use, Jul 2026; the publishers' world aggregates differ."
    )
    assert note in chart.caption.notes
    # By sex the other publisher has no world split to compare: no note.
    female = catalogue.render("internet_by_group", tables, {"sex": "female"})
    assert not any("aggregates differ" in n for n in female.caption.notes)


def test_the_map_finding_names_every_economy_at_the_printed_top(tables):
    """Several economies print as 100% in 2024 (Bahrain, Saudi Arabia, the United Arab
    Emirates at 100.0, others just below): the finding names them all, not one of them."""
    chart = catalogue.render("internet_map", tables, {})
    top = chart.data[chart.data["value_pct"] >= 99.5]
    assert len(top) > 1
    names = sorted(top["name"])
    assert chart.finding.endswith(f"to 100% in {', '.join(names[:-1])} and {names[-1]}.")

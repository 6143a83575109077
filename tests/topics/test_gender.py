"""Gender-gap charts on the real tables: parity values, the band, metrics, economies, fallbacks."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators import catalogue
from indicators.catalogue import charts
from indicators.catalogue.errors import NoData
from indicators.dashboard.state import STATE
from indicators.metrics import gaps
from tests.helpers import Without, param_values

EDITION = "itu_aggregates@2024-11"
METRICS = {"parity": "parity", "points": "gap_pp", "relative_gap": "relative_gap_pct"}


def traces(chart, name):
    return [t for t in chart.figure.data if t.name == name]


def by_year(trace):
    return dict(zip(trace.x, trace.y, strict=True))


def test_parity_world_2024_in_data_and_trace(tables):
    chart = catalogue.render("gender_parity", tables)
    world = chart.data.set_index(["entity_id", "year"]).loc[("WLD", 2024)]
    assert world["female_pct"] == 65.3 and world["male_pct"] == 69.5
    assert world["parity"] == pytest.approx(65.3 / 69.5)
    assert world["parity"] == pytest.approx(0.940, abs=0.0005)
    (trace,) = traces(chart, "World")
    assert by_year(trace)[2024] == pytest.approx(65.3 / 69.5)
    assert chart.data["entity_id"].iloc[0] == "WLD"
    assert set(chart.data["entity_id"]) == {"WLD", "HIC", "UMC", "LMC", "LIC"}


def test_parity_band_is_shaded(tables):
    chart = catalogue.render("gender_parity", tables, {"grouping": "itu_region"})
    rects = [s for s in chart.figure.layout.shapes if s.type == "rect"]
    assert [(r.y0, r.y1) for r in rects] == [gaps.PARITY_BAND]
    assert any("parity band 0.98-1.02" in (a.text or "") for a in chart.figure.layout.annotations)
    low, high = chart.figure.layout.yaxis.range
    assert low < 0.98 and high > 1.02


def test_data_is_exactly_what_is_plotted(tables):
    for grouping in ("itu_region", "income", "special"):
        chart = catalogue.render("gender_parity", tables, {"grouping": grouping})
        plotted = [y for t in chart.figure.data for y in t.y]
        assert plotted == chart.data["parity"].tolist()
        assert list(chart.data.columns) == [
            "entity_id",
            "name",
            "year",
            "female_pct",
            "male_pct",
            "parity",
        ]


def test_metric_switch_changes_the_values(tables):
    made = {m: catalogue.render("gender_parity", tables, {"metric": m}) for m in METRICS}
    points, relative = made["points"], made["relative_gap"]
    ys = {m: [y for t in c.figure.data for y in t.y] for m, c in made.items()}
    assert ys["parity"] != ys["points"] != ys["relative_gap"] != ys["parity"]
    world = {m: by_year(traces(c, "World")[0])[2024] for m, c in made.items()}
    assert world["parity"] == pytest.approx(65.3 / 69.5)
    assert world["points"] == pytest.approx(69.5 - 65.3)
    assert world["relative_gap"] == pytest.approx(100 * (69.5 - 65.3) / 69.5)
    assert world["relative_gap"] == pytest.approx(6.04, abs=0.005)
    for metric, column in METRICS.items():
        plotted = [y for t in made[metric].figure.data for y in t.y]
        assert plotted == made[metric].data[column].tolist()
    assert not [s for s in points.figure.layout.shapes if s.type == "rect"]
    assert "percentage points" in points.caption.subtitle
    assert any("(male rate - female rate) / male rate" in n for n in relative.caption.notes)


def test_relative_gap_matches_itu_2019_world(tables):
    chart = catalogue.render("gender_parity", tables, {"metric": "relative_gap"})
    world = chart.data.set_index(["entity_id", "year"]).loc[("WLD", 2019)]
    assert world["relative_gap_pct"] == pytest.approx(9.19, abs=0.01)  # (55.5 - 50.4) / 55.5


def test_rates_draw_two_lines_per_group(tables):
    chart = catalogue.render("gender_parity", tables, {"metric": "rates", "grouping": "special"})
    assert set(chart.data["sex"]) == {"female", "male"}
    world = traces(chart, "World")
    assert len(world) == 2 and len(chart.figure.data) == 2 * chart.data["entity_id"].nunique()
    female = next(t for t in world if t.line.dash == "dash")
    male = next(t for t in world if t.line.dash == "solid")
    assert by_year(female)[2024] == 65.3 and by_year(male)[2024] == 69.5
    assert female.line.color == male.line.color
    assert [y for t in chart.figure.data for y in t.y] == chart.data["value_pct"].tolist()
    assert "women dashed, men solid" in chart.caption.subtitle


def test_caption_names_metric_and_edition(tables):
    chart = catalogue.render("gender_parity", tables)
    assert chart.caption.title == "Gender parity score in Internet use by income group"
    assert "Edition: ITU key ICT indicators, Nov 2024." in chart.caption.notes
    assert any(n.startswith("Parity score = female rate / male rate") for n in chart.caption.notes)
    assert "All values are ITU estimates." in chart.caption.notes
    assert "November 2024" in chart.caption.source
    assert chart.caption.subtitle.endswith("2019-2024")


def test_only_editions_with_a_sex_split_are_offered(tables):
    spec = catalogue.chart("gender_parity")
    edition = next(p for p in spec.params if p.name == "edition")
    assert edition.options(tables) == [EDITION]


def test_grouping_without_groups_raises_nodata(tables):
    spec = catalogue.chart("gender_parity")
    params = {"grouping": "development", "metric": "parity", "edition": EDITION}
    with pytest.raises(NoData, match="no development status groups split by sex"):
        spec.build(tables, params)
    grouping = next(p for p in spec.params if p.name == "grouping")
    assert "development" not in grouping.options(tables, {"edition": EDITION})
    notices: list[str] = []
    values = charts.resolve(spec, tables, params, strict=False, notices=notices)
    assert values["grouping"] == "income"  # the development split's stand-in
    assert notices == [
        "Development status is not in ITU key ICT indicators, Nov 2024; showing Income group."
    ]


def test_no_edition_with_a_sex_split_raises_nodata(tables):
    no_split = Without(tables, "internet_use", lambda f: f["sex"] != "total")
    with pytest.raises(NoData, match="No edition with Internet use by sex"):
        catalogue.render("gender_parity", no_split)


def independent_economies(tables) -> pd.DataFrame:
    """Economies with both sexes in the Dec 2019 file, straight from the table."""
    use = tables.get("internet_use")
    rows = use[(use["source"] == "itu_gender_country") & (use["sex"] != "total")]
    wide = rows.pivot_table(index="entity_id", columns="sex", values="value_pct")
    return wide.dropna()


def test_countries_has_104_economies_with_both_sexes(tables):
    chart = catalogue.render("gender_countries", tables)
    expected = independent_economies(tables)
    assert len(expected) == 104
    assert len(chart.data) == 104 and set(chart.data["entity_id"]) == set(expected.index)
    female = traces(chart, "Female")[0]
    assert len(female.x) == 104
    plotted = dict(zip(female.y, female.x, strict=True))
    data = chart.data.assign(label=chart.data["name"] + " (" + chart.data["year"].astype(str) + ")")
    assert plotted == dict(zip(data["label"], data["female_pct"], strict=True))
    assert "Latest available year 2015–2019 per economy" in chart.caption.notes[0]
    assert "104 economies" in chart.caption.subtitle


def test_countries_sort_reads_top_to_bottom(tables):
    by_gap = catalogue.render("gender_countries", tables, {"sort": "gap"})
    assert by_gap.data["gap_pp"].is_monotonic_decreasing
    top = by_gap.figure.layout.yaxis.categoryarray[-1]  # the last category is drawn on top
    assert top.startswith(by_gap.data["name"].iloc[0])
    assert by_gap.data.loc[0, "gap_pp"] == pytest.approx(
        by_gap.data.loc[0, "male_pct"] - by_gap.data.loc[0, "female_pct"]
    )
    by_name = catalogue.render("gender_countries", tables, {"sort": "name"})
    assert by_name.data["name"].tolist() == sorted(by_name.data["name"])
    by_female = catalogue.render("gender_countries", tables, {"sort": "female"})
    assert by_female.data["female_pct"].is_monotonic_decreasing


def test_countries_region_filter_uses_entities_itu_region(tables):
    chart = catalogue.render("gender_countries", tables, {"region": "ITU_CIS"})
    ent = tables.get("entities").set_index("entity_id")
    assert (ent.loc[chart.data["entity_id"], "itu_region"] == "ITU_CIS").all()
    assert len(chart.data) == 6
    assert "(CIS)" in chart.caption.subtitle


def test_countries_without_the_edition_raise_nodata(tables):
    no_countries = Without(tables, "internet_use", lambda f: f["source"] == "itu_gender_country")
    with pytest.raises(NoData, match="No edition with Internet use by sex for economies"):
        catalogue.render("gender_countries", no_countries)


def test_page_falls_back_to_defaults_on_a_malformed_query(tables):
    import dash

    import app  # noqa: F401  imports and registers every page

    layout_of = dash.page_registry["topics.gender"]["layout"]
    STATE.set_tables(tables)
    layout = layout_of(
        **{
            "gender-parity.metric": "bogus",
            "gender-parity.grouping": "<script>",
            "gender-countries.sort": "",
            "gender-countries.region": "ITU_EUR",
        }
    )
    values = param_values(layout)
    assert values[("gender-parity", "metric")] == "parity"
    assert values[("gender-parity", "grouping")] == "income"
    assert values[("gender-parity", "edition")] == EDITION
    assert values[("gender-countries", "sort")] == "gap"
    assert values[("gender-countries", "region")] == "ITU_EUR"


# ---- the pure figures, on a few hand-written rows

from indicators.topics import gender  # noqa: E402
from tests.helpers import SOURCE, drawn, rows  # noqa: E402

PARITY_ROWS = [
    {"entity_id": "WLD", "name": "World", "year": 2023, "female_pct": 63.0, "male_pct": 70.0},
    {"entity_id": "WLD", "name": "World", "year": 2024, "female_pct": 65.0, "male_pct": 70.0},
    {"entity_id": "HIC", "name": "High income", "year": 2024, "female_pct": 92.0, "male_pct": 93.0},
    {"entity_id": "LIC", "name": "Low income", "year": 2024, "female_pct": 20.0, "male_pct": 32.0},
]


def test_parity_figure_on_four_rows():
    data = rows(
        [{**r, "parity": r["female_pct"] / r["male_pct"]} for r in PARITY_ROWS],
        notes=("2024 = ITU estimate.",),
    )
    p = {"grouping": "income", "metric": "parity", "edition": EDITION}
    chart = gender.parity(data, p)
    lines = drawn(chart)
    assert set(lines) == {"World", "High income", "Low income"}
    assert lines["World"][2024] == pytest.approx(65 / 70)
    assert chart.caption.title == "Gender parity score in Internet use by income group"
    assert chart.caption.subtitle == "female / male rate, World and income group, 2023-2024"
    assert chart.caption.source == SOURCE
    assert chart.caption.notes[1:] == (
        "Edition: ITU key ICT indicators, Nov 2024.",
        "2024 = ITU estimate.",
    )
    band = [s for s in chart.figure.layout.shapes if s.type == "rect"]
    assert [(b.y0, b.y1) for b in band] == [gaps.PARITY_BAND]
    assert gender.parity_finding(data, p) == (
        "In 2024, the gender parity score was 0.93 worldwide; 1 of 2 groups was within the "
        "parity band (0.98-1.02), and the lowest score was in low-income economies (0.62)."
    )


def test_rates_figure_draws_women_dashed_and_men_solid():
    long = [
        {
            "entity_id": r["entity_id"],
            "name": r["name"],
            "year": r["year"],
            "sex": s,
            "value_pct": r[f"{s}_pct"],
        }
        for r in PARITY_ROWS[1:3]
        for s in ("female", "male")
    ]
    chart = gender.parity(rows(long), {"grouping": "income", "metric": "rates", "edition": EDITION})
    styles = {(t.name, t.line.dash, t.showlegend) for t in chart.figure.data}
    assert styles == {
        ("World", "dash", False),
        ("World", "solid", True),
        ("High income", "dash", False),
        ("High income", "solid", True),
    }
    assert chart.caption.title == "Internet use of women and men by income group"
    assert gender.parity_finding(rows(long), {"metric": "rates"}) == (
        "In 2024, 65% of women and 70% of men used the Internet worldwide; the gap was widest "
        "in high-income economies (1.0 points)."
    )


def test_countries_figure_reads_in_the_order_given():
    data = rows(
        [
            {
                "entity_id": "BOL",
                "name": "Bolivia (Plurinational State of)",
                "year": 2018,
                "female_pct": 40.0,
                "male_pct": 48.0,
                "gap_pp": 8.0,
            },
            {
                "entity_id": "CUB",
                "name": "Cuba",
                "year": 2019,
                "female_pct": 58.0,
                "male_pct": 56.0,
                "gap_pp": -2.0,
            },
        ],
        notes=("Regions: ITU/BDT regions, from the ITU price-basket economy list.",),
        names={"ITU_AMS": "Americas"},
    )
    chart = gender.countries(data, {"region": "ITU_AMS", "sort": "gap"})
    axis = chart.figure.layout.yaxis
    assert list(axis.ticktext) == ["Cuba (2019)", "Bolivia (2018)"]  # bottom to top
    assert chart.caption.subtitle == (
        "% of population, women vs men; 2 economies (Americas), largest gap in men's favour first"
    )
    assert chart.caption.notes[:2] == (
        "Latest available year 2018–2019 per economy (in brackets after the name).",
        "Women's use equals or exceeds men's in 1 of 2 economies; gap = male - female, in "
        "percentage points.",
    )
    assert gender.countries_finding(data, {}) == (
        "Men's Internet use exceeded women's in 1 of 2 economies shown; the gap was widest in "
        "Bolivia (Plurinational State of), 2018: 48% of men against 40% of women."
    )


def test_a_tie_for_the_widest_gap_names_every_economy_in_it(tables):
    """In the Americas, Bolivia and Peru share the widest gap at the printed decimal (5.3
    points): the finding names both, in the chart's order, not the one a sort left last."""
    chart = catalogue.render("gender_countries", tables, {"region": "ITU_AMS"})
    gaps = chart.data["gap_pp"].round(1)
    tied = chart.data[gaps == gaps.max()]
    assert len(tied) == 2  # the edition as published: two economies at the top
    assert chart.data.index[0] == tied.index[0]  # the chart draws the first of them on top
    assert f"{gaps.max():.1f} points each." in chart.finding
    assert "widest in Bolivia (2018) and Peru (2018)" in chart.finding

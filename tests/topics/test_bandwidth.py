"""Bandwidth charts on the real tables: published figures, traces, captions, plotted data."""

from __future__ import annotations

import pytest

from indicators import catalogue
from indicators.catalogue import charts
from indicators.catalogue.errors import NoData
from indicators.contract import store
from indicators.dashboard.state import STATE
from tests.helpers import text_of

NOV_2024 = "itu_aggregates@2024-11"
OCT_2019 = "itu_aggregates@2019-10"
REGIONS = {"ITU_AFR", "ITU_AMS", "ITU_ARB", "ITU_ASP", "ITU_CIS", "ITU_EUR"}


def trace(chart, name):
    return next(t for t in chart.figure.data if t.name == name)


def points(trace) -> dict:
    return dict(zip(trace.x, trace.y, strict=True))


def test_regions_default_to_the_newest_edition_in_tbits(tables):
    chart = catalogue.render("bandwidth_regions", tables)
    world = chart.data[chart.data["entity_id"] == "WLD"].set_index("year")["bandwidth_tbps"]
    assert world[2019] == pytest.approx(556.4)
    assert world[2024] == pytest.approx(1778.5)
    assert "Tbit/s" in chart.caption.subtitle and "2015-2024" in chart.caption.subtitle
    assert "November 2024" in chart.caption.source
    assert "World 2024: 1,778.5 Tbit/s." in chart.caption.notes
    # 36.6 + 321.9 + 79.5 + 791.4 + 43.4 + 390.7 = 1663.5 of 1778.5
    assert "add up to 93.5% of ITU's world total in 2024" in chart.caption.notes[1]


def test_regions_stack_and_plot_exactly_their_data(tables):
    chart = catalogue.render("bandwidth_regions", tables, {"mode": "absolute"})
    regions = [t for t in chart.figure.data if t.name != "World total"]
    assert len(regions) == 6 and all(t.stackgroup == "one" for t in regions)
    assert trace(chart, "World total").stackgroup is None
    plotted = sorted(y for t in chart.figure.data for y in t.y)
    assert plotted == pytest.approx(sorted(chart.data["bandwidth_tbps"]))
    asia = chart.data[chart.data["entity_id"] == "ITU_ASP"].set_index("year")["bandwidth_tbps"]
    assert points(trace(chart, "Asia & Pacific")) == pytest.approx(asia.to_dict())


def test_region_shares_of_the_world_total(tables):
    chart = catalogue.render("bandwidth_regions", tables, {"mode": "share"})
    assert set(chart.data["entity_id"]) == REGIONS
    asia = points(trace(chart, "Asia & Pacific"))
    assert asia[2024] == pytest.approx(100 * 791.4 / 1778.5)
    assert sum(len(t.y) for t in chart.figure.data) == len(chart.data)
    assert chart.caption.subtitle.startswith("Share of the world total, %")


def test_growth_confirms_the_reports_33_4_per_cent(tables):
    params = {"edition": OCT_2019, "start_year": 2015, "end_year": 2019}
    chart = catalogue.render("bandwidth_growth", tables, params)
    assert "world 33.4%" in chart.caption.subtitle
    (line,) = chart.figure.layout.shapes
    assert line.x0 == pytest.approx(100 * ((485662.386 / 153282.439) ** 0.25 - 1), abs=1e-3)
    assert any(a.text == "World: 33.4%" for a in chart.figure.layout.annotations)
    africa = chart.data.set_index("entity_id").loc["ITU_AFR", "cagr_pct"]
    assert africa == pytest.approx(100 * ((9225.2 / 1707.3454) ** 0.25 - 1), abs=1e-3)
    bars = chart.figure.data[0]
    assert dict(zip(bars.y, bars.x, strict=True)) == pytest.approx(
        dict(zip(chart.data["name"], chart.data["cagr_pct"], strict=True))
    )
    assert "WLD" not in set(chart.data["entity_id"])


def test_growth_defaults_and_swapped_years(tables):
    default = catalogue.render("bandwidth_growth", tables)
    assert "2015-2024" in default.caption.subtitle and "world 31.1%" in default.caption.subtitle
    swapped = catalogue.render("bandwidth_growth", tables, {"start_year": 2024, "end_year": 2015})
    assert swapped.data.equals(default.data)
    income = catalogue.render("bandwidth_growth", tables, {"grouping": "income"})
    assert income.caption.title == "Growth of international bandwidth by income group"
    assert set(income.data["entity_id"]) == {"HIC", "UMC", "LMC", "LIC"}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start_year": 2019, "end_year": 2019}, "two different years"),
        ({"edition": OCT_2019}, "covers 2015-2019; choose years within it"),
        ({"grouping": "development"}, "has no bandwidth for development status groups"),
    ],
)
def test_growth_without_data_says_why(tables, params, message):
    spec = catalogue.chart("bandwidth_growth")
    full = {"start_year": 2015, "end_year": 2024, "grouping": "itu_region", "edition": NOV_2024}
    with pytest.raises(NoData, match=message):
        spec.build(tables, {**full, **params})


def test_growth_controls_offer_the_editions_years_and_groupings(tables):
    """A page or link asking for years or groups the edition lacks gets the edition's own."""
    notices: list[str] = []
    spec = catalogue.chart("bandwidth_growth")
    given = {"edition": OCT_2019, "end_year": 2024, "grouping": "income"}
    values = charts.resolve(spec, tables, given, strict=False, notices=notices)
    assert (values["start_year"], values["end_year"]) == (2015, 2019)
    assert values["grouping"] in ("itu_region", "development")
    assert notices == [
        "To: 2024 is not a year of ITU key ICT indicators, Oct 2019, which covers 2015-2019; "
        "showing 2019.",
        "Income group is not in ITU key ICT indicators, Oct 2019; showing ITU region.",
    ]
    chart = catalogue.render("bandwidth_growth", tables, {"edition": OCT_2019})
    assert "2015-2019" in chart.caption.subtitle


def test_reversed_span_is_normalised_for_controls_and_chart(tables):
    notices: list[str] = []
    spec = catalogue.chart("bandwidth_growth")
    values = charts.resolve(
        spec, tables, {"start_year": "2024", "end_year": "2016"}, strict=False, notices=notices
    )
    assert (values["start_year"], values["end_year"]) == (2016, 2024)
    assert notices == ["The years were given the wrong way round; showing 2016-2024."]


def test_per_user_plots_published_values_and_names_the_gaps(tables):
    chart = catalogue.render("bandwidth_per_user", tables)
    assert chart.data["per_user_kbps"].notna().all()
    assert points(trace(chart, "World"))[2024] == pytest.approx(322.8)
    assert sum(len(t.y) for t in chart.figure.data) == len(chart.data)
    assert "Europe (2015-2024)" in chart.caption.notes[0]
    assert chart.figure.layout.yaxis.title.text == "kbit/s"
    special = catalogue.render("bandwidth_per_user", tables, {"grouping": "special"})
    assert special.caption.title.endswith("by LDC / LLDC / SIDS")


def test_empty_tables_raise_nodata_with_the_build_hint(tmp_path):
    empty = store.TableCache(store.DataDir(tmp_path))
    for chart_id in ("bandwidth_regions", "bandwidth_growth", "bandwidth_per_user"):
        with pytest.raises(NoData, match="indicators build"):
            catalogue.render(chart_id, empty)


@pytest.fixture
def page(tables):
    import dash

    import app  # noqa: F401  registers the pages

    before = STATE.tables()
    STATE.set_tables(tables)
    yield dash.page_registry["topics.bandwidth"]["layout"]
    STATE.set_tables(before)


def test_page_layout_with_good_and_malformed_queries(page):
    assert "International bandwidth" in text_of(page())
    assert "indicators build" not in text_of(page())
    page(
        **{
            "bandwidth-growth.start_year": "abc",
            "bandwidth-growth.edition": "<script>",
            "bandwidth-regions.mode": ["absolute", "share"],
            "bandwidth-per-user.view": "sideways",
        }
    )


# ---- the pure figures, on a few hand-written rows

from indicators.topics import bandwidth  # noqa: E402
from tests.helpers import SOURCE, drawn, rows  # noqa: E402

REGION_ROWS = [
    ("WLD", "World", 2023, 1000.0),
    ("WLD", "World", 2024, 1500.0),
    ("ITU_ASP", "Asia-Pacific", 2024, 900.0),
    ("ITU_EUR", "Europe", 2024, 450.0),
    ("ITU_AFR", "Africa", 2024, 60.0),
]


def test_regions_figure_stacks_the_regions_under_the_world_line():
    data = rows(
        [
            {"entity_id": e, "name": n, "year": y, "bandwidth_gbps": g * 1000, "bandwidth_tbps": g}
            for e, n, y, g in REGION_ROWS
        ],
        notes=("World 2024: 1,500 Tbit/s.",),
    )
    chart = bandwidth.by_region(data, {"mode": "absolute"})
    assert [t.name for t in chart.figure.data] == [
        "Asia-Pacific",
        "Europe",
        "Africa",
        "World total",
    ]
    assert all(t.stackgroup for t in chart.figure.data[:3])
    assert drawn(chart)["World total"] == {2023: 1000.0, 2024: 1500.0}
    assert chart.caption.subtitle == "Tbit/s (1 Tbit/s = 1,000 Gbit/s), regions stacked, 2023-2024"
    assert chart.caption.source == SOURCE and chart.caption.notes == ("World 2024: 1,500 Tbit/s.",)
    assert bandwidth.regions_finding(data, {"mode": "absolute"}) == (
        "In 2024, international bandwidth reached 1,500 Tbit/s; Asia-Pacific used the most "
        "(900 Tbit/s)."
    )


def test_growth_figure_draws_the_world_as_the_reference():
    data = rows(
        [
            {
                "entity_id": e,
                "name": n,
                "start_year": 2019,
                "end_year": 2024,
                "start_gbps": 1.0,
                "end_gbps": 2.0,
                "cagr_pct": c,
                "label": f"{c:.1f}%",
            }
            for e, n, c in (("LDC", "LDCs", 45.0), ("HIC", "High income", 20.0))
        ],
        world_cagr_pct=26.0,
    )
    chart = bandwidth.growth(data, {"grouping": "income"})
    (bars,) = chart.figure.data
    # Fastest on top: plotly draws horizontal bars from the bottom.
    assert list(bars.y) == ["High income", "LDCs"] and list(bars.text) == ["20.0%", "45.0%"]
    assert [s.x0 for s in chart.figure.layout.shapes] == [26.0]
    assert chart.caption.subtitle == (
        "Compound annual growth, % a year, 2019-2024; world 26.0% (dashed line)"
    )
    assert bandwidth.growth_finding(data, {}) == (
        "Between 2019 and 2024, international bandwidth grew fastest in the LDCs (45.0% "
        "a year) and slowest in high-income economies (20.0% a year)."
    )


def test_per_user_figure_names_the_missing_values():
    data = rows(
        [
            {"entity_id": "WLD", "name": "World", "year": 2024, "per_user_kbps": 322.8},
            {"entity_id": "LDC", "name": "LDCs", "year": 2024, "per_user_kbps": 60.0},
            {"entity_id": "HIC", "name": "High income", "year": 2024, "per_user_kbps": 700.0},
        ],
        notes=("The publisher gives no per-user value for SIDS (2015-2024).",),
    )
    chart = bandwidth.per_user(data, {"grouping": "income"})
    assert drawn(chart)["LDCs"] == {2024: 60.0}
    assert chart.caption.title == "International bandwidth per Internet user by income group"
    assert chart.caption.notes == ("The publisher gives no per-user value for SIDS (2015-2024).",)
    assert bandwidth.per_user_finding(data, {}) == (
        "In 2024, international bandwidth per Internet user ranged from 60 kbit/s in the least "
        "developed countries (LDCs) to 700 kbit/s in high-income economies (world: 323 kbit/s)."
    )

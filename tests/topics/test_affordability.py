"""Affordability charts on the real tables: medians, the 2% target count, the map, fallbacks."""

from __future__ import annotations

import pytest

from indicators import catalogue
from indicators.catalogue.errors import NoData
from indicators.dashboard.state import STATE
from tests.helpers import Without, param_values


def economy_prices(tables, basket="fixed_broadband", year=2024, unit="pct_gni_pc"):
    """Official economy prices straight from the table, for independent counts."""
    p = tables.get("broadband_price")
    ent = tables.get("entities")
    economies = set(ent.loc[ent["kind"] == "economy", "entity_id"])
    rows = p[
        (p["basket"] == basket)
        & (p["year"] == year)
        & (p["unit"] == unit)
        & (p["statistic"] == "value")
        & ~p["experimental"]
        & p["entity_id"].isin(economies)
    ]
    return rows.set_index("entity_id")["value"]


def target_lines(chart):
    """Horizontal reference lines at 2 (the affordability target)."""
    return [s for s in chart.figure.layout.shapes if s.type == "line" and s.y0 == s.y1 == 2.0]


def points(chart):
    """Every plotted economy value of the strip (the dot traces, not the quartile box)."""
    return [y for t in chart.figure.data if t.boxpoints == "all" for y in t.y]


def test_world_median_fixed_5gb_2024_is_2_57(tables):
    chart = catalogue.render("price_medians", tables)
    annual = chart.data[chart.data["sample"] == "annual"]
    medians = annual.set_index(["entity_id", "year"])["median_pct_gni_pc"]
    assert medians[("WLD", 2024)] == 2.57
    world = [t for t in chart.figure.data if t.name == "World"]
    assert len(world) == 2  # the line breaks where the allowance changed: 1 GB, then 5 GB
    plotted = {x: y for t in world for x, y in zip(t.x, t.y, strict=True)}
    assert plotted[2024] == 2.57
    assert sum(t.showlegend is not False for t in world) == 1


def test_medians_plot_exactly_their_data(tables):
    chart = catalogue.render("price_medians", tables, {"grouping": "itu_region", "unit": "ppp"})
    plotted = sorted(y for t in chart.figure.data for y in t.y)
    assert plotted == sorted(chart.data["median_ppp"])
    assert chart.data["entity_id"].iloc[0] == "WLD"
    assert set(chart.data["entity_id"]) == {"WLD", "ITU_AFR", "ITU_AMS", "ITU_ARB", "ITU_ASP",
                                            "ITU_CIS", "ITU_EUR"}  # fmt: skip


def test_target_line_only_for_share_of_gni(tables):
    pct = catalogue.render("price_medians", tables, {"unit": "pct_gni_pc"})
    assert len(target_lines(pct)) == 1
    assert any("Broadband Commission" in n for n in pct.caption.notes)
    assert pct.figure.layout.yaxis.type == "log"
    for unit in ("usd", "ppp"):
        money = catalogue.render("price_medians", tables, {"unit": unit})
        assert not target_lines(money)
        assert not any("2% target" in (a.text or "") for a in money.figure.layout.annotations)
        assert not any("Broadband Commission" in n for n in money.caption.notes)


def test_medians_mark_the_allowance_change(tables):
    fixed = catalogue.render("price_medians", tables)
    breaks = [s.x0 for s in fixed.figure.layout.shapes if s.type == "line" and s.x0 == s.x1]
    assert breaks == [2017.5]
    assert any("1 GB 2008–2017; 5 GB 2018–2025" in n for n in fixed.caption.notes)
    mobile = catalogue.render("price_medians", tables, {"basket": "mobile_broadband"})
    assert any("1.5 GB 2018–2020; 2 GB 2021–2024; 5 GB 2025" in n for n in mobile.caption.notes)


def test_experimental_rows_only_on_request(tables):
    official = catalogue.render("price_medians", tables, {"basket": "mobile_broadband"})
    assert not official.data["experimental"].any()
    assert any("experimental collections of this basket are left out" in n
               for n in official.caption.notes)  # fmt: skip
    both = catalogue.render(
        "price_medians", tables, {"basket": "mobile_broadband", "experimental": "include"}
    )
    experimental = both.data[both.data["experimental"]]
    assert set(experimental["allowance_gb"]) == {1.0, 2.0, 5.0, 10.0}
    dotted = [t for t in both.figure.data if "(experimental)" in t.name]
    assert dotted and all(t.line.dash != "solid" for t in dotted)
    assert len(both.data) > len(official.data)


def test_distribution_counts_economies_meeting_the_target(tables):
    chart = catalogue.render("price_distribution", tables, {"year": 2024})
    values = economy_prices(tables)
    assert len(values) == 195
    below = int((values < 2.0).sum())
    assert f"{below} of 195 economies meet the 2% target" in chart.caption.subtitle
    assert len(chart.data) == 195
    assert sorted(points(chart)) == sorted(chart.data["price_pct_gni_pc"])
    assert chart.data["below_2pct"].sum() == below
    assert len(target_lines(chart)) == 1
    assert chart.caption.title.endswith(", 2024")
    assert any("below 2.00%" in n for n in chart.caption.notes)


def test_distribution_for_a_group_uses_entity_membership(tables):
    chart = catalogue.render("price_distribution", tables, {"year": 2019, "group": "LDC"})
    ent = tables.get("entities").set_index("entity_id")
    assert ent.loc[chart.data["entity_id"], "ldc"].all()
    values = economy_prices(tables, year=2019)
    ldc_values = values[values.index.isin(ent.index[ent["ldc"]])]
    below = int((ldc_values < 2.0).sum())
    assert f"{below} of {len(ldc_values)} economies meet" in chart.caption.subtitle
    asp = catalogue.render("price_distribution", tables, {"year": 2024, "group": "ITU_ASP"})
    assert (ent.loc[asp.data["entity_id"], "itu_region"] == "ITU_ASP").all()
    assert "ITU region Asia & Pacific" in asp.caption.subtitle


def test_distribution_in_money_has_no_target(tables):
    chart = catalogue.render("price_distribution", tables, {"year": 2024, "unit": "usd"})
    assert not target_lines(chart)
    assert "meet" not in chart.caption.subtitle
    assert f"{len(economy_prices(tables, unit='usd'))} economies" in chart.caption.subtitle


def test_distribution_falls_back_to_the_latest_year_before(tables):
    # Mobile prices keep 2024 among the year choices; fixed broadband lacks it.
    no_2024 = Without(
        tables,
        "broadband_price",
        lambda f: (f["year"] == 2024) & (f["basket"] == "fixed_broadband"),
    )
    chart = catalogue.render("price_distribution", no_2024, {"year": 2024})
    assert set(chart.data["year"]) == {2023}
    assert chart.caption.title.endswith(", 2023")
    assert any("No official prices for 2024; showing 2023" in n for n in chart.caption.notes)


def test_distribution_before_the_series_raises_nodata(tables):
    with pytest.raises(NoData, match="the series starts in 2013"):
        catalogue.render("price_distribution", tables, {"basket": "mobile_broadband", "year": 2010})


def test_distribution_with_experimental_series(tables):
    chart = catalogue.render(
        "price_distribution",
        tables,
        {"basket": "mobile_broadband", "year": 2024, "experimental": "include"},
    )
    official = economy_prices(tables, basket="mobile_broadband")
    assert f"{int((official < 2).sum())} of {len(official)} economies" in chart.caption.subtitle
    assert list(chart.figure.layout.xaxis.categoryarray) == [
        "2 GB basket",
        "1 GB (experimental)",
        "5 GB (experimental)",
        "10 GB (experimental)",
    ]
    assert sorted(points(chart)) == sorted(chart.data["price_pct_gni_pc"])


def test_map_shows_the_chosen_basket_year_and_unit(tables):
    chart = catalogue.render("price_map", tables, {"year": 2024})
    (trace,) = chart.figure.data
    assert len(chart.data) == 195
    assert list(trace.z) == chart.data["price_pct_gni_pc"].tolist()
    assert list(trace.locations) == chart.data["entity_id"].tolist()
    assert trace.reversescale is True and trace.zmax == 10
    assert "2 (target)" in trace.colorbar.ticktext
    usd = catalogue.render("price_map", tables, {"year": 2024, "unit": "usd"})
    assert "2 (target)" not in usd.figure.data[0].colorbar.ticktext
    assert usd.caption.subtitle.startswith("USD per month")


def test_missing_table_raises_nodata(tables):
    empty = Without(tables, "broadband_price", lambda f: f["year"] > 0)
    for chart_id in ("price_medians", "price_distribution", "price_map"):
        with pytest.raises(NoData, match="broadband_price table has not been built"):
            catalogue.render(chart_id, empty)


def test_page_falls_back_to_defaults_on_a_malformed_query(tables):
    import dash

    import app  # noqa: F401  imports and registers every page

    layout_of = dash.page_registry["topics.prices"]["layout"]
    STATE.set_tables(tables)
    layout = layout_of(
        **{
            "prices-medians.unit": "bogus",
            "prices-distribution.year": "not-a-year",
            "prices-distribution.group": "LDC",
            "prices-map.basket": "<script>",
        }
    )
    values = param_values(layout)
    assert values[("prices-medians", "unit")] == "pct_gni_pc"
    assert values[("prices-distribution", "year")] == 2025
    assert values[("prices-distribution", "group")] == "LDC"
    assert values[("prices-map", "basket")] == "fixed_broadband"


def test_annual_medians_are_points_with_itus_caution(tables):
    chart = catalogue.render("price_medians", tables, {"experimental": "include", "window": "none"})
    assert chart.figure.data and all(t.mode == "markers" for t in chart.figure.data)
    assert set(chart.data["sample"]) == {"annual"}
    assert any("Not to be used for year-on-year comparison" in n for n in chart.caption.notes)
    assert "annual median" in chart.caption.subtitle
    assert "same economies" not in chart.caption.subtitle + " ".join(chart.caption.notes)


def plotted(traces):
    return sorted(y for t in traces for y in t.y)


def test_only_the_same_economies_medians_are_joined(tables):
    chart = catalogue.render("price_medians", tables)  # the default: the longest window
    assert chart.meta["params"]["window"] == "last_5_years"
    lines = [t for t in chart.figure.data if t.mode != "markers"]
    points = [t for t in chart.figure.data if t.mode == "markers"]
    assert len(lines) == 5 and all(t.mode == "lines" for t in lines)  # World and 4 income groups
    assert all(t.name.endswith(", same economies 2021–2025") for t in lines)
    same = chart.data[chart.data["sample"] == "last_5_years"]
    annual = chart.data[chart.data["sample"] == "annual"]
    assert plotted(lines) == sorted(same["median_pct_gni_pc"])
    assert plotted(points) == sorted(annual["median_pct_gni_pc"])
    (world,) = [t for t in lines if t.name.startswith("World")]
    assert list(world.x) == [2021, 2022, 2023, 2024, 2025]
    assert list(world.y) == [3.48, 2.99, 2.66, 2.49, 2.41]  # the sheet's "last 5 years" block
    notes = " ".join(chart.caption.notes)
    assert "Not to be used for year-on-year comparison" in notes
    assert 'Lines: ITU\'s "last 5 years" medians, over the same economies' in notes
    assert "priced in every year 2021–2025" in notes
    expected = "points: annual medians, 2008–2025; lines: same economies, 2021–2025"
    assert chart.caption.subtitle.endswith(expected)
    assert "trend" not in chart.caption.title.lower()


def test_the_window_is_chosen_from_the_edition(tables):
    spec = catalogue.chart("price_medians")
    (window,) = [p for p in spec.params if p.name == "window"]
    context = {"edition": "itu_prices@2025-12"}
    assert window.options(tables, context) == ["last_5_years", "last_4_years", "last_2_years",
                                               "none"]  # fmt: skip
    assert window.label == "Trend over the same economies"
    assert window.labels["last_4_years"] == "Last 4 years"
    two = catalogue.render("price_medians", tables, {"window": "last_2_years", "unit": "usd"})
    lines = [t for t in two.figure.data if t.mode == "lines"]
    assert lines and all(list(t.x) == [2024, 2025] for t in lines)
    assert set(two.data["sample"]) == {"annual", "last_2_years"}


def test_a_window_with_one_year_of_a_basket_draws_no_line(tables):
    # Mobile broadband: 2 GB official to 2024, 5 GB official from 2025 (4-year window 2022-2025).
    chart = catalogue.render("price_medians", tables, {"basket": "mobile_broadband",
                                                    "window": "last_4_years"})  # fmt: skip
    same = chart.data[chart.data["sample"] == "last_4_years"]
    assert set(same["allowance_gb"]) == {2.0} and set(same["year"]) == {2022, 2023, 2024}
    assert any("No line where the window holds one year of a basket (5 GB 2025)" in n
               for n in chart.caption.notes)  # fmt: skip
    assert all(len(t.x) > 1 for t in chart.figure.data if t.mode == "lines")


def test_no_line_to_draw_is_said_and_not_claimed(tables):
    official_trend = Without(
        tables, "broadband_price", lambda f: (f["sample"] != "annual") & ~f["experimental"]
    )
    chart = catalogue.render(
        "price_medians", official_trend, {"basket": "mobile_broadband", "window": "last_4_years"}
    )
    assert all(t.mode == "markers" for t in chart.figure.data)
    assert "lines" not in chart.caption.subtitle
    assert chart.caption.notes[-1] == (
        "No same-economies medians of this basket to draw for the last 4 years."
    )


# ---- the pure figures, on a few hand-written rows

from indicators.topics import affordability  # noqa: E402
from tests.helpers import SOURCE, drawn, rows  # noqa: E402


def median_row(entity, name, year, value, sample="annual", gb=5.0):
    return {
        "entity_id": entity,
        "name": name,
        "year": year,
        "allowance_gb": gb,
        "experimental": False,
        "sample": sample,
        "median_pct_gni_pc": value,
    }


def test_medians_figure_draws_annual_points_and_same_economies_lines():
    data = rows(
        [
            median_row("WLD", "World", 2024, 2.6),
            median_row("WLD", "World", 2025, 2.5),
            median_row("LDC", "LDCs", 2025, 21.1),
            median_row("WLD", "World", 2024, 2.7, "last_2_years"),
            median_row("WLD", "World", 2025, 2.6, "last_2_years"),
        ],
        runs=[(5.0, 2024, 2025)],
        span="2024–2025",
        experimental_notes=(),
        window_notes=("Lines: same economies.",),
    )
    p = {"basket": "fixed_broadband", "grouping": "special", "unit": "pct_gni_pc"}
    chart = affordability.medians(data, p)
    modes = {(t.name, t.mode) for t in chart.figure.data}
    assert modes == {
        ("World", "markers"),
        ("LDCs", "markers"),
        ("World, same economies 2024–2025", "lines"),
    }
    assert drawn(chart)["World, same economies 2024–2025"] == {2024: 2.7, 2025: 2.6}
    assert chart.caption.title == "Fixed broadband prices: medians for LDCs, LLDCs and SIDS"
    assert chart.caption.subtitle == (
        "% of monthly GNI per capita (log scale), World and LDCs, LLDCs and SIDS; points: annual "
        "medians, 2024–2025; lines: same economies, 2024–2025"
    )
    assert chart.caption.source == SOURCE
    notes = chart.caption.notes
    assert notes[0] == "Fixed broadband basket: 5 GB of data per month (2024–2025)."
    assert affordability.ANNUAL_CAUTION in notes and notes[-1] == "Lines: same economies."
    assert chart.figure.layout.yaxis.type == "log"
    assert affordability.medians_finding(data, p) == (
        "In 2025, the median fixed broadband price was 2.5% of monthly GNI per capita "
        "worldwide, and 21.1% in the least developed countries (LDCs), not below the 2% target."
    )


PRICES = [
    ("NOR", "Norway", 0.8),
    ("KEN", "Kenya", 6.2),
    ("PER", "Peru", 1.9),
    ("TCD", "Chad", 40.0),
    ("FJI", "Fiji", 2.0),
]


def price_rows(**extra):
    return rows(
        [
            {
                "entity_id": e,
                "name": n,
                "year": 2025,
                "allowance_gb": 5.0,
                "experimental": False,
                "price_pct_gni_pc": v,
                **extra,
            }
            for e, n, v in PRICES
        ]
    )


def test_distribution_figure_colours_who_meets_the_target():
    data = price_rows()
    data["below_2pct"] = data["price_pct_gni_pc"] < 2
    data.attrs["group_label"] = "all economies"
    p = {
        "basket": "fixed_broadband",
        "unit": "pct_gni_pc",
        "year": 2025,
        "group": "all",
        "experimental": "exclude",
    }
    chart = affordability.distribution(data, p)
    classes = {t.name: sorted(t.text) for t in chart.figure.data if t.name != "Quartiles"}
    assert classes == {
        "Below 2%: meets the target": ["Norway (NOR)", "Peru (PER)"],
        "2% or more": ["Chad (TCD)", "Fiji (FJI)", "Kenya (KEN)"],  # 2.00% does not meet it
    }
    assert chart.caption.subtitle == (
        "% of monthly GNI per capita (log scale), all economies: 2 of 5 economies meet the 2% "
        "target"
    )
    levels = sorted(s.y0 for s in chart.figure.layout.shapes if s.type == "line")
    assert levels == [2.0, 5.0]
    assert affordability.distribution_finding(data, p) == (
        "In 2025, 2 of 5 economies priced fixed broadband below 2% of monthly GNI per capita; "
        "2 priced it above 5%."
    )


def test_map_figure_caps_the_colour_scale_at_ten_per_cent():
    data = price_rows().drop(columns="experimental")
    p = {"basket": "fixed_broadband", "unit": "pct_gni_pc", "year": 2025}
    chart = affordability.world_map(data, p)
    (trace,) = chart.figure.data
    assert (trace.zmin, trace.zmax) == (0, 10.0)
    assert list(trace.colorbar.ticktext) == ["0", "2 (target)", "5", "≥10"]
    assert "Chad: 40.00 % of monthly GNI p.c. (5 GB, 2025)" in list(trace.text)
    assert chart.caption.title == "Fixed broadband prices, 2025"
    assert "2 of 5 economies meet the 2% target (price below 2%)." in chart.caption.notes
    assert affordability.map_finding(data, p).startswith("In 2025, 2 of 5 economies priced")


def test_the_subtitle_names_the_years_its_lines_draw(tables):
    """Mobile broadband, LDCs/LLDCs/SIDS: the same-economies lines stop at 2024 (2025 has no
    constant-sample value to draw), and the subtitle says 2021–2024, not the window's 2021–2025."""
    params = {"basket": "mobile_broadband", "grouping": "special", "unit": "pct_gni_pc"}
    chart = catalogue.render("price_medians", tables, params)
    column = "median_pct_gni_pc"
    lines = chart.data[(chart.data["sample"] != "annual") & chart.data[column].notna()]
    first, last = int(lines["year"].min()), int(lines["year"].max())
    assert f"lines: same economies, {first}–{last}" in chart.caption.subtitle
    assert last == 2024

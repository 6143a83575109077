"""Explorer controls on the real tables: year spans, log scale, another edition behind, sorted
and filtered entity pickers, and the map's Play step."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators import catalogue
from indicators.catalogue import charts, explore, queries
from indicators.catalogue.errors import ParamError
from indicators.dashboard import callbacks, panels

NOV_2024, OCT_2019 = "itu_aggregates@2024-11", "itu_aggregates@2019-10"
WDI_JUL, WDI_FEB = "wdi@2026-07", "wdi@2026-02"


def with_years() -> list[str]:
    charts = catalogue.load().charts
    return [c for c, s in charts.items() if s.explore is not None and s.explore.years]


def test_every_line_chart_declares_a_span_of_years_and_the_comparison(tables):
    """A chart that draws a line over the years offers From-To and another edition behind."""
    for spec in list(catalogue.load().charts.values()):
        figure = catalogue.render(spec.id, tables).figure
        over_years = [
            t
            for t in figure.data
            if t.type == "scatter"
            and "lines" in (t.mode or "lines")
            and t.x is not None
            and len(t.x) > 2
            and all(isinstance(x, int) and 1950 <= x <= 2100 for x in t.x)
        ]
        if not over_years:
            continue
        names = {p.name for p in spec.params}
        assert {"from", "to", "compare"} <= names, spec.id
        assert ("from", "to") in spec.ranges


@pytest.mark.parametrize("chart_id", with_years())
def test_the_span_bounds_the_data_the_subtitle_and_the_figure(tables, chart_id):
    spec = catalogue.chart(chart_id)
    full = catalogue.render(chart_id, tables)
    years = sorted(full.data["year"].unique())
    assert len(years) >= 3, chart_id
    low, high = int(years[1]), int(years[-2])
    chart = catalogue.render(chart_id, tables, {"from": low, "to": high})
    assert chart.data["year"].between(low, high).all()
    assert {low, high} <= set(chart.data["year"])
    assert f"{low}-{high}" in chart.caption.subtitle.replace("–", "-")
    drawn = {int(x) for t in chart.figure.data if t.x is not None for x in t.x if x is not None}
    assert drawn <= set(range(low, high + 1)), chart_id
    assert chart.meta["params"]["from"] == low and spec.ranges


def test_default_span_is_the_editions_first_to_last_year(tables):
    values = charts.resolve(catalogue.chart("internet_compare"), tables, {}, True)
    years = queries.edition_values(tables, "internet_use", values["edition"], "year")
    assert (values["from"], values["to"]) == (min(years), max(years))


def test_a_reversed_span_is_put_right_and_said(tables):
    notices: list[str] = []
    spec = catalogue.chart("internet_compare")
    values = charts.resolve(spec, tables, {"from": 2020, "to": 2005}, False, notices)
    assert (values["from"], values["to"]) == (2005, 2020)
    assert any("wrong way round" in n for n in notices)


def test_a_year_outside_the_edition_is_refused_in_a_spec(tables):
    with pytest.raises(ParamError, match="from=1850"):
        catalogue.render("internet_compare", tables, {"from": 1850}, strict=True)


def test_log_scale_labels_the_axis_in_whole_numbers_and_says_so(tables):
    chart = catalogue.render(
        "bandwidth_per_user", tables, {"scale": "log", "grouping": "itu_region"}, strict=True
    )
    axis = chart.figure.layout.yaxis
    assert axis.type == "log"
    assert {10, 20, 50, 100, 200} <= set(axis.tickvals)
    assert chart.caption.subtitle.endswith("logarithmic scale")
    linear = catalogue.render("bandwidth_per_user", tables, {"grouping": "itu_region"})
    assert linear.figure.layout.yaxis.type != "log"


def test_log_scale_says_how_many_values_it_cannot_draw(tables):
    # LDCs minus developed countries is negative in every year.
    params = {"entity_a": "LDC", "entity_b": "DEVELOPED", "mode": "points", "edition": OCT_2019}
    chart = catalogue.render("internet_gap", tables, {**params, "scale": "log"})
    negative = int((chart.data["gap"] <= 0).sum())
    assert negative == len(chart.data) > 0
    assert f"{negative} values of zero or less cannot be drawn" in " ".join(chart.caption.notes)


def test_another_edition_is_drawn_faintly_behind_with_its_own_values(tables):
    params = {"edition": WDI_JUL, "entities": ["MDA", "WLD"], "compare": WDI_FEB}
    chart = catalogue.render("internet_compare", tables, params)
    alone = catalogue.render("internet_compare", tables, {**params, "compare": "none"})
    faint = [t for t in chart.figure.data if t.opacity == explore.FAINT_OPACITY and t.x[0]]
    assert len(faint) == len(alone.figure.data) == 2
    # Behind: drawn first; the chosen edition's lines keep their colours and come after.
    assert chart.figure.data[: len(faint)] == tuple(faint)
    feb = queries.rows_of(tables, "internet_use", WDI_FEB)
    feb = feb[(feb["entity_id"] == "MDA") & (feb["sex"] == "total")].set_index("year")
    moldova = next(t for t in faint if t.name.startswith("Republic of Moldova"))
    assert dict(zip(moldova.x, moldova.y, strict=True))[2019] == feb.loc[2019, "value_pct"]
    assert moldova.line.color == next(
        t.line.color for t in alone.figure.data if t.name == "Republic of Moldova"
    )
    assert set(chart.data["edition"]) == {WDI_JUL, WDI_FEB}
    assert any("Feb 2026" in n and "Faint dotted" in n for n in chart.caption.notes)
    assert any(t.name == "Dotted: Feb 2026 edition" for t in chart.figure.data)


def test_comparison_offers_only_the_other_editions_and_says_when_one_lacks_the_view(tables):
    spec = catalogue.chart("internet_by_group")
    compare = next(p for p in spec.params if p.name == "compare")
    # Only editions that draw something for the view are offered: Oct 2019 has no income groups.
    by_income = {"edition": NOV_2024, "grouping": "income", "sex": "total"}
    assert compare.options(tables, by_income) == ["none", WDI_JUL, WDI_FEB]
    by_region = {**by_income, "grouping": "itu_region"}
    assert compare.options(tables, by_region) == ["none", OCT_2019]
    # An edition that draws nothing for the view is not offered: a link asking for it gets the
    # view alone and a notice; a report spec is refused.
    asked = {"edition": OCT_2019, "grouping": "development", "compare": NOV_2024}
    notices: list[str] = []
    values = charts.resolve(spec, tables, asked, strict=False, notices=notices)
    assert values["compare"] == "none"
    assert notices == [
        "ITU key ICT indicators, Nov 2024 has nothing to draw here; showing No comparison."
    ]
    chart = catalogue.render("internet_by_group", tables, asked)
    assert "edition" not in chart.data
    with pytest.raises(ParamError, match="compare"):
        catalogue.render("internet_by_group", tables, asked, strict=True)


def test_pickers_sort_by_the_latest_value_and_keep_the_chosen_entities(tables):
    spec = catalogue.chart("internet_compare")
    values = charts.resolve(spec, tables, {"sort": "high", "entities": ["WLD", "LDC"]}, True)
    entities = next(p for p in spec.params if p.name == "entities")
    options = panels.options(entities, values, spec, tables)
    latest = explore.latest_values(tables, spec.explore, values["edition"])
    ranked = [o["value"] for o in options if o["value"] in latest]
    assert [latest[v][0] for v in ranked] == sorted((latest[v][0] for v in ranked), reverse=True)
    top = options[0]
    assert f"{latest[top['value']][0]:,.1f}% in {latest[top['value']][1]}" in top["label"]


def test_pickers_filter_to_a_groups_members_but_never_drop_a_chosen_entity(tables):
    spec = catalogue.chart("internet_compare")
    values = charts.resolve(spec, tables, {"list": "LDC", "entities": ["WLD", "NOR"]}, True)
    listed = {o["value"] for o in panels.options(spec.params[1], values, spec, tables)}
    ent = tables.get("entities")
    ldcs = set(ent.loc[ent["ldc"].fillna(False).astype(bool), "entity_id"])
    assert {"WLD", "NOR"} <= listed
    assert listed - {"WLD", "NOR"} <= ldcs
    assert len(listed - {"WLD", "NOR"}) >= 40


def test_picker_order_does_not_change_the_chart_or_its_file_name(tables):
    params = {"edition": WDI_JUL, "entities": ["WLD"], "sort": "high", "list": "LDC"}
    name = panels.download_name("internet_compare", params, "csv")
    assert "high" not in name and "LDC" not in name
    assert panels.chart_params(catalogue.chart("internet_compare"), params) == {
        "edition": WDI_JUL,
        "entities": ["WLD"],
    }


def test_play_steps_through_the_years_and_stops_at_the_last():
    marks = {"2024": "2024", "2022": "", "2023": ""}  # a timeline's marks, keys as JSON sends them
    # Play goes through the years from the first, wherever the timeline stands (the default is
    # the newest well-covered year, near the end: starting there would step once and stop).
    assert callbacks.play_step(True, False, 2023, marks)[:2] == (2022, True)
    assert callbacks.play_step(True, False, 2024, marks)[:2] == (2022, True)
    assert callbacks.play_step(False, True, 2022, marks)[:2] == (2023, True)
    assert callbacks.play_step(False, True, 2023, marks)[:2] == (2024, False)
    _year, running, label = callbacks.play_step(True, True, 2023, marks)  # pause
    assert running is False and label == callbacks.RESUME_LABEL
    # A reader who paused resumes where they paused.
    assert callbacks.play_step(True, False, 2023, marks, resuming=True)[:2] == (2023, True)
    assert callbacks.play_step(False, False, 2023, "junk")[1] is False


def test_membership_is_one_rule_for_pickers_and_claims(tables):
    from indicators.etl.entities import member_mask

    ent = tables.get("entities")
    economies = ent[ent["kind"] == "economy"]
    for group, column in [("HIC", "income_group"), ("ITU_AFR", "itu_region"), ("SSF", "wb_region")]:
        mask = member_mask(economies, group)
        assert mask.sum() == (economies[column] == group).sum() > 5
    assert (
        member_mask(economies, "DEVELOPED").sum()
        == (economies["development_status"] == "developed").sum()
    )
    assert not member_mask(economies, "OED").any()  # no reference list gives OECD membership
    assert isinstance(mask, pd.Series)


def test_a_span_cutting_a_price_window_keeps_the_windows_economies_in_the_note(tables):
    """The same-economies line is over the economies priced in every year of ITU's window;
    drawing fewer of its years does not redefine them."""
    chart = catalogue.render("price_medians", tables, {"to": 2024, "window": "last_5_years"})
    assert "lines: same economies, 2021–2024" in chart.caption.subtitle
    assert any("priced in every year 2021–2025" in n for n in chart.caption.notes)
    assert chart.data["year"].max() == 2024

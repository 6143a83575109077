"""Findings: every catalogue chart states one, computed from the data it plots."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators import catalogue
from indicators.catalogue import wording
from indicators.outputs import export
from tests.figure_tables import MadeUpTables

CHART_IDS = list(catalogue.load().charts)


@pytest.mark.parametrize("chart_id", CHART_IDS)
def test_each_finding_is_one_sentence_from_the_plotted_data(chart_id):
    chart = catalogue.render(chart_id, MadeUpTables())
    sentence = chart.finding
    assert sentence.endswith(".") and sentence[0].isupper()
    assert "nan" not in sentence and ". " not in sentence[:-1]
    assert ") (" not in sentence  # a bracketed name takes its detail after a comma
    alt = export.alt_text(chart)
    assert chart.kind != "Chart"
    assert alt.startswith(chart.kind + ": " + chart.caption.title)
    assert sentence in alt and alt.endswith(f"Source: {chart.caption.source}.")


def test_price_distribution_counts_match_the_plotted_prices(tables):
    chart = catalogue.render("price_distribution", tables, {"year": 2025, "group": "all"})
    prices = chart.data.loc[~chart.data["experimental"], "price_pct_gni_pc"]
    below, above = int((prices < 2).sum()), int((prices > 5).sum())
    assert (below, len(prices)) == (87, 195)
    assert chart.finding == (
        f"In 2025, {below} of {len(prices)} economies priced fixed broadband below 2% of monthly "
        f"GNI per capita; {above} priced it above 5%."
    )


def test_claim4_ldc_finding_reads_none_of_the_30(tables):
    params = {"basket": "fixed_broadband", "year": 2019, "group": "LDC"}
    chart = catalogue.render("price_distribution", tables, params)
    assert chart.finding.startswith(
        "In 2019, none of the 30 least developed countries (LDCs) priced fixed broadband below 2%"
    )
    # the 5% level that claim 4 is about is drawn beside the 2% target
    levels = sorted(s.y0 for s in chart.figure.layout.shapes if s.type == "line")
    assert levels == [2.0, 5.0]


def test_gap_finding_states_the_ratio(tables):
    params = {"entity_a": "DEVELOPED", "entity_b": "LDC", "edition": "itu_aggregates@2019-10"}
    chart = catalogue.render("internet_gap", tables, params)
    last = chart.data.iloc[-1]
    assert f"was {last['gap']:.2f} times that of" in chart.finding  # as the subtitle prints it


def test_the_finding_is_of_the_chosen_edition_not_the_one_behind(tables):
    """With another edition drawn behind, the sentence still states the chosen edition's
    figures: the comparison's rows join the data, not the finding."""
    chosen = {"grouping": "income", "edition": "itu_aggregates@2024-11"}
    alone = catalogue.render("internet_by_group", tables, chosen)
    behind = {**chosen, "compare": "wdi@2026-07"}
    compared = catalogue.render("internet_by_group", tables, behind)
    assert "edition" in compared.data and compared.data["edition"].nunique() == 2
    assert compared.finding == alone.finding


def test_a_frame_without_the_rows_a_finding_needs_gets_no_sentence():
    """A finding that cannot be stated (no rows, a missing column) is left out, not guessed."""
    import pandas as pd

    spec = catalogue.chart("internet_gap")
    assert spec.finding.of(pd.DataFrame(), {}) == ""
    assert spec.finding.of(pd.DataFrame({"year": [2020]}), {"mode": "ratio"}) == ""


def test_the_page_caption_states_the_finding(tables):
    from indicators.dashboard import panels
    from tests.helpers import text_of

    chart = catalogue.render("price_distribution", tables, {"year": 2025})
    block = panels.caption_block(chart)
    finding = [p for p in block if getattr(p, "className", "") == "finding"]
    assert len(finding) == 1 and text_of(finding[0]) == chart.finding


def test_a_bracketed_name_takes_its_detail_after_a_comma():
    assert wording.aside("Africa", "30%") == "Africa (30%)"
    assert wording.aside("the least developed countries (LDCs)", "30%") == "the LDCs (30%)"
    assert wording.aside("Small island developing States (SIDS)", "9%") == "SIDS (9%)"
    assert wording.aside("Korea (Rep. of)", "2021") == "Korea (Rep. of), 2021"
    assert wording.aside("Bolivia (Plurinational State of)", "2018") == (
        "Bolivia (Plurinational State of), 2018"
    )


def test_shares_read_as_reports_round_them():
    """Half up, as ITU prints 78.5 (youth online, 2024) as 79 per cent."""
    from indicators.catalogue.wording import pct

    assert [pct(78.5), pct(3.45), pct(65.6), pct(9.96), pct(-2.25)] == [
        "79%",
        "3.5%",
        "66%",
        "10.0%",
        "-2.3%",
    ]


def test_a_world_line_longer_than_its_groups_is_noted(tables):
    """ITU's coverage gaps: the world from 2010, the groups from 2015; the caption says so, so
    the step where the groups begin is not read as a change."""
    chart = catalogue.render("coverage_gaps", tables)
    first = chart.data.groupby("entity_id")["year"].min()
    assert first["WLD"] < first.drop("WLD").min()
    note = f"World from {first['WLD']}; the groups from {first.drop('WLD').min()}"
    assert any(n.startswith(note) for n in chart.caption.notes), chart.caption.notes
    frame = pd.DataFrame({"entity_id": ["WLD", "LDC"], "year": [2015, 2015], "value": [1.0, 2.0]})
    assert wording.spans_note(frame, "value") == ()

"""Every chart states its message as a one-line headline, the slides' action title."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from indicators import catalogue
from indicators.outputs import deck, pack
from indicators.topics import internet

REPO = Path(__file__).resolve().parents[2]


def test_every_catalogue_chart_declares_a_headline(tables):
    for spec in catalogue.load().charts.values():
        assert spec.finding.headline is not None, spec.id
        text = catalogue.render(spec.id, tables, {}).headline
        assert text and len(text) <= 90, (spec.id, text)


def test_a_headlines_decimals_are_printed_as_its_finding_prints_them(tables):
    """A slide's title and the finding under it never disagree ('4.5 times' over '4.53
    times'): every figure with decimals in a headline is in its finding too."""
    for spec in catalogue.load().charts.values():
        measured = "measure" in {p.name for p in spec.params}  # split gaps: ratio or points
        for params in ({}, {"measure": "gap"}) if measured else ({},):
            chart = catalogue.render(spec.id, tables, params)
            for figure in re.findall(r"\d+\.\d+", chart.headline):
                assert figure in chart.finding, (spec.id, params, chart.headline, chart.finding)


def test_the_examples_headlines_fit_a_slide_without_being_cut(tables):
    width = deck.frame(None).width
    for path in sorted((REPO / "examples").glob("*.*")):
        spec = pack.load_spec(path)
        for entry, chart in pack.render_entries(spec, tables):
            fitted, size = deck.fit_title(chart.headline, width)
            assert not fitted.endswith("…"), (entry.id, chart.headline)
            assert size >= deck.TITLE_SIZES[-1]
            assert fitted in deck._shorter(chart.headline), entry.id


def test_headlines_on_hand_written_rows():
    rows = pd.DataFrame(
        {
            "entity_id": ["WLD", "HIC", "LIC"],
            "name": ["World", "High income", "Low income"],
            "year": [2024, 2024, 2024],
            "value_pct": [67.6, 93.4, 26.5],
        }
    )
    # halves rounded up, as reports print them: 26.5% is 27%
    assert internet.by_group_headline(rows, {}) == (
        "Internet use: 93% in high-income vs 27% in low-income economies (2024)"
    )
    gap = pd.DataFrame(
        {"year": [2019], "entity_a": ["DEVELOPED"], "entity_b": ["LDC"], "gap": [4.527]}
    )
    assert internet.gap_headline(gap, {"mode": "ratio"}) == (
        "Internet use in developed countries: 4.53 times that of LDCs (2019)"
    )
    assert internet.gap_headline(gap.assign(gap=58.4), {"mode": "points"}) == (
        "Internet use in developed countries: 58.4 points above LDCs (2019)"
    )

"""Every chart states its message as a one-line headline, the slides' action title."""

from __future__ import annotations

from pathlib import Path

from indicators.catalogue import charts, headlines
from indicators.outputs import deck, pack

REPO = Path(__file__).resolve().parents[2]


def test_every_catalogue_chart_has_a_headline(tables):
    for spec in charts.catalogue():
        assert spec.id in headlines.HEADLINES, spec.id
        text = headlines.of(charts.render(spec.id, tables, {}))
        assert text and len(text) <= 90, (spec.id, text)


def test_the_examples_headlines_fit_a_slide_without_being_cut(tables):
    width = deck.frame(None).width
    for path in sorted((REPO / "examples").glob("*.*")):
        spec = pack.load_spec(path)
        for entry, chart in pack.render_entries(spec, tables):
            text = headlines.of(chart)
            fitted, size = deck.fit_title(text, width)
            assert not fitted.endswith("…"), (entry.id, text)
            assert size >= deck.TITLE_SIZES[-1]
            assert fitted == text or fitted in deck._shorter(text), entry.id


def test_headlines_on_hand_written_rows():
    import pandas as pd

    rows = pd.DataFrame(
        {
            "entity_id": ["WLD", "HIC", "LIC"],
            "name": ["World", "High income", "Low income"],
            "year": [2024, 2024, 2024],
            "value_pct": [67.6, 93.4, 26.5],
        }
    )
    assert headlines.internet_by_group(rows, {}) == (
        "Internet use: 93% in high-income vs 27% in low-income economies (2024)"  # half up
    )
    gap = pd.DataFrame(
        {"year": [2019], "entity_a": ["DEVELOPED"], "entity_b": ["LDC"], "gap": [4.527]}
    )
    assert headlines.internet_gap(gap, {"mode": "ratio"}) == (
        "Internet use in developed countries: 4.5 times that of LDCs (2019)"
    )

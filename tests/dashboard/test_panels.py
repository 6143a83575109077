"""How a panel's pickers name their choices."""

from __future__ import annotations

import itertools

from indicators import catalogue
from indicators.dashboard import panels

NAMES = {
    "LDC": "Least developed countries (LDCs)",
    "LLDC": "Landlocked developing countries (LLDCs)",
    "KEN": "Kenya",
    "HIC": "High income",
}


def test_an_entity_reads_with_its_code_once():
    param = next(p for p in catalogue.chart("internet_gap").params if p.name == "entity_a")
    assert panels.choice_label(param, "KEN", NAMES) == "Kenya (KEN)"
    assert panels.choice_label(param, "HIC", NAMES) == "High income (HIC)"
    # A name that gives its abbreviation already is not followed by the code again.
    assert panels.choice_label(param, "LDC", NAMES) == "Least developed countries (LDCs)"
    assert panels.choice_label(param, "LLDC", NAMES) == "Landlocked developing countries (LLDCs)"


def test_an_end_label_is_two_short_lines_or_the_abbreviation_its_name_gives():
    assert panels._wrap("Upper middle income") == "Upper middle<br>income"
    # Too long for two lines: the name's own abbreviation, not a name cut mid-word.
    assert panels._wrap("Least developed countries (LDCs)") == "LDCs"
    assert panels._wrap("Small island developing States (SIDS)") == "SIDS"
    # Without one, the second line is cut short and says so.
    assert panels._wrap("Europe & Central Asia (excluding high income)").endswith("…")
    # A formal qualifier in brackets is no abbreviation: the name keeps its first word.
    assert panels._wrap("Micronesia (Fed. States of)").startswith("Micronesia<br>")


def test_a_band_and_a_target_are_named_in_the_legend_not_over_the_lines(tables):
    """On the page, the parity band's label and a target's label become legend keys: written
    in the plot they sat on the lines crossing them and on the names at the lines' ends."""
    chart = catalogue.render("gender_parity", tables, {"grouping": "income"})
    page = panels.page_figure(chart)
    texts = [a.get("text") for a in page["layout"].get("annotations", [])]
    assert "parity band 0.98-1.02" not in texts
    keys = [t for t in page["data"] if t.get("name") == "parity band 0.98-1.02"]
    assert len(keys) == 1 and keys[0]["mode"] == "markers" and keys[0]["x"] == [None]
    assert page["layout"]["showlegend"] is True
    # The export keeps the label in the plot, where there are no end labels to collide with.
    assert "parity band 0.98-1.02" in [a.text for a in chart.figure.layout.annotations]
    groups = catalogue.render("internet_by_group", tables, {"grouping": "income"})
    drawn = panels.page_figure(groups)
    assert [t["name"] for t in drawn["data"] if t.get("x") == [None]] == ["2025 target, world: 75%"]


def test_timeline_labels_never_run_together():
    """The first, the last and every fifth year are labelled; a label under three years from
    an end's gives way to the end's ('2008' and '2010' read '20082010')."""

    def labelled(years: range) -> list[int]:
        marks = panels.timeline_marks([{"value": y} for y in years])
        assert sorted(marks) == list(years)  # every year a stop
        return [y for y, text in marks.items() if text]

    assert labelled(range(2008, 2026)) == [2008, 2015, 2020, 2025]
    assert labelled(range(1990, 2025)) == [1990, 1995, 2000, 2005, 2010, 2015, 2020, 2024]
    assert labelled(range(2005, 2023)) == [2005, 2010, 2015, 2022]
    shown = labelled(range(2008, 2026))
    assert all(b - a >= 3 for a, b in itertools.pairwise(shown))

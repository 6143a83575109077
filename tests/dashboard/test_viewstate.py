"""The view state machine: chosen values are kept, derived values derived again, replacements
said in plain words and undone; links carry only the choices."""

from __future__ import annotations

from indicators import catalogue
from indicators.dashboard import viewstate

OCT_2019, NOV_2024 = "itu_aggregates@2019-10", "itu_aggregates@2024-11"
WDI_JUL, WDI_FEB = "wdi@2026-07", "wdi@2026-02"


def test_an_edition_change_brings_the_new_editions_span(tables):
    """By group, Oct 2019 then Nov 2024: the years drawn are the new edition's, not 2005-2019."""
    spec = catalogue.chart("internet_by_group")
    oct_ = viewstate.from_link(spec, tables, {"edition": OCT_2019, "grouping": "development"})
    assert (oct_.values["from"], oct_.values["to"]) == (2005, 2019)
    nov = viewstate.choose(spec, tables, oct_, {"edition": NOV_2024})
    assert (nov.values["from"], nov.values["to"]) == (2005, 2024)
    assert nov.values["grouping"] == "income"
    assert "from" not in nov.chosen and "to" not in nov.chosen


def test_a_chosen_span_is_kept_where_the_new_edition_has_it(tables):
    spec = catalogue.chart("internet_by_group")
    start = viewstate.from_link(spec, tables, {"edition": OCT_2019, "grouping": "development"})
    narrowed = viewstate.choose(spec, tables, start, {"from": 2010})
    nov = viewstate.choose(spec, tables, narrowed, {"edition": NOV_2024})
    assert (nov.values["from"], nov.values["to"]) == (2010, 2024)  # chosen kept, end derived
    assert nov.chosen["from"] == 2010


def test_a_chosen_entity_the_new_edition_lacks_is_replaced_said_and_undone(tables):
    """The gap chart, Oct 2019 -> Nov 2024: Developed countries has no row in Nov 2024; it is
    replaced by its stand-in with a notice naming both, and Undo goes back."""
    spec = catalogue.chart("internet_gap")
    link = {"edition": OCT_2019, "entity_a": "DEVELOPED", "entity_b": "LDC"}
    before = viewstate.from_link(spec, tables, link)
    after = viewstate.choose(spec, tables, before, {"edition": NOV_2024})
    assert after.values["entity_a"] == "HIC" and after.values["entity_b"] == "LDC"
    assert after.notices == (
        "Developed countries is not in ITU key ICT indicators, Nov 2024; showing High income.",
    )
    assert after.undo == before.chosen
    assert "entity_a" not in after.chosen  # the link no longer asks for it
    back = viewstate.undo(spec, tables, after)
    assert back.values == before.values and back.undo is None


def test_links_carry_only_the_choices(tables):
    spec = catalogue.chart("internet_compare")
    state = viewstate.from_link(spec, tables, {})
    assert state.chosen == {}
    picked = viewstate.choose(spec, tables, state, {"entities": ["KEN", "WLD"]})
    assert picked.chosen == {"entities": ["KEN", "WLD"]}
    assert picked.stored() == {"chosen": {"entities": ["KEN", "WLD"]}, "undo": None}
    # The derived edition is the newest: a link without it follows a newer edition.
    assert picked.values["edition"] == WDI_JUL


def test_a_link_value_that_cannot_be_used_is_not_a_choice(tables):
    spec = catalogue.chart("internet_by_group")
    state = viewstate.from_link(spec, tables, {"grouping": "<script>", "edition": NOV_2024})
    assert state.chosen == {"edition": NOV_2024}
    assert state.notices == (
        "Grouping: “<script>” is not one of the choices; showing Income group.",
    )


def test_a_partly_usable_list_keeps_its_usable_part(tables):
    spec = catalogue.chart("internet_compare")
    state = viewstate.from_link(spec, tables, {"entities": "WLD,XXX,KEN"})
    assert state.chosen == {"entities": ["WLD", "KEN"]}
    assert state.notices[0].startswith("Entities: left out “XXX”")


def test_a_value_a_link_repeats_is_named_once_in_its_notice(tables):
    spec = catalogue.chart("internet_compare")
    state = viewstate.from_link(spec, tables, {"entities": ",".join(["WLD", "XXX"] * 500)})
    assert state.notices[0].startswith("Entities: left out “XXX” (not in")


def test_restore_reads_what_the_page_kept_and_ignores_the_rest(tables):
    spec = catalogue.chart("internet_gap")
    kept = {"chosen": {"edition": OCT_2019, "bogus": 1}, "undo": {"edition": NOV_2024}}
    state = viewstate.restore(spec, tables, kept)
    assert state.chosen == {"edition": OCT_2019} and state.undo == {"edition": NOV_2024}
    assert viewstate.restore(spec, tables, "junk").chosen == {}
    assert viewstate.restore(spec, tables, {"chosen": ["x"], "undo": 3}).undo is None


def test_choosing_again_after_a_replacement_needs_no_undo(tables):
    spec = catalogue.chart("internet_gap")
    start = viewstate.from_link(spec, tables, {"edition": OCT_2019, "entity_a": "DEVELOPED"})
    replaced = viewstate.choose(spec, tables, start, {"edition": NOV_2024})
    calmer = viewstate.choose(spec, tables, replaced, {"mode": "points"})
    assert calmer.undo is None and calmer.notices == ()
    assert calmer.values["entity_a"] == "HIC"

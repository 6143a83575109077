"""The What changed view: defaults, links, figures and the searchable table, on the real tables."""

from __future__ import annotations

import pytest

from indicators.catalogue import queries
from indicators.dashboard import changes_view
from indicators.etl import build
from tests.helpers import Without, param_values, text_of


def test_defaults_are_the_newest_two_editions_of_the_newest_source(tables):
    view = changes_view.resolve(tables, {})
    assert (view.source, view.old, view.new) == ("wdi", "2026-02", "2026-07")
    assert view.measure == "internet_use.value_pct"
    assert (view.year, view.kind, view.status, view.search) == ("all", "all", "all", "")


def test_query_picks_editions_and_bad_values_fall_back(tables):
    query = {
        "changes.source": "itu_aggregates",
        "changes.old": "itu_aggregates@2019-10",
        "changes.measure": "bandwidth.bandwidth_gbps",
        "changes.year": "2019",
    }
    view = changes_view.resolve(tables, query)
    assert (view.source, view.old, view.new) == ("itu_aggregates", "2019-10", "2024-11")
    assert (view.measure, view.year) == ("bandwidth.bandwidth_gbps", "2019")
    bad = {"changes.source": "<script>", "changes.year": "abc", "changes.kind": "x"}
    assert changes_view.resolve(tables, bad) == changes_view.resolve(tables, {})
    # a source with one edition has nothing to compare
    single = changes_view.resolve(tables, {"changes.source": "itu_prices"})
    assert single.source == "wdi"


def test_every_value_a_link_could_not_use_is_named(tables):
    bad = {
        "changes.source": "<script>",
        "changes.old": "wdi@1999-01",
        "changes.year": "abc",
        "changes.kind": "x",
        "changes.at_least": "-3",
        "changes.search": "m" * 200,
        "changes.bogus": "1",
    }
    view = changes_view.resolve(tables, bad)
    notices = changes_view.reset_notices(bad, view)
    assert len(notices) == len(bad), notices
    text = " ".join(notices)
    for label in ("Source", "Old edition", "Year", "Entities", "Changes of at least", "Search"):
        assert f"{label}: " in text
    assert "'<script>' could not be used; showing 'wdi'" in text
    assert "'bogus' is not a setting" in text
    good = {"changes.source": "wdi", "changes.old": "wdi@2026-02", "changes.year": "2019"}
    assert changes_view.reset_notices(good, changes_view.resolve(tables, good)) == []


def test_the_page_shows_the_notice_of_a_bad_link(tables):
    import app  # noqa: F401  (pages register themselves with the app)
    import pages.changes as page
    from indicators.dashboard.state import STATE

    before = STATE.tables()
    STATE.set_tables(tables)
    try:
        bad = text_of(page.layout(**{"changes.year": "abc", "changes.kind": "x"}))
        good = text_of(page.layout(**{"changes.year": "2019"}))
    finally:
        STATE.set_tables(before)
    assert "could not be used" in bad and "Year: 'abc'" in bad
    assert "could not be used" not in good


def test_nothing_to_compare_without_two_editions(tables):
    only_feb = Without(tables, "internet_use", lambda f: f["vintage"] == "2026-07")
    assert "wdi" not in changes_view.comparable(only_feb)
    no_data = tables
    for name in build.fact_tables():
        no_data = Without(no_data, name, lambda f: f["year"] > 0)
    assert changes_view.resolve(no_data, {}) is None


def test_largest_revisions_of_2019_economies_start_with_moldova(tables):
    view = changes_view.resolve(tables, {"changes.year": "2019", "changes.kind": "economy"})
    compared = changes_view.comparison(tables, view)
    summary = changes_view.summary(tables, view, compared)
    m = changes_view.measure_summary(summary, view.measure)
    assert m.largest.iloc[0]["entity_id"] == "MDA"
    fig = changes_view.dumbbell_figure(m, summary, with_year=False)
    old, new = fig.data[1], fig.data[2]
    assert old.y[0] == "Republic of Moldova" and round(new.x[0] - old.x[0], 1) == 15.6
    assert fig.layout.yaxis.autorange == "reversed"
    bars = changes_view.by_year_figure(summary)
    revised = next(t for t in bars.data if t.name == "Revised")
    assert list(revised.x) == [2019] and list(revised.y) == [m.revised]


def test_coverage_names_an_entity_an_edition_dropped(tables):
    """WDI's Jul 2026 edition has no 'Fragile and conflict affected situations' aggregate: the
    page names it as the page's other text does, its code beside, not the code alone."""
    view = changes_view.resolve(tables, {})
    summary = changes_view.summary(tables, view, changes_view.comparison(tables, view))
    gained, lost = changes_view.coverage(summary)
    assert gained.endswith("entities only in the new edition: none.")
    assert lost.endswith(
        "entities only in the old edition: Fragile and conflict affected situations (FCS)."
    )


def test_economies_moved_by_a_point_or_more_in_2019(tables):
    query = {"changes.year": "2019", "changes.kind": "economy", "changes.at_least": "1"}
    view = changes_view.resolve(tables, query)
    assert view.at_least == 1.0
    compared = changes_view.comparison(tables, view)
    shown, matched = changes_view.table_view(compared, queries.names(tables), view)
    moved = compared[compared["change"].abs() >= 1]
    assert matched == len(shown) == len(moved) and set(shown["Status"]) == {"revised"}
    assert shown.iloc[0]["Entity"] == "Republic of Moldova (MDA)"
    assert shown.iloc[0]["Change"] == "+15.57"
    for bad in ("-1", "abc", "nan", "inf"):
        assert changes_view.resolve(tables, {"changes.at_least": bad}).at_least is None


def test_table_search_and_status(tables):
    view = changes_view.resolve(tables, {"changes.search": "moldova", "changes.status": "revised"})
    compared = changes_view.comparison(tables, view)
    shown, matched = changes_view.table_view(compared, queries.names(tables), view)
    assert matched == len(shown) > 0
    assert set(shown["Status"]) == {"revised"}
    assert all(e.endswith("(MDA)") for e in shown["Entity"])
    # biggest change first
    revised = compared[(compared["entity_id"] == "MDA") & (compared["status"] == "revised")]
    biggest = revised.loc[revised["change"].abs().idxmax()]
    assert shown.iloc[0]["Year"] == str(biggest["year"])


@pytest.fixture
def page(tables):
    """The What changed page module, reading the built tables."""
    import sys

    import app  # noqa: F401  registers the pages
    from indicators.dashboard.state import STATE

    before = STATE.tables()
    STATE.set_tables(tables)
    yield sys.modules["pages.changes"]
    STATE.set_tables(before)


def test_page_layout_restores_the_view_from_the_link(tables, page):
    view = changes_view.resolve(tables, {"changes.year": "2019", "changes.kind": "economy"})
    layout = page.layout(**changes_view.as_query(view))
    values = param_values(layout)
    assert values[("changes", "year")] == "2019" and values[("changes", "kind")] == "economy"
    text = text_of(layout)
    summary = changes_view.summary(tables, view, changes_view.comparison(tables, view))
    assert f"{summary.counts['revised']} were revised" in text
    assert "Republic of Moldova (MDA)" in text
    sent = page.download_csv(1, *[getattr(view, p) for p in page.PARAMS])
    assert sent["filename"] == "diff-wdi-2026-02-2026-07.csv"
    head = "source,table,series,entity_id,name,grouping,year,old,new,change,change_pct,status"
    assert sent["content"].startswith(head + "\n")
    assert "\nwdi,internet_use,value_pct;sex=total,ZWE,Zimbabwe,,2019," in sent["content"]
    picked = page.pick_source("itu_aggregates", "2019")
    assert (picked[1], picked[3], picked[7]) == ("2019-10", "2024-11", "2019")
    assert page.pick_source("itu_aggregates", "1995")[7] == "all"  # ITU starts in 2005


@pytest.mark.parametrize("source", ["wdi", "itu_aggregates"])
def test_source_options_name_the_newest_edition(tables, source):
    options = {o["value"]: o["label"] for o in changes_view.source_options(tables)}
    assert source in options and "editions, newest" in options[source]
    assert not options[source].startswith(source)  # named as the page names it, not by its id


def test_the_largest_revisions_legend_names_editions_without_their_shared_source():
    assert changes_view.short_names("WDI Internet use, Feb 2026", "WDI Internet use, Jul 2026") == (
        "Feb 2026",
        "Jul 2026",
    )
    # Different sources (or no edition part) keep their whole labels.
    assert changes_view.short_names("A, Feb 2026", "B, Jul 2026") == ("A, Feb 2026", "B, Jul 2026")
    assert changes_view.short_names("Old", "New") == ("Old", "New")


def test_the_bars_per_year_start_at_the_first_year_with_a_change(tables):
    """WDI's two editions hold values from 1990, but nothing before 2005 was revised, added or
    dropped: the bars start in 2005 (no empty half of a chart), and a note says why."""
    view = changes_view.resolve(tables, {})
    summary = changes_view.summary(tables, view, changes_view.comparison(tables, view))
    chart = changes_view.by_year_chart(summary, "source")
    changed = summary.by_year[summary.by_year[["revised", "added", "dropped"]].sum(axis=1) > 0]
    first = int(changed["year"].min())
    assert min(chart.figure.data[0].x) == first == int(chart.data["year"].min())
    assert int(summary.by_year["year"].min()) < first
    assert chart.caption.notes[0] == (
        f"Before {first} (from {int(summary.by_year['year'].min())}) no value was revised, "
        "added or dropped."
    )

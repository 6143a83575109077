"""Overview cards against hand-checked figures, on the real tables and on small frames."""

from __future__ import annotations

import pandas as pd
import pytest

from indicators import catalogue
from indicators.catalogue import queries
from indicators.contract import store
from indicators.dashboard.state import STATE
from indicators.topics import affordability, age, bandwidth, gender, internet, mobile, urban_rural
from tests.helpers import text_of


@pytest.fixture(scope="module")
def cards(tables):
    return {card.key: card for card in catalogue.overview_cards(tables)}


def metric(card, label):
    return next(m for m in card.metrics if m.label == label)


def test_developed_vs_ldc_from_the_oct_2019_edition(cards):
    m = metric(cards["internet"], "Developed vs LDCs")
    assert m.value == pytest.approx(86.6 / 19.1, abs=0.01)
    assert m.text == "4.53×" and m.year == 2019
    assert m.edition == "ITU key ICT indicators, Oct 2019"
    # the gap of the shares as printed (86.6 - 19.1), so the sentence checks
    assert "67.5 percentage points" in m.detail and "ITU estimate" in m.detail
    assert "entity_a=DEVELOPED" in m.href and "edition=itu_aggregates@2019-10" in m.href
    assert m.trend.set_index("year")["value"][2019] == pytest.approx(m.value)


def test_high_income_vs_ldc_from_the_newest_edition(cards):
    card = cards["internet"]
    m = metric(card, "High income vs LDCs")
    assert m.value == pytest.approx(93.4 / 35.0, abs=0.005)
    assert m.year == 2024 and m.edition == "ITU key ICT indicators, Nov 2024"
    assert "58.4 percentage points" in m.detail
    assert any("Nov 2024 has no developed group" in n for n in card.notes)


def test_gender_parity_and_relative_gap_for_world_and_ldcs(cards):
    card = cards["gender"]
    world, ldcs = metric(card, "World"), metric(card, "LDCs")
    assert world.value == pytest.approx(65.3 / 69.5) and world.text == "0.94"
    assert "6.0% less likely" in world.detail  # (69.5 - 65.3) / 69.5
    assert ldcs.value == pytest.approx(28.7 / 41.1) and "30.2% less likely" in ldcs.detail
    assert world.year == ldcs.year == 2024
    assert world.trend["year"].tolist() == list(range(2019, 2025))


def test_fixed_broadband_medians_against_the_2_per_cent_target(cards):
    card = cards["prices"]
    ldcs, world = metric(card, "LDCs (median)"), metric(card, "World (median)")
    assert ldcs.value == pytest.approx(21.11) and ldcs.year == 2025
    assert world.value == pytest.approx(2.53)
    assert "10.6 times the 2% target" in ldcs.detail and "(5 GB)" in ldcs.detail
    # The sparkline is ITU's constant-sample median (same economies, 2021-2025), joined by a line;
    # the headline stays the annual median.
    for m, same in [
        (ldcs, [20.51, 19.19, 17.00, 15.36, 18.32]),
        (world, [3.48, 2.99, 2.66, 2.49, 2.41]),
    ]:
        assert m.trend["year"].tolist() == [2021, 2022, 2023, 2024, 2025]
        assert m.trend["value"].tolist() == pytest.approx(same)
        assert m.trend_mode == "lines"
        assert m.trend_label == "5 GB basket, median over the same economies"
    assert any("same economies in every year shown" in n for n in card.notes)


def test_without_same_economies_medians_the_sparkline_is_points(tables):
    prices = tables.get("broadband_price")
    annual = prices[prices["sample"] == "annual"]
    card = affordability.price_card(annual)
    ldcs = metric(card, "LDCs (median)")
    assert ldcs.value == pytest.approx(21.11) and ldcs.trend_mode == "markers"
    # The 1 GB basket (2008-2017) is not mixed into the 5 GB series.
    assert ldcs.trend["year"].min() == 2018
    assert ldcs.trend.set_index("year")["value"][2019] == pytest.approx(28.11)
    assert "not for year-on-year comparison" in ldcs.trend_label
    assert not any("same economies" in n for n in card.notes)


def test_top_three_regions_share_of_bandwidth(cards):
    m = cards["bandwidth"].metrics[0]
    assert m.value == pytest.approx(100 * (791.4 + 390.7 + 321.9) / 1778.5)
    assert m.text == "84.6%" and m.year == 2024
    assert m.detail.startswith("Asia & Pacific 44.5%, Europe 22.0%, The Americas 18.1%")
    assert "1,778.5 Tbit/s" in m.detail
    assert m.href.startswith("/bandwidth?bandwidth-regions.mode=share")


def test_missing_tables_name_the_command(tmp_path):
    empty = store.TableCache(store.DataDir(tmp_path))
    for card in (
        internet.internet_card(None),
        gender.gender_card(None),
        affordability.price_card(None),
        bandwidth.bandwidth_card(None),
        mobile.access_card(empty),
        urban_rural.urban_rural_card(empty),
        age.age_card(empty),
    ):
        assert not card.metrics
        assert queries.BUILD_HINT in card.empty and "--from DIR" in card.empty


def use_rows(rows: list[tuple]) -> pd.DataFrame:
    columns = ["source", "vintage", "entity_id", "year", "sex", "value_pct", "estimate"]
    return pd.DataFrame(rows, columns=columns)


def test_use_gap_takes_the_latest_year_both_report():
    frame = use_rows(
        [
            ("itu_aggregates", "2019-10", "DEVELOPED", 2018, "total", 80.0, False),
            ("itu_aggregates", "2019-10", "LDC", 2018, "total", 20.0, False),
            ("itu_aggregates", "2019-10", "DEVELOPED", 2019, "total", 90.0, True),
        ]
    )
    m = internet.use_gap(frame, "2019-10", "DEVELOPED", "LDC")
    assert m.year == 2018 and m.value == 4.0 and "60.0 percentage points" in m.detail
    assert "estimate" not in m.detail
    assert internet.use_gap(frame, "2019-10", "HIC", "LDC") is None


def test_internet_card_without_itu_aggregates_says_so():
    frame = use_rows([("wdi", "2026-07", "HIC", 2020, "total", 90.0, False)])
    card = internet.internet_card(frame)
    assert not card.metrics and "hold no ITU aggregate Internet use" in card.empty


def test_bandwidth_card_needs_a_world_total():
    frame = pd.DataFrame(
        {
            "source": "itu_aggregates",
            "vintage": "2024-11",
            "entity_id": ["ITU_AFR", "ITU_EUR"],
            "year": 2024,
            "bandwidth_gbps": [1.0, 2.0],
        }
    )
    assert "hold no ITU regional bandwidth" in bandwidth.bandwidth_card(frame).empty


@pytest.fixture
def layouts():
    """Each of the pages' layout functions, with the table cache restored afterwards."""
    import dash

    import app  # noqa: F401  registers the pages

    before = STATE.tables()
    yield {
        name: dash.page_registry[module]["layout"]
        for name, module in (
            ("overview", "pages.overview"),
            ("bandwidth", "topics.bandwidth"),
            ("report", "pages.report"),
            ("data", "pages.data"),
        )
    }
    STATE.set_tables(before)


def test_overview_layout_shows_every_card(tables, layouts):
    STATE.set_tables(tables)
    text = text_of(layouts["overview"]())
    for expected in ("4.53×", "2.67×", "0.94", "21.1%", "84.6%", "Oct 2019", "Nov 2024"):
        assert expected in text
    # the usage gap, the urban-rural ratio and the generational gap, world and LDCs
    for expected in ("28%", "50%", "1.75×", "2.22×", "+12.9", "+20.7"):
        assert expected in text
    # the intro says what the page shows, from the topics
    assert "each of the seven divides" in text
    assert all(f"{t.title};" in text or f"{t.title}." in text for t in catalogue.topics())
    assert "indicators build" not in text
    layouts["overview"](**{"x": ["1", "2"], "<script>": "alert(1)"})


def test_empty_data_folder_shows_the_build_hint_on_every_page(tmp_path, layouts):
    STATE.set_tables(store.TableCache(store.DataDir(tmp_path)))
    for name, layout in layouts.items():
        text = text_of(layout())
        assert queries.BUILD_HINT in text, name
    assert text_of(layouts["overview"]()).count("indicators build") == len(catalogue.topics())


def test_sparkline_ends_print_as_the_card_prints_its_figure(tables):
    """A trend ending at the card's figure ends on the card's own text ('50%', not '49.7')."""
    from pages import overview

    checked = 0
    for card in catalogue.overview_cards(tables):
        for m in card.metrics:
            figure = overview.metric_block(m).children[4].figure
            first, last = (a["text"] for a in figure["layout"]["annotations"])
            ends = m.trend.sort_values("year")["value"]
            if m.printed() is None:
                continue
            if ends.iloc[-1] == pytest.approx(m.value):
                assert last == m.text, m.label
                checked += 1
            assert first[-1] == m.text[-1] or m.text[-1].isdigit(), (m.label, first)
    assert checked >= 8  # the gaps, parity scores, usage gaps and ratios

"""The by-economy charts' row labels."""

from __future__ import annotations

from indicators.catalogue import economies


def test_a_row_label_uses_itus_short_forms_rather_than_cutting_a_name():
    assert economies.tick_label("China, Hong Kong Special Administrative Region", 2018) == (
        "Hong Kong, China<br>(2018)"
    )
    assert economies.tick_label("United Kingdom of Great Britain and Northern Ireland", 2019) == (
        "United Kingdom<br>(2019)"
    )
    assert "…" not in economies.tick_label("China, Macao Special Administrative Region", 2017)


def test_a_row_label_keeps_two_lines_and_drops_a_formal_qualifier():
    bih = economies.tick_label("Bosnia and Herzegovina", 2018)
    assert bih == "Bosnia and<br>Herzegovina (2018)"
    assert economies.tick_label("Bolivia (Plurinational State of)", 2019) == "Bolivia (2019)"

"""Gap metrics against values worked out by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from indicators.metrics import gaps


def test_ratio_and_point_gap_of_developed_vs_ldc_2019():
    # ITU Oct 2019: developed 86.6 %, LDCs 19.1 %; 86.6 / 19.1 = 4.534..., 86.6 - 19.1 = 67.5
    assert gaps.ratio(86.6, 19.1) == pytest.approx(4.5340314, rel=1e-7)
    assert gaps.point_gap(86.6, 19.1) == pytest.approx(67.5)


def test_ratio_with_zero_or_missing_denominator_is_nan():
    assert math.isnan(gaps.ratio(3.0, 0.0))
    assert math.isnan(gaps.ratio(3.0, float("nan")))
    assert math.isnan(gaps.point_gap(None, 2.0))  # type: ignore[arg-type]


def test_parity_score_and_relative_gap_world_2019():
    # ITU Nov 2024, world 2019: female 50.4, male 55.5
    assert gaps.parity_score(50.4, 55.5) == pytest.approx(0.9081081, rel=1e-6)
    # (55.5 - 50.4) / 55.5 = 5.1 / 55.5 = 0.0918918...
    assert gaps.relative_gender_gap(50.4, 55.5) == pytest.approx(0.0918919, rel=1e-6)
    assert gaps.relative_gender_gap(50.4, 55.5) == pytest.approx(1 - gaps.parity_score(50.4, 55.5))


def test_share_and_cagr():
    assert gaps.share(25.0, 200.0) == 0.125
    # 100 -> 121 over 2 years is 10 % a year
    assert gaps.cagr(100.0, 121.0, 2) == pytest.approx(0.10)
    # doubling in 4 years: 2 ** 0.25 - 1 = 0.189207...
    assert gaps.cagr(50.0, 100.0, 4) == pytest.approx(0.1892071, rel=1e-6)
    assert math.isnan(gaps.cagr(0.0, 10.0, 3))
    assert math.isnan(gaps.cagr(10.0, 20.0, 0))


def test_cagr_between_uses_the_named_years():
    series = pd.Series({2015: 100.0, 2016: 150.0, 2019: 316.0})
    # (316 / 100) ** (1 / 4) - 1 = 0.333281...
    assert gaps.cagr_between(series, 2015, 2019) == pytest.approx(0.333281, rel=1e-5)
    assert math.isnan(gaps.cagr_between(series, 2014, 2019))


def test_count_meeting_threshold_ignores_missing():
    prices = pd.Series([1.5, 2.0, 2.5, None, 0.4, 7.0])
    assert gaps.count_meeting(prices, 2.0, "<") == (2, 5)
    assert gaps.count_meeting(prices, 2.0, "<=") == (3, 5)
    assert gaps.count_meeting(prices, 5.0, ">") == (1, 5)


def test_shares_of_total_per_year():
    frame = pd.DataFrame(
        {
            "entity_id": ["WLD", "A", "B", "WLD", "A", "B"],
            "year": [2019, 2019, 2019, 2020, 2020, 2020],
            "bw": [200.0, 150.0, 50.0, 400.0, 100.0, 300.0],
        }
    )
    out = gaps.shares_of_total(frame, "bw", "WLD", ["year"]).set_index(["year", "entity_id"])
    assert out.loc[(2019, "A"), "share"] == 0.75
    assert out.loc[(2020, "B"), "share"] == 0.75
    assert "WLD" not in out.index.get_level_values("entity_id")

"""The divide metrics against values computed by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from indicators.metrics import divides
from indicators.topics import urban_rural


def test_split_gap_points_and_ratio():
    rows = pd.DataFrame(
        {
            "entity_id": ["WLD", "WLD", "WLD", "LIC", "LIC", "HIC"],
            "year": [2024] * 6,
            "location": ["urban", "rural", "total", "urban", "rural", "urban"],
            "value_pct": [82.9, 47.5, 67.6, 45.8, 16.1, 94.9],
        }
    )
    out = divides.split_gap(rows, divides.URBAN_RURAL).set_index("entity_id")
    # High income has no rural rate: no gap, not a gap against zero.
    assert list(out.index) == ["LIC", "WLD"]
    assert out.loc["WLD", "gap_pp"] == 35.4  # 82.9 - 47.5, without float noise
    assert out.loc["WLD", "ratio"] == pytest.approx(82.9 / 47.5)
    assert out.loc["LIC", "ratio"] == pytest.approx(2.8447, abs=1e-4)
    assert list(out.columns) == ["year", "urban_pct", "rural_pct", "gap_pp", "ratio"]


def test_generational_gap_keeps_the_rest_apart_from_the_total():
    rows = pd.DataFrame(
        {
            "entity_id": ["WLD"] * 3,
            "year": [2024] * 3,
            "age": ["total", "youth", "rest"],
            "value_pct": [67.6, 78.5, 65.6],
        }
    )
    out = divides.split_gap(rows, divides.GENERATIONAL).iloc[0]
    assert (out["youth_pct"], out["rest_pct"], out["gap_pp"]) == (78.5, 65.6, 12.9)
    assert out["ratio"] == pytest.approx(1.1966, abs=1e-4)


def test_coverage_and_usage_gaps():
    assert divides.coverage_gap(95.6) == 4.4
    assert divides.usage_gap(95.6, 67.6) == 28.0
    assert divides.usage_gap(51.2, 67.6) == -16.4  # more online than within reach of 5G
    assert math.isnan(divides.usage_gap(float("nan"), 67.6))


def test_coverage_and_use_joined_by_area():
    use = pd.DataFrame(
        {
            "source": "s",
            "vintage": "v",
            "entity_id": ["WLD", "WLD", "WLD"],
            "year": 2024,
            "sex": ["total", "female", "male"],
            "value_pct": [67.6, 65.3, 69.5],
        }
    )
    areas = pd.DataFrame(
        {
            "source": "s",
            "vintage": "v",
            "entity_id": ["WLD", "WLD", "WLD"],
            "year": 2024,
            "location": ["total", "urban", "rural"],
            "sex": "total",
            "value_pct": [67.6, 82.9, 47.5],
        }
    )
    joined = divides.use_by_location(use, areas).set_index("location")["use_pct"]
    assert joined.to_dict() == {"total": 67.6, "urban": 82.9, "rural": 47.5}
    coverage = pd.DataFrame(
        {
            "source": "s",
            "vintage": "v",
            "entity_id": "WLD",
            "year": 2024,
            "technology": "3g",
            "location": ["total", "rural"],
            "coverage_pct": [95.6, 89.8],
        }
    )
    gaps = divides.coverage_and_use(coverage, divides.use_by_location(use, areas))
    gaps = gaps.set_index("location")
    assert gaps.loc["rural", ["usage_gap_pp", "coverage_gap_pp"]].tolist() == [42.3, 10.2]
    assert gaps.loc["total", "usage_gap_pp"] == 28.0


def test_best_network_splits_the_population():
    # Low-income economies, 2024 (Nov 2024 workbook): any signal 91.1, 3G 80.3, LTE 52.0, 5G 3.5
    wide = pd.DataFrame({"mobile_cellular": [91.1], "3g": [80.3], "lte": [52.0], "5g": [3.5]})
    out = divides.best_network(wide).iloc[0]
    assert out["best_5g_pct"] == 3.5
    assert out["best_lte_pct"] == 48.5
    assert out["best_3g_pct"] == 28.3  # 'another 28 per cent rely exclusively on 3G'
    assert out["best_mobile_cellular_pct"] == 10.8
    assert out["best_none_pct"] == 8.9
    shares = [out[f"best_{t}_pct"] for t in (*divides.NETWORK_ORDER, "none")]
    assert sum(shares) == pytest.approx(100.0)


def test_best_network_without_5g_and_with_a_rounding_overlap():
    wide = pd.DataFrame({"mobile_cellular": [99.9], "3g": [100.0], "lte": [99.7]})
    out = divides.best_network(wide).iloc[0]
    assert "best_5g_pct" not in out
    assert out["best_lte_pct"] == 99.7
    assert out["best_mobile_cellular_pct"] == -0.1  # kept as published; the chart says so
    assert out["best_none_pct"] == pytest.approx(0.1)


def test_people_offline_by_area_from_the_rates():
    """World, 2024: 5,508.8 million users, 67.6% online, 82.9% urban and 47.5% rural."""
    population = 5508.8 * 100 / 67.6
    rural_share = (82.9 - 67.6) / (82.9 - 47.5)
    rural = urban_rural.offline_in(5508.8, 67.6, 82.9, 47.5, "rural")
    urban = urban_rural.offline_in(5508.8, 67.6, 82.9, 47.5, "urban")
    assert rural == pytest.approx(population * rural_share * 0.525 / 1000)
    assert (round(rural, 1), round(urban, 1)) == (1.8, 0.8)
    # together, everyone offline: population less users
    assert rural + urban == pytest.approx((population - 5508.8) / 1000)

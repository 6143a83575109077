"""One colour per entity: declared for groups, stable for economies, readable, distinguishable."""

from __future__ import annotations

import itertools
import math

import pytest

from indicators import catalogue
from indicators.etl.codes import GROUPS
from indicators.figures import theme

# Machado, Oliveira & Fernandes (2009), severity 1.0, in linear RGB.
CVD = {
    "protan": [
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ],
    "deutan": [
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ],
    "tritan": [
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ],
}


def linear(colour: str) -> list[float]:
    rgb = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    return [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]


def contrast_on_white(colour: str) -> float:
    r, g, b = linear(colour)
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def lab(rgb: list[float]) -> tuple[float, float, float]:
    r, g, b = (min(1.0, max(0.0, v)) for v in rgb)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116

    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def seen_as(colour: str, deficiency: str | None) -> tuple[float, float, float]:
    rgb = linear(colour)
    if deficiency:
        rgb = [sum(m * c for m, c in zip(row, rgb, strict=True)) for row in CVD[deficiency]]
    return lab(rgb)


def test_every_series_colour_is_readable_on_white():
    for colour in [*theme.PALETTE, theme.WORLD_COLOUR]:
        assert contrast_on_white(colour) >= 3.0, colour


@pytest.mark.parametrize("deficiency", [None, *CVD])
def test_series_colours_stay_apart_for_colour_blind_readers(deficiency):
    for a, b in itertools.combinations([*theme.PALETTE, theme.WORLD_COLOUR], 2):
        distance = math.dist(seen_as(a, deficiency), seen_as(b, deficiency))
        assert distance >= 10, (deficiency, a, b, round(distance, 1))


def test_groups_of_a_grouping_have_distinct_declared_colours():
    groupings: dict[str, list[str]] = {}
    for code, (_, grouping) in GROUPS.items():
        if grouping == "world":
            continue
        groupings.setdefault(grouping, []).append(code)
    groupings["development"].append("LDC")  # drawn beside developed and developing
    for grouping, codes in groupings.items():
        colours = [theme.GROUP_COLOURS[c] for c in ["WLD", *codes]]
        assert len(set(colours)) == len(colours), grouping


def test_economy_colours_are_stable_and_never_repeat_within_a_chart():
    many = ["KEN", "NGA", "IND", "BRA", "FRA", "USA", "CHN", "JPN", "DEU", "ZAF"]
    first = theme.entity_colours(["WLD", *many])
    again = theme.entity_colours(["WLD", *many])
    assert first == again
    hues = [c for c in first.values() if c != theme.MUTED]
    assert len(hues) == len(set(hues)) == theme.MAX_SERIES
    assert first["WLD"] == theme.WORLD_COLOUR
    # A group keeps its declared colour whatever economies are drawn with it.
    assert theme.entity_colours(["USA", "LDC"])["LDC"] == theme.GROUP_COLOURS["LDC"]


def trace_colours(chart) -> dict[str, str]:
    out = {}
    for trace in chart.figure.data:
        colour = trace.line.color if trace.line and trace.line.color else trace.marker.color
        if trace.name and colour:
            out.setdefault(trace.name, colour)
    return out


def test_a_region_keeps_its_colour_across_charts_and_the_share_switch(tables):
    absolute = trace_colours(catalogue.render("bandwidth_regions", tables, {"mode": "absolute"}))
    share = trace_colours(catalogue.render("bandwidth_regions", tables, {"mode": "share"}))
    per_user = trace_colours(catalogue.render("bandwidth_per_user", tables, {}))
    assert absolute["Africa"] == share["Africa"] == per_user["Africa"]
    assert absolute["Africa"] == theme.GROUP_COLOURS["ITU_AFR"]
    assert absolute["Europe"] != absolute["Africa"]


def test_income_legends_keep_income_order(tables):
    order = ["High income", "Upper middle income", "Lower middle income", "Low income"]
    for chart_id, params in [
        ("internet_by_group", {"grouping": "income", "edition": "itu_aggregates@2024-11"}),
        ("gender_parity", {"grouping": "income"}),
        ("price_medians", {"grouping": "income"}),
    ]:
        names = [t.name for t in catalogue.render(chart_id, tables, params).figure.data]
        shown = [n for n in names if n in order]
        assert list(dict.fromkeys(shown)) == order, chart_id

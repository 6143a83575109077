"""The divides beyond the four, declared once: urban-rural and generational gaps in Internet use,
and the coverage and usage gaps of mobile networks, as functions of tidy frames.

- A **split** divide compares two parts of one population (urban and rural dwellers; people aged
  15-24 and the rest): the gap in percentage points (a - b) and the ratio (a / b), by group and
  year.
- The **coverage gap** is the share of the population out of reach of a network (100 - coverage);
  the **usage gap** the share within reach that does not use the Internet (coverage - use), by
  technology (GSMA's terms, also ITU's). Internet use counts any access, not only mobile, so a
  usage gap below zero means more people are online than live within reach of that technology.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from indicators.metrics import gaps

# Differences of values published with a few decimals carry float noise (82.9 - 47.5 =
# 35.400000000000006); six decimals is beyond any publisher's precision.
NOISE_DECIMALS = 6


@dataclass(frozen=True)
class Split:
    """A divide between two parts of a population, each a value of ``column`` in ``table``."""

    key: str  # 'urban_rural'
    table: str
    column: str
    ahead: str  # the part usually ahead ('urban')
    behind: str  # the part usually behind ('rural')
    ahead_label: str  # 'Urban'
    behind_label: str  # 'Rural'
    ahead_people: str  # 'urban dwellers', inside a sentence
    behind_people: str  # 'rural dwellers'
    gap_name: str  # 'urban-rural gap'
    ahead_short: str  # in a one-line headline: 'urban dwellers', 'youth (15-24)'
    behind_short: str  # 'rural dwellers', 'the rest'


URBAN_RURAL = Split(
    "urban_rural",
    "internet_use_by_location",
    "location",
    "urban",
    "rural",
    "Urban",
    "Rural",
    "urban dwellers",
    "rural dwellers",
    "urban-rural gap",
    "urban dwellers",
    "rural dwellers",
)
GENERATIONAL = Split(
    "generational",
    "internet_use_by_age",
    "age",
    "youth",
    "rest",
    "Aged 15-24",
    "Rest of the population",
    "people aged 15-24",
    "the rest of the population",
    "generational gap",
    "youth (15-24)",
    "the rest",
)


@dataclass(frozen=True)
class Measure:
    """One reading of a split: its column, unit and how it is computed from the two rates."""

    column: str
    title: str
    unit: str
    hover: str


SPLIT_MEASURES = {
    "points": Measure("gap_pp", "gap", "percentage points", ".1f"),
    "ratio": Measure("ratio", "ratio", "times", ".2f"),
}


def split_gap(rows: pd.DataFrame, split: Split) -> pd.DataFrame:
    """One row per entity and year (and sex, where the rows have one) with both parts' rates
    (``<part>_pct``), the gap in points (ahead - behind) and the ratio (ahead / behind)."""
    keys = [c for c in ("source", "vintage", "entity_id", "year", "sex") if c in rows.columns]
    parts = rows[rows[split.column].isin([split.ahead, split.behind])]
    wide = parts.pivot_table(index=keys, columns=split.column, values="value_pct", aggfunc="first")
    wide = wide.reindex(columns=[split.ahead, split.behind]).dropna().reset_index()
    wide.columns.name = None
    a, b = f"{split.ahead}_pct", f"{split.behind}_pct"
    wide = wide.rename(columns={split.ahead: a, split.behind: b})
    return wide.assign(
        gap_pp=[point_gap(x, y) for x, y in zip(wide[a], wide[b], strict=True)],
        ratio=[gaps.ratio(x, y) for x, y in zip(wide[a], wide[b], strict=True)],
    )


def point_gap(a: float, b: float) -> float:
    """``a - b`` in percentage points, without the float noise of the subtraction."""
    return round(gaps.point_gap(a, b), NOISE_DECIMALS)


def coverage_gap(coverage_pct: float) -> float:
    """The share of the population out of reach of a network: 100 - coverage."""
    return point_gap(100.0, coverage_pct)


def usage_gap(coverage_pct: float, use_pct: float) -> float:
    """The share within reach of a network that does not use the Internet: coverage - use."""
    return point_gap(coverage_pct, use_pct)


def use_by_location(use: pd.DataFrame, by_location: pd.DataFrame | None) -> pd.DataFrame:
    """Internet use of the whole population (``location`` total, from ``internet_use``) and of
    urban and rural dwellers (from ``internet_use_by_location``): source, vintage, entity_id,
    year, location, use_pct."""
    total = use.loc[use["sex"] == "total", ["source", "vintage", "entity_id", "year", "value_pct"]]
    frames = [total.assign(location="total")]
    if by_location is not None and not by_location.empty:
        areas = by_location[
            (by_location["sex"] == "total") & by_location["location"].isin(["urban", "rural"])
        ]
        frames.append(areas[["source", "vintage", "entity_id", "year", "location", "value_pct"]])
    joined = pd.concat(frames, ignore_index=True)
    return joined.rename(columns={"value_pct": "use_pct"})


def coverage_and_use(coverage: pd.DataFrame, use: pd.DataFrame) -> pd.DataFrame:
    """Coverage rows joined to Internet use of the same entity, year and location, with the
    coverage gap and the usage gap (``use``: the frame ``use_by_location`` returns)."""
    keys = ["source", "vintage", "entity_id", "year", "location"]
    joined = coverage.merge(use[[*keys, "use_pct"]], on=keys, how="inner", validate="many_to_one")
    return joined.assign(
        coverage_gap_pp=[coverage_gap(c) for c in joined["coverage_pct"]],
        usage_gap_pp=[
            usage_gap(c, u) for c, u in zip(joined["coverage_pct"], joined["use_pct"], strict=True)
        ],
    )


# The best network within reach, from ITU's nested "at least" coverage: each technology's share
# less the next one's. 'none' is out of reach of any mobile signal.
NETWORK_ORDER = ("5g", "lte", "3g", "mobile_cellular")


def best_network(wide: pd.DataFrame) -> pd.DataFrame:
    """Shares of the population by the best network within their reach, from a frame with one
    coverage column per technology (``5g``, ``lte``, ``3g``, ``mobile_cellular``; absent ones
    are left out): ``best_<technology>_pct`` (that one but not the next better) and
    ``best_none_pct``. A share below zero (rounded coverage of a better network a tenth above
    the worse one's) is kept as published; the caller says so."""
    present = [t for t in NETWORK_ORDER if t in wide.columns]
    out = wide.copy()
    better: str | None = None
    for technology in present:
        share = out[technology] if better is None else out[technology] - out[better]
        out[f"best_{technology}_pct"] = share.round(NOISE_DECIMALS)
        better = technology
    if present:
        out["best_none_pct"] = (100.0 - out[present[-1]]).round(NOISE_DECIMALS)
    return out

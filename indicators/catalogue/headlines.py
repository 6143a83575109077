"""The headline of every catalogue chart: its key finding cut to an action title for a slide.

A headline says the chart's message in one short line (about 70 characters), from the same
plotted data as the finding (``findings``): the numbers first, the year last. Slides use it as
their title; the full finding stays in the speaker notes and in every other output. A test walks
the catalogue and fails on a chart without one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from indicators.catalogue import findings
from indicators.catalogue.findings import _extremes, _latest, _world_and_groups, count, pct
from indicators.etl.codes import GROUPS
from indicators.figures import Chart

HeadlineFn = Callable[[pd.DataFrame, dict[str, Any]], str]
HEADLINES: dict[str, HeadlineFn] = {}

# How a group reads in a short title (an income group's "economies" is said once, at the end).
SHORT = {
    "HIC": "high-income",
    "UMC": "upper-middle-income",
    "LMC": "lower-middle-income",
    "LIC": "low-income",
    "DEVELOPED": "developed countries",
    "DEVELOPING": "developing countries",
    "LDC": "LDCs",
    "LLDC": "LLDCs",
    "SIDS": "SIDS",
}
INCOME = ("HIC", "UMC", "LMC", "LIC")


def headline(chart_id: str) -> Callable[[HeadlineFn], HeadlineFn]:
    """Declare the headline of a chart."""

    def add(fn: HeadlineFn) -> HeadlineFn:
        HEADLINES[chart_id] = fn
        return fn

    return add


def short(row: pd.Series | str) -> str:
    """An entity as a short title names it ('LDCs', 'high-income', 'Africa')."""
    code = row if isinstance(row, str) else str(row["entity_id"])
    if code in SHORT:
        return SHORT[code]
    if isinstance(row, str):
        return GROUPS.get(code, (code, ""))[0]
    return str(row["name"])


def pair(a: str, b: str, a_value: str, b_value: str) -> str:
    """'93% in high-income vs 26% in low-income economies' (income groups said once)."""
    tail = " economies" if a in INCOME and b in INCOME else ""
    a_name = short(a) + ("" if tail or a not in INCOME else " economies")
    b_name = short(b) + ("" if tail or b not in INCOME else " economies")
    return f"{a_value} in {a_name} vs {b_value} in {b_name}{tail}"


def _code(row: pd.Series) -> str:
    return str(row["entity_id"])


def _named(row: pd.Series) -> str:
    """A short name that stays a name outside a pair ('high-income economies')."""
    code = _code(row)
    return short(row) + (" economies" if code in INCOME else "")


# -- Internet use ---------------------------------------------------------------------------


@headline("internet_by_group")
def internet_by_group(data: pd.DataFrame, p: dict[str, Any]) -> str:
    year, rows = _latest(data)
    _, groups = _world_and_groups(rows)
    top, low = _extremes(groups, "value_pct")
    text = pair(_code(top), _code(low), pct(top["value_pct"]), pct(low["value_pct"]))
    return f"Internet use: {text} ({year})"


@headline("internet_gap")
def internet_gap(data: pd.DataFrame, p: dict[str, Any]) -> str:
    last = data.iloc[-1]
    a, b = short(str(last["entity_a"])), short(str(last["entity_b"]))
    a = a + (" economies" if last["entity_a"] in INCOME else "")
    b = b + (" economies" if last["entity_b"] in INCOME else "")
    if p.get("mode", "ratio") == "ratio":
        size = f"{last['gap']:.1f} times that of {b}"
    else:
        size = f"{last['gap']:.1f} points above {b}"
    return f"Internet use in {a}: {size} ({int(last['year'])})"


@headline("internet_map")
def internet_map(data: pd.DataFrame, p: dict[str, Any]) -> str:
    half = int((data["value_pct"] > 50).sum())
    year = p.get("year") or int(data["year"].max())
    return f"{count(half, len(data)).capitalize()} economies have most people online ({year})"


@headline("internet_compare")
def internet_compare(data: pd.DataFrame, p: dict[str, Any]) -> str:
    latest = data.sort_values("year").groupby("entity_id").tail(1)
    top, low = _extremes(latest, "value_pct")
    if top["entity_id"] == low["entity_id"]:
        return f"{pct(top['value_pct'])} online in {top['name']} ({int(top['year'])})"
    text = pair(_code(top), _code(low), pct(top["value_pct"]), pct(low["value_pct"]))
    return f"Internet use: {text}"


# -- gender gap -----------------------------------------------------------------------------


@headline("gender_parity")
def gender_parity(data: pd.DataFrame, p: dict[str, Any]) -> str:
    year, rows = _latest(data)
    metric = p.get("metric", "parity")
    if metric == "rates":
        wide = rows.pivot_table(index="entity_id", columns="sex", values="value_pct")
        first = wide.iloc[0]
        return f"{pct(first['female'])} of women vs {pct(first['male'])} of men online ({year})"
    world, groups = _world_and_groups(rows)
    lead = world if world is not None else groups.iloc[0]
    where = "worldwide" if world is not None else f"in {_named(lead)}"
    if metric == "parity":
        _, low = _extremes(groups, "parity")
        return (
            f"Gender parity score {lead['parity']:.2f} {where}, {low['parity']:.2f} in "
            f"{_named(low)} ({year})"
        )
    if metric == "points":
        top, _ = _extremes(groups, "gap_pp")
        return (
            f"Men {lead['gap_pp']:.1f} points ahead of women online {where}, "
            f"{top['gap_pp']:.1f} in {_named(top)} ({year})"
        )
    top, _ = _extremes(groups, "relative_gap_pct")
    return (
        f"Women {lead['relative_gap_pct']:.0f}% less likely than men to be online {where}, "
        f"{top['relative_gap_pct']:.0f}% in {_named(top)} ({year})"
    )


@headline("gender_countries")
def gender_countries(data: pd.DataFrame, p: dict[str, Any]) -> str:
    men_ahead = int((data["gap_pp"] > 0).sum())
    return f"More men than women online in {count(men_ahead, len(data))} economies shown"


# -- affordability --------------------------------------------------------------------------


def _cost(value: float, unit: str) -> str:
    if unit == "pct_gni_pc":
        return f"{value:.1f}%"
    return f"{'USD' if unit == 'usd' else 'PPP$'} {value:,.2f}"


@headline("price_medians")
def price_medians(data: pd.DataFrame, p: dict[str, Any]) -> str:
    unit = p.get("unit", "pct_gni_pc")
    column = f"median_{unit}"
    official = data[~data["experimental"]] if "experimental" in data else data
    if "sample" in official:
        official = official[official["sample"] == "annual"]
    year, rows = _latest(official)
    _, groups = _world_and_groups(rows)
    top, low = _extremes(groups, column)
    basket = findings.BASKET_TEXT.get(p.get("basket", ""), "broadband").capitalize()
    of = " of GNI p.c." if unit == "pct_gni_pc" else " a month"
    return (
        f"{basket} costs {_cost(top[column], unit)}{of} in {short(top)} vs "
        f"{_cost(low[column], unit)} in {short(low)} ({year})"
    )


def _economies(data: pd.DataFrame, p: dict[str, Any]) -> str:
    unit = p.get("unit", "pct_gni_pc")
    column = f"price_{unit}"
    official = data[~data["experimental"]] if "experimental" in data else data
    year = int(official["year"].max())
    basket = findings.BASKET_TEXT.get(p.get("basket", ""), "broadband")
    values = official[column].dropna()
    group = str(p.get("group", "all"))
    where = "economies" if group in ("all", "") else short(group)
    if group.startswith("ITU_"):
        where = f"economies in {short(group)}"
    if unit != "pct_gni_pc":
        return f"Median {basket} price {_cost(float(values.median()), unit)} a month ({year})"
    below = int((values < findings.TARGET_PCT).sum())
    return (
        f"{count(below, len(values)).capitalize()} {where} price {basket} below the 2% target "
        f"({year})"
    )


headline("price_distribution")(_economies)
headline("price_map")(_economies)


# -- international bandwidth ----------------------------------------------------------------


@headline("bandwidth_regions")
def bandwidth_regions(data: pd.DataFrame, p: dict[str, Any]) -> str:
    year, rows = _latest(data)
    world, regions = _world_and_groups(rows)
    if "share_pct" in rows:
        top, _ = _extremes(regions, "share_pct")
        return (
            f"{_named(top)} uses {pct(top['share_pct'])} of the world's international "
            f"bandwidth ({year})"
        )
    top, _ = _extremes(regions, "bandwidth_tbps")
    if world is not None:
        return (
            f"International bandwidth reached {world['bandwidth_tbps']:,.0f} Tbit/s; "
            f"{_named(top)} used the most ({year})"
        )
    return f"{_named(top)} used the most international bandwidth ({year})"


@headline("bandwidth_growth")
def bandwidth_growth(data: pd.DataFrame, p: dict[str, Any]) -> str:
    top, _ = _extremes(data, "cagr_pct")
    first = data.iloc[0]
    return (
        f"Bandwidth grew fastest in {_named(top)}: {top['cagr_pct']:.1f}% a year, "
        f"{int(first['start_year'])}-{int(first['end_year'])}"
    )


@headline("bandwidth_per_user")
def bandwidth_per_user(data: pd.DataFrame, p: dict[str, Any]) -> str:
    year, rows = _latest(data)
    _, groups = _world_and_groups(rows)
    top, low = _extremes(groups, "per_user_kbps")
    text = pair(
        _code(low),
        _code(top),
        f"{low['per_user_kbps']:,.0f} kbit/s",
        f"{top['per_user_kbps']:,.0f}",
    )
    return f"Bandwidth per user: {text} ({year})"


# -- use ------------------------------------------------------------------------------------


def of(chart: Chart) -> str:
    """The chart's headline ('' if it declares none or its data lacks what it needs)."""
    declared = HEADLINES.get(str(chart.meta.get("chart", "")))
    if declared is None or chart.data.empty:
        return ""
    try:
        return declared(chart.data, dict(chart.meta.get("params") or {}))
    except (KeyError, IndexError, ValueError):
        return ""

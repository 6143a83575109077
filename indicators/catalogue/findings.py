"""The key finding of every catalogue chart, stated in one sentence from the data it plots.

Each chart id maps to what kind of chart it is and a function of its plotted frame (and the
parameters it was drawn with) that returns the finding. Captions, alt text, the pack's
Markdown and manifest, and the Word and PowerPoint files all read it from here; a test fails
if a catalogue chart has none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from indicators.contract import schemas
from indicators.etl.codes import GROUPS, WORLD
from indicators.figures import Chart
from indicators.metrics import gaps

FindingFn = Callable[[pd.DataFrame, dict[str, Any]], str]

BASKET_TEXT = {"fixed_broadband": "fixed broadband", "mobile_broadband": "mobile broadband"}
# The levels the affordability charts draw (Broadband Commission target, and the 5% the WSIS
# reports cite); stated here too so that findings do not depend on the chart modules' layout.
TARGET_PCT = 2.0
HIGH_PCT = 5.0


@dataclass(frozen=True)
class Finding:
    """How a chart states its key finding."""

    kind: str | Callable[[dict[str, Any]], str]  # what the reader sees: "Line chart", ...
    state: FindingFn


FINDINGS: dict[str, Finding] = {}


def finding(
    chart_id: str, kind: str | Callable[[dict[str, Any]], str]
) -> Callable[[FindingFn], FindingFn]:
    """Declare the finding of a chart."""

    def add(fn: FindingFn) -> FindingFn:
        FINDINGS[chart_id] = Finding(kind, fn)
        return fn

    return add


# -- formatting -----------------------------------------------------------------------------


def half_up(value: float, places: int) -> str:
    """A number to ``places`` decimals with halves rounded up, as reports print them (26.5 ->
    '27'; Python's own formatting rounds halves to even: 26.5 -> '26')."""
    quantum = Decimal(1).scaleb(-places)
    return str(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def pct(value: float) -> str:
    """A share in per cent, to two significant places below 10."""
    return f"{half_up(value, 1)}%" if abs(value) < 10 else f"{half_up(value, 0)}%"


def count(n: int, total: int) -> str:
    """'none of the 30' / 'all 12' / '87 of 195'."""
    if n == 0:
        return f"none of the {total}"
    if n == total:
        return f"all {total}" if total > 2 else ("both" if total == 2 else "the one")
    return f"{n} of {total}"


# How a group reads inside a sentence, where its display name would not.
IN_SENTENCE = {
    "HIC": "high-income economies",
    "UMC": "upper-middle-income economies",
    "LMC": "lower-middle-income economies",
    "LIC": "low-income economies",
    "DEVELOPED": "developed countries",
    "DEVELOPING": "developing countries",
    "LDC": "the least developed countries (LDCs)",
    "LLDC": "landlocked developing countries (LLDCs)",
    "SIDS": "small island developing States (SIDS)",
}


def group_name(code: str) -> str:
    """A group's name as it reads in a sentence (economies keep their code)."""
    return IN_SENTENCE.get(code) or GROUPS.get(code, (code, ""))[0]


def name(row: pd.Series) -> str:
    """The entity of a row as it reads in a sentence."""
    return IN_SENTENCE.get(str(row["entity_id"])) or str(row["name"])


def _latest(data: pd.DataFrame) -> tuple[int, pd.DataFrame]:
    year = int(data["year"].max())
    return year, data[data["year"] == year]


def _extremes(rows: pd.DataFrame, column: str) -> tuple[pd.Series, pd.Series]:
    ordered = rows.dropna(subset=[column]).sort_values(column)
    return ordered.iloc[-1], ordered.iloc[0]


def _world_and_groups(rows: pd.DataFrame) -> tuple[pd.Series | None, pd.DataFrame]:
    world = rows[rows["entity_id"] == WORLD]
    others = rows[rows["entity_id"] != WORLD]
    return (world.iloc[0] if len(world) else None), (others if len(others) else rows)


# -- Internet use ---------------------------------------------------------------------------


@finding("internet_by_group", "Line chart")
def internet_by_group(data: pd.DataFrame, p: dict[str, Any]) -> str:
    year, rows = _latest(data)
    world, groups = _world_and_groups(rows)
    top, low = _extremes(groups, "value_pct")
    text = (
        f"In {year}, {pct(top['value_pct'])} of people used the Internet in {name(top)}, "
        f"against {pct(low['value_pct'])} in {name(low)}"
    )
    if world is not None:
        text += f" and {pct(world['value_pct'])} worldwide"
    return text + "."


@finding("internet_gap", "Line chart")
def internet_gap(data: pd.DataFrame, p: dict[str, Any]) -> str:
    last, first = data.iloc[-1], data.iloc[0]
    a, b = group_name(str(last["entity_a"])), group_name(str(last["entity_b"]))
    ratio = p.get("mode", "ratio") == "ratio"
    size = f"{last['gap']:.1f} times" if ratio else f"{last['gap']:.1f} percentage points"
    relation = "that of" if ratio else "above"
    text = (
        f"In {int(last['year'])}, Internet use in {a} ({pct(last['value_a_pct'])}) was "
        f"{size} {relation} {b} ({pct(last['value_b_pct'])})"
    )
    if len(data) > 1:
        text += (
            f", against {first['gap']:.1f} {'times' if ratio else 'points'} in {int(first['year'])}"
        )
    return text + "."


@finding("internet_map", "World map")
def internet_map(data: pd.DataFrame, p: dict[str, Any]) -> str:
    top, low = _extremes(data, "value_pct")
    half = int((data["value_pct"] > 50).sum())
    year = p.get("year") or int(data["year"].max())
    return (
        f"Up to {year}, {count(half, len(data))} economies mapped had more than half of their "
        f"population online; use ranged from {pct(low['value_pct'])} in {name(low)} to "
        f"{pct(top['value_pct'])} in {name(top)}."
    )


@finding("internet_compare", "Line chart")
def internet_compare(data: pd.DataFrame, p: dict[str, Any]) -> str:
    latest = data.sort_values("year").groupby("entity_id").tail(1)
    top, low = _extremes(latest, "value_pct")
    if top["entity_id"] == low["entity_id"]:
        return (
            f"In {int(top['year'])}, {pct(top['value_pct'])} of people in {name(top)} "
            "used the Internet."
        )
    return (
        f"In the latest year with data, {pct(top['value_pct'])} used the Internet in "
        f"{name(top)} ({int(top['year'])}) against {pct(low['value_pct'])} in "
        f"{name(low)} ({int(low['year'])})."
    )


# -- gender gap -----------------------------------------------------------------------------


def _gender_rates(year: int, world: pd.Series | None, rows: pd.DataFrame) -> str:
    wide = rows.pivot_table(index=["entity_id", "name"], columns="sex", values="value_pct")
    wide = wide.reset_index().assign(gap=lambda f: f["male"] - f["female"])
    where = wide[wide["entity_id"] == WORLD]
    first = where.iloc[0] if len(where) else wide.iloc[0]
    place = "worldwide" if len(where) else f"in {name(first)}"
    others = wide[wide["entity_id"] != WORLD]
    text = (
        f"In {year}, {pct(first['female'])} of women and {pct(first['male'])} of men used "
        f"the Internet {place}"
    )
    if len(others):
        widest = others.sort_values("gap").iloc[-1]
        text += f"; the gap was widest in {name(widest)} ({widest['gap']:.1f} points)"
    return text + "."


@finding("gender_parity", "Line chart")
def gender_parity(data: pd.DataFrame, p: dict[str, Any]) -> str:
    year, rows = _latest(data)
    metric = p.get("metric", "parity")
    if metric == "rates":
        return _gender_rates(year, None, rows)
    world, groups = _world_and_groups(rows)
    where = "worldwide" if world is not None else f"in {name(groups.iloc[0])}"
    lead = world if world is not None else groups.iloc[0]
    if metric == "parity":
        within = int(groups["parity"].between(*gaps.PARITY_BAND).sum())
        _, low = _extremes(groups, "parity")
        return (
            f"In {year}, the gender parity score was {lead['parity']:.2f} {where}; "
            f"{count(within, len(groups))} groups {'was' if within == 1 else 'were'} within "
            f"the parity band ({gaps.PARITY_BAND[0]:.2f}-{gaps.PARITY_BAND[1]:.2f}), "
            f"and the lowest score was in {name(low)} ({low['parity']:.2f})."
        )
    column = "gap_pp" if metric == "points" else "relative_gap_pct"
    top, _ = _extremes(groups, column)
    if metric == "points":
        return (
            f"In {year}, the share of men using the Internet exceeded that of women by "
            f"{lead[column]:.1f} percentage points {where}; the gap was widest in "
            f"{name(top)} ({top[column]:.1f} points)."
        )
    return (
        f"In {year}, women were {lead[column]:.0f}% less likely than men to use the Internet "
        f"{where}, and {top[column]:.0f}% less likely in {name(top)}."
    )


@finding("gender_countries", "Dot plot")
def gender_countries(data: pd.DataFrame, p: dict[str, Any]) -> str:
    men_ahead = int((data["gap_pp"] > 0).sum())
    widest = data.sort_values("gap_pp").iloc[-1]
    return (
        f"Men's Internet use exceeded women's in {count(men_ahead, len(data))} economies "
        f"shown; the gap was widest in {name(widest)} ({int(widest['year'])}): "
        f"{pct(widest['male_pct'])} of men against {pct(widest['female_pct'])} of women."
    )


# -- affordability --------------------------------------------------------------------------


def _price(value: float, unit: str) -> str:
    if unit == "pct_gni_pc":
        return f"{value:.1f}% of monthly GNI per capita"
    return f"{'USD' if unit == 'usd' else 'PPP$'} {value:,.2f} a month"


def _short(value: float, unit: str) -> str:
    return f"{value:.1f}%" if unit == "pct_gni_pc" else f"{value:,.2f}"


@finding("price_medians", "Line chart")
def price_medians(data: pd.DataFrame, p: dict[str, Any]) -> str:
    unit = p.get("unit", "pct_gni_pc")
    column = f"median_{unit}"
    official = data[~data["experimental"]] if "experimental" in data else data
    if "sample" in official:  # the annual medians; the same-economies lines are not restated
        official = official[official["sample"] == schemas.ANNUAL_SAMPLE]
    year, rows = _latest(official)
    world, groups = _world_and_groups(rows)
    top, low = _extremes(groups, column)
    basket = BASKET_TEXT.get(p.get("basket", ""), "broadband")
    text = f"In {year}, the median {basket} price was "
    if world is not None:
        text += f"{_price(world[column], unit)} worldwide, "
    text += (
        f"from {_short(low[column], unit)} in {name(low)} to "
        f"{_short(top[column], unit)} in {name(top)}"
    )
    if unit == "pct_gni_pc":
        below = int((groups[column] < TARGET_PCT).sum())
        text += f"; {count(below, len(groups))} groups had a median below the 2% target"
    return text + "."


def _economy_prices(data: pd.DataFrame, p: dict[str, Any], where: str) -> str:
    unit = p.get("unit", "pct_gni_pc")
    column = f"price_{unit}"
    official = data[~data["experimental"]] if "experimental" in data else data
    year = int(official["year"].max())
    basket = BASKET_TEXT.get(p.get("basket", ""), "broadband")
    values = official[column].dropna()
    if unit != "pct_gni_pc":
        return (
            f"In {year}, the median {basket} price across {len(values)} {where} was "
            f"{_price(float(values.median()), unit)}."
        )
    below = int((values < TARGET_PCT).sum())
    above = int((values > HIGH_PCT).sum())
    return (
        f"In {year}, {count(below, len(values))} {where} priced {basket} below 2% of "
        f"monthly GNI per capita; {above or 'none'} priced it above 5%."
    )


def _group_words(group: str) -> str:
    if group in ("all", ""):
        return "economies"
    label = group_name(group).removeprefix("the ")
    return f"economies in {label}" if group.startswith("ITU_") else label


@finding("price_distribution", "Strip plot")
def price_distribution(data: pd.DataFrame, p: dict[str, Any]) -> str:
    return _economy_prices(data, p, _group_words(str(p.get("group", "all"))))


@finding("price_map", "World map")
def price_map(data: pd.DataFrame, p: dict[str, Any]) -> str:
    return _economy_prices(data, p, "economies")


# -- international bandwidth ----------------------------------------------------------------


@finding(
    "bandwidth_regions",
    lambda p: "Line chart" if p.get("mode") == "share" else "Stacked area chart",
)
def bandwidth_regions(data: pd.DataFrame, p: dict[str, Any]) -> str:
    year, rows = _latest(data)
    world, regions = _world_and_groups(rows)
    if "share_pct" in rows:
        top, low = _extremes(regions, "share_pct")
        return (
            f"In {year}, {name(top)} used {pct(top['share_pct'])} of the world's "
            f"international bandwidth and {name(low)} {pct(low['share_pct'])}."
        )
    top, _ = _extremes(regions, "bandwidth_tbps")
    text = f"In {year}, "
    if world is not None:
        text += f"international bandwidth reached {world['bandwidth_tbps']:,.0f} Tbit/s; "
    return text + f"{name(top)} used the most ({top['bandwidth_tbps']:,.0f} Tbit/s)."


@finding("bandwidth_growth", "Bar chart")
def bandwidth_growth(data: pd.DataFrame, p: dict[str, Any]) -> str:
    top, low = _extremes(data, "cagr_pct")
    first = data.iloc[0]
    return (
        f"Between {int(first['start_year'])} and {int(first['end_year'])}, international "
        f"bandwidth grew fastest in {name(top)} ({top['cagr_pct']:.1f}% a year) and "
        f"slowest in {name(low)} ({low['cagr_pct']:.1f}% a year)."
    )


@finding("bandwidth_per_user", "Line chart")
def bandwidth_per_user(data: pd.DataFrame, p: dict[str, Any]) -> str:
    year, rows = _latest(data)
    world, groups = _world_and_groups(rows)
    top, low = _extremes(groups, "per_user_kbps")
    text = (
        f"In {year}, international bandwidth per Internet user ranged from "
        f"{low['per_user_kbps']:,.0f} kbit/s in {name(low)} to "
        f"{top['per_user_kbps']:,.0f} kbit/s in {name(top)}"
    )
    if world is not None:
        text += f" (world: {world['per_user_kbps']:,.0f} kbit/s)"
    return text + "."


# -- use ------------------------------------------------------------------------------------


def of(chart: Chart) -> str:
    """The chart's key finding in one sentence ('' if the chart declares none)."""
    declared = FINDINGS.get(str(chart.meta.get("chart", "")))
    if declared is None or chart.data.empty:
        return ""
    params = dict(chart.meta.get("params") or {})
    try:
        return declared.state(chart.data, params)
    except (KeyError, IndexError, ValueError):
        # A frame without the rows a finding needs (e.g. one group only) gets no sentence
        # rather than a wrong one.
        return ""


def kind(chart: Chart) -> str:
    """What kind of chart it is, for alt text."""
    declared = FINDINGS.get(str(chart.meta.get("chart", "")))
    if declared is None:
        return "Chart"
    if callable(declared.kind):
        return declared.kind(dict(chart.meta.get("params") or {}))
    return declared.kind


def alt_text(chart: Chart) -> str:
    """What the chart shows, its finding and its source, for screen readers and Word."""
    cap = chart.caption
    parts = [f"{kind(chart)}: {cap.title}. {cap.subtitle}."]
    stated = of(chart)
    if stated:
        parts.append(stated)
    parts.append(f"Source: {cap.source}.")
    return " ".join(p.replace("..", ".") for p in parts)

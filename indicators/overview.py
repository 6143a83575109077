"""The overview cards: the latest value of each gap, as pure functions of the processed tables.

One card per gap (Internet use by development level, gender, broadband prices, bandwidth
concentration). Each figure carries its year, the edition it comes from, a trend for the
sparkline and a link to the chart that shows it; a card whose table is missing says which
command builds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from indicators import gaps
from indicators.charts import Tables, common
from indicators.codes import DEVELOPED, GROUPS, ITU_REGIONS, LDC, WORLD
from indicators.report import (
    bandwidth_regions_href,
    gender_parity_href,
    internet_gap_href,
    price_distribution_href,
    price_medians_href,
)

ITU_SOURCE = "itu_aggregates"
PRICE_SOURCE = "itu_prices"
# Broadband Commission Target 2: entry-level broadband below 2% of monthly GNI per capita by 2025.
PRICE_TARGET_PCT = 2.0
SHORT_NAMES = {
    WORLD: "World",
    DEVELOPED: "Developed",
    LDC: "LDCs",
    "HIC": "High income",
    **{region: GROUPS[region][0] for region in ITU_REGIONS},
}


@dataclass(frozen=True, eq=False)
class Metric:
    """One headline figure of a card."""

    label: str
    text: str
    value: float
    detail: str
    year: int
    edition: str
    trend: pd.DataFrame = field(repr=False)  # columns year, value
    trend_label: str = ""
    href: str = ""
    # "lines" for a trend; "markers" for values that must not be read as one (annual medians).
    trend_mode: str = "lines"


@dataclass(frozen=True, eq=False)
class Card:
    """One gap on the overview: its figures, a link to its page, or why it is empty."""

    key: str
    title: str
    href: str
    link_text: str
    metrics: tuple[Metric, ...] = ()
    notes: tuple[str, ...] = ()
    empty: str = ""


def missing_table(name: str) -> str:
    """The empty-state message for a table that has not been built."""
    return f"The {name} table has not been built yet: {common.BUILD_HINT}."


def missing_tables(tables: Tables, names: Sequence[str]) -> str:
    """The build hint for the first of ``names`` that is not built, or '' if all are."""
    for name in names:
        frame = tables.get(name)
        if frame is None or frame.empty:
            return missing_table(name)
    return ""


def _vintages(frame: pd.DataFrame, source: str) -> list[str]:
    """Editions of one source in a table, newest first."""
    present = frame.loc[frame["source"] == source, "vintage"].unique()
    return sorted((str(v) for v in present), reverse=True)


def _name(entity: str) -> str:
    return SHORT_NAMES.get(entity, entity)


def _label(source: str, vintage: str) -> str:
    return common.edition_label(f"{source}@{vintage}")


def _trend(values: pd.Series) -> pd.DataFrame:
    """A year-indexed series as the (year, value) frame a sparkline plots."""
    return pd.DataFrame({"year": values.index.astype(int), "value": values.to_numpy(float)})


def _wide(frame: pd.DataFrame, vintage: str, sex: str = "total") -> pd.DataFrame:
    """ITU aggregate Internet use of one edition and sex: a year x entity table."""
    rows = frame[(frame["source"] == ITU_SOURCE) & (frame["vintage"] == vintage)]
    rows = rows[rows["sex"] == sex]
    return rows.pivot_table(index="year", columns="entity_id", values="value_pct")


def _estimate_years(frame: pd.DataFrame, vintage: str, entities: list[str]) -> set[int]:
    """Years the publisher marks as estimates for these entities in one ITU edition."""
    rows = frame[(frame["source"] == ITU_SOURCE) & (frame["vintage"] == vintage)]
    rows = rows[rows["entity_id"].isin(entities) & rows["estimate"]]
    return {int(y) for y in rows["year"]}


def use_gap(use: pd.DataFrame, vintage: str, a: str, b: str) -> Metric | None:
    """Internet use of ``a`` vs ``b`` in one ITU edition: ratio (headline) and points."""
    wide = _wide(use, vintage)
    if a not in wide or b not in wide:
        return None
    both = wide[[a, b]].dropna()
    if both.empty:
        return None
    year = int(both.index.max())
    va, vb = float(both.loc[year, a]), float(both.loc[year, b])
    times = gaps.ratio(va, vb)
    estimate = " (ITU estimate)" if year in _estimate_years(use, vintage, [a, b]) else ""
    return Metric(
        label=f"{_name(a)} vs {_name(b)}",
        text=f"{times:.2f}×",
        value=times,
        detail=(
            f"{va:.1f}% vs {vb:.1f}% of people online{estimate}: "
            f"{gaps.point_gap(va, vb):.1f} percentage points apart."
        ),
        year=year,
        edition=_label(ITU_SOURCE, vintage),
        trend=_trend(both[a] / both[b]),
        trend_label="Ratio",
        href=internet_gap_href(a, b, f"{ITU_SOURCE}@{vintage}"),
    )


def internet_card(use: pd.DataFrame | None) -> Card:
    """Developed vs LDCs (newest ITU edition with 'developed') and high income vs LDCs (newest)."""
    card = Card(
        "internet", "Internet use: developed vs least developed", "/internet", "Internet use page"
    )
    if use is None or use.empty:
        return _empty(card, "internet_use")
    vintages = _vintages(use, ITU_SOURCE)
    with_developed = [v for v in vintages if DEVELOPED in set(_wide(use, v).columns)]
    metrics = []
    if with_developed:
        metrics.append(use_gap(use, with_developed[0], DEVELOPED, LDC))
    if vintages:
        metrics.append(use_gap(use, vintages[0], "HIC", LDC))
    found = tuple(m for m in metrics if m is not None)
    if not found:
        return _no_rows(card, "ITU aggregate Internet use for these groups")
    notes: tuple[str, ...] = ("Ratio of the shares of the population using the Internet.",)
    if with_developed and vintages and with_developed[0] != vintages[0]:
        notes += (
            f"{_label(ITU_SOURCE, vintages[0])} has no developed group; high income stands "
            "in for it.",
        )
    return _filled(card, found, notes)


def gender_metric(use: pd.DataFrame, vintage: str, entity: str) -> Metric | None:
    """Gender parity score (headline) and ITU's relative gender gap of one group."""
    female, male = _wide(use, vintage, "female"), _wide(use, vintage, "male")
    if entity not in female or entity not in male:
        return None
    both = pd.DataFrame({"f": female[entity], "m": male[entity]}).dropna()
    if both.empty:
        return None
    year = int(both.index.max())
    f, m = float(both.loc[year, "f"]), float(both.loc[year, "m"])
    score = gaps.parity_score(f, m)
    gap = 100 * gaps.relative_gender_gap(f, m)
    return Metric(
        label=_name(entity),
        text=f"{score:.2f}",
        value=score,
        detail=(
            f"Gender parity score; women are {gap:.1f}% less likely than men to use the "
            f"Internet ({f:.1f}% vs {m:.1f}%)."
        ),
        year=year,
        edition=_label(ITU_SOURCE, vintage),
        trend=_trend(both["f"] / both["m"]),
        trend_label="Parity score",
        href=gender_parity_href(entity, "parity", f"{ITU_SOURCE}@{vintage}"),
    )


def gender_card(use: pd.DataFrame | None) -> Card:
    """Parity score and relative gap for the world and LDCs, newest ITU edition with sexes."""
    card = Card("gender", "Gender gap in Internet use", "/gender", "Gender page")
    if use is None or use.empty:
        return _empty(card, "internet_use")
    with_sex = [v for v in _vintages(use, ITU_SOURCE) if not _wide(use, v, "female").empty]
    if not with_sex:
        return _no_rows(card, "an ITU aggregate edition with a split by sex")
    metrics = tuple(
        m for m in (gender_metric(use, with_sex[0], e) for e in (WORLD, LDC)) if m is not None
    )
    if not metrics:
        return _no_rows(card, "female and male Internet use for the world or LDCs")
    low, high = gaps.PARITY_BAND
    notes = (f"Parity score = female / male rate; {low}-{high} counts as parity.",)
    return _filled(card, metrics, notes)


def _median_prices(prices: pd.DataFrame, vintage: str) -> pd.DataFrame:
    """Official fixed-broadband group medians in % of GNI per capita, one edition."""
    rows = prices[
        (prices["source"] == PRICE_SOURCE)
        & (prices["vintage"] == vintage)
        & (prices["basket"] == "fixed_broadband")
        & (prices["unit"] == "pct_gni_pc")
        & (prices["statistic"] == "median")
        & ~prices["experimental"]
    ]
    return rows


def price_metric(rows: pd.DataFrame, vintage: str, entity: str) -> Metric | None:
    """The median fixed-broadband price of a group at its latest year, against the target."""
    own = rows[rows["entity_id"] == entity].sort_values("year")
    if own.empty:
        return None
    last = own.iloc[-1]
    # ITU moved the basket from 1 GB to 5 GB in 2018: the trend keeps the latest basket only.
    same = own[own["allowance_gb"] == last["allowance_gb"]]
    value = float(last["value"])
    times = gaps.ratio(value, PRICE_TARGET_PCT)
    versus = f"{times:.1f} times the 2% target" if value > PRICE_TARGET_PCT else "meets the target"
    return Metric(
        label=f"{_name(entity)} (median)",
        text=f"{value:.1f}%",
        value=value,
        detail=(
            f"Fixed broadband ({last['allowance_gb']:g} GB) as % of monthly GNI per capita; "
            f"{versus}."
        ),
        year=int(last["year"]),
        edition=_label(PRICE_SOURCE, vintage),
        trend=_trend(same.set_index("year")["value"]),
        trend_label=(
            f"Annual medians, {last['allowance_gb']:g} GB basket (ITU: not for year-on-year "
            "comparison)"
        ),
        trend_mode="markers",
        href=price_medians_href(entity, "fixed_broadband", f"{PRICE_SOURCE}@{vintage}"),
    )


def meeting_metric(prices: pd.DataFrame, vintage: str) -> Metric | None:
    """How many economies' fixed-broadband basket costs less than 2% of GNI p.c., latest year."""
    rows = prices[
        (prices["source"] == PRICE_SOURCE)
        & (prices["vintage"] == vintage)
        & (prices["basket"] == "fixed_broadband")
        & (prices["unit"] == "pct_gni_pc")
        & (prices["statistic"] == "value")
        & ~prices["experimental"]
    ]
    if rows.empty:
        return None
    year = int(rows["year"].max())
    met, total = gaps.count_meeting(rows.loc[rows["year"] == year, "value"], PRICE_TARGET_PCT)
    per_year = rows.groupby("year")["value"].apply(
        lambda v: 100 * gaps.count_meeting(v, PRICE_TARGET_PCT)[0] / max(1, v.notna().sum())
    )
    return Metric(
        label="Economies meeting the 2% target",
        text=f"{met} of {total}",
        value=float(met),
        detail=(
            f"Economies whose fixed-broadband basket costs less than 2% of monthly GNI per "
            f"capita ({100 * met / total:.0f}%)."
        ),
        year=year,
        edition=_label(PRICE_SOURCE, vintage),
        trend=_trend(per_year),
        trend_label="Share meeting it each year, % (the economies priced vary by year)",
        trend_mode="markers",
        href=price_distribution_href("all", year, "fixed_broadband", f"{PRICE_SOURCE}@{vintage}"),
    )


def price_card(prices: pd.DataFrame | None) -> Card:
    """Median fixed-broadband price in LDCs and the world vs the 2% affordability target."""
    card = Card("prices", "Fixed-broadband prices", "/affordability", "Affordability page")
    if prices is None or prices.empty:
        return _empty(card, "broadband_price")
    vintages = _vintages(prices, PRICE_SOURCE)
    if not vintages:
        return _no_rows(card, "ITU price-basket medians")
    rows = _median_prices(prices, vintages[0])
    metrics = tuple(
        m
        for m in (
            meeting_metric(prices, vintages[0]),
            *(price_metric(rows, vintages[0], e) for e in (LDC, WORLD)),
        )
        if m
    )
    if not metrics:
        return _no_rows(card, "fixed-broadband medians for LDCs or the world")
    notes = (
        "Target: entry-level broadband below 2% of monthly GNI per capita "
        "(Broadband Commission, 2025).",
    )
    return _filled(card, metrics, notes)


def region_shares(bandwidth: pd.DataFrame, vintage: str) -> pd.DataFrame:
    """Each ITU region's share of world international bandwidth by year, one edition."""
    rows = bandwidth[(bandwidth["source"] == ITU_SOURCE) & (bandwidth["vintage"] == vintage)]
    rows = rows[rows["entity_id"].isin([WORLD, *ITU_REGIONS])]
    return gaps.shares_of_total(rows, "bandwidth_gbps", WORLD, ["year"])


def top_three_share(shares: pd.DataFrame) -> pd.Series:
    """The combined share of the three largest regions, per year."""
    top = shares.sort_values("share", ascending=False).groupby("year").head(3)
    return top.groupby("year")["share"].sum().sort_index()


def bandwidth_metric(bandwidth: pd.DataFrame, vintage: str) -> Metric | None:
    """The three largest ITU regions' combined share of world bandwidth, latest year."""
    shares = region_shares(bandwidth, vintage)
    if shares.empty:
        return None
    year = int(shares["year"].max())
    latest = shares[shares["year"] == year].nlargest(3, "share")
    combined = top_three_share(shares)
    world = bandwidth[
        (bandwidth["source"] == ITU_SOURCE)
        & (bandwidth["vintage"] == vintage)
        & (bandwidth["entity_id"] == WORLD)
        & (bandwidth["year"] == year)
    ]["bandwidth_gbps"]
    parts = ", ".join(
        f"{_name(e)} {100 * s:.1f}%" for e, s in latest[["entity_id", "share"]].itertuples(False)
    )
    total = f" of {world.iloc[0] / 1000:,.1f} Tbit/s" if not world.empty else ""
    return Metric(
        label="Top three ITU regions",
        text=f"{100 * combined[year]:.1f}%",
        value=float(100 * combined[year]),
        detail=f"{parts}{total}.",
        year=year,
        edition=_label(ITU_SOURCE, vintage),
        trend=_trend(100 * combined),
        trend_label="Top-three share",
        href=bandwidth_regions_href("share", f"{ITU_SOURCE}@{vintage}"),
    )


def bandwidth_card(bandwidth: pd.DataFrame | None) -> Card:
    """Concentration: the three largest ITU regions' share of international bandwidth."""
    card = Card("bandwidth", "International bandwidth", "/bandwidth", "Bandwidth page")
    if bandwidth is None or bandwidth.empty:
        return _empty(card, "bandwidth")
    vintages = _vintages(bandwidth, ITU_SOURCE)
    metric = bandwidth_metric(bandwidth, vintages[0]) if vintages else None
    if metric is None:
        return _no_rows(card, "ITU regional bandwidth with a world total")
    notes = ("Share of ITU's world total; the trend is the top three of each year.",)
    return _filled(card, (metric,), notes)


def cards(tables: Tables) -> list[Card]:
    """The four overview cards, from whatever tables are built."""
    use = tables.get("internet_use")
    return [
        internet_card(use),
        gender_card(use),
        price_card(tables.get("broadband_price")),
        bandwidth_card(tables.get("bandwidth")),
    ]


def _empty(card: Card, table: str) -> Card:
    return Card(card.key, card.title, card.href, card.link_text, empty=missing_table(table))


def _no_rows(card: Card, what: str) -> Card:
    message = f"The processed tables hold no {what}: {common.BUILD_HINT} with all sources."
    return Card(card.key, card.title, card.href, card.link_text, empty=message)


def _filled(card: Card, metrics: tuple[Metric, ...], notes: tuple[str, ...]) -> Card:
    return Card(card.key, card.title, card.href, card.link_text, metrics, notes)

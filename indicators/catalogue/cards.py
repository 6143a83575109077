"""The Overview's cards: what a card and a figure are, and the helpers the topics build them with.

Each topic module declares its card (a pure function of the processed tables); ``cards`` asks
every topic. Each figure carries its year, the edition it comes from, a trend for the sparkline
and a link to the chart that shows it; a card whose table is missing says which command builds it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from indicators.catalogue import queries, wording
from indicators.contract.store import Tables
from indicators.etl.codes import DEVELOPED, GROUPS, ITU_REGIONS, LDC, WORLD

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

    def printed(self) -> Callable[[float], str] | None:
        """How another value of the figure prints, as its text prints the figure ('1.75' as
        '1.7×' is printed '1.7×', '49.7' as '50%' '50%'), for the sparkline's end values; None
        when the text is no number in that form ('87 of 195')."""
        return printed_like(self.text)


NUMBER_TEXT = re.compile(r"^(?P<sign>\+?)(?P<whole>\d[\d,]*)(?:\.(?P<places>\d+))?(?P<unit>%|×|)$")


def printed_like(text: str) -> Callable[[float], str] | None:
    """A printer of values in the form of ``text`` (sign, decimals and unit), or None."""
    shape = NUMBER_TEXT.match(text.strip())
    if shape is None:
        return None
    places = len(shape["places"] or "")

    def printed(value: float) -> str:
        sign = "+" if shape["sign"] and value > 0 else ""
        return f"{sign}{float(wording.half_up(value, places)):,.{places}f}{shape['unit']}"

    return printed


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
    return f"The {name} table has not been built yet: {queries.BUILD_HINT}."


def missing_tables(tables: Tables, names: Sequence[str]) -> str:
    """The build hint for the first of ``names`` that is not built, or '' if all are."""
    for name in names:
        frame = tables.get(name)
        if frame is None or frame.empty:
            return missing_table(name)
    return ""


def vintages(frame: pd.DataFrame, source: str) -> list[str]:
    """Editions of one source in a table, newest first."""
    present = frame.loc[frame["source"] == source, "vintage"].unique()
    return sorted((str(v) for v in present), reverse=True)


def short_name(entity: str) -> str:
    return SHORT_NAMES.get(entity, entity)


def edition_name(source: str, vintage: str) -> str:
    return queries.edition_label(f"{source}@{vintage}")


def trend(values: pd.Series) -> pd.DataFrame:
    """A year-indexed series as the (year, value) frame a sparkline plots."""
    return pd.DataFrame({"year": values.index.astype(int), "value": values.to_numpy(float)})


def wide(frame: pd.DataFrame, vintage: str, sex: str = "total") -> pd.DataFrame:
    """ITU aggregate Internet use of one edition and sex: a year x entity table."""
    rows = frame[(frame["source"] == ITU_SOURCE) & (frame["vintage"] == vintage)]
    rows = rows[rows["sex"] == sex]
    return rows.pivot_table(index="year", columns="entity_id", values="value_pct")


def estimate_years(frame: pd.DataFrame, vintage: str, entities: list[str]) -> set[int]:
    """Years the publisher marks as estimates for these entities in one ITU edition."""
    rows = frame[(frame["source"] == ITU_SOURCE) & (frame["vintage"] == vintage)]
    rows = rows[rows["entity_id"].isin(entities) & rows["estimate"]]
    return {int(y) for y in rows["year"]}


def empty_card(card: Card, table: str) -> Card:
    return Card(card.key, card.title, card.href, card.link_text, empty=missing_table(table))


def no_rows_card(card: Card, what: str) -> Card:
    message = f"The processed tables hold no {what}: {queries.BUILD_HINT} with all sources."
    return Card(card.key, card.title, card.href, card.link_text, empty=message)


def filled_card(card: Card, metrics: tuple[Metric, ...], notes: tuple[str, ...]) -> Card:
    return Card(card.key, card.title, card.href, card.link_text, metrics, notes)

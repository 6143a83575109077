"""The divide metrics the reports cite, as plain functions of numbers and tidy frames."""

from __future__ import annotations

import math
import operator
from collections.abc import Callable

import pandas as pd

# Values within this distance of 1 are "at parity" in ITU's gender parity reporting.
PARITY_BAND = (0.98, 1.02)

_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _finite(*values: float) -> bool:
    return all(v is not None and not pd.isna(v) and math.isfinite(v) for v in values)


def ratio(a: float, b: float) -> float:
    """How many times ``a`` is ``b`` (e.g. developed vs LDC Internet use); NaN if b is 0."""
    if not _finite(a, b) or b == 0:
        return math.nan
    return a / b


def point_gap(a: float, b: float) -> float:
    """Percentage-point gap ``a - b`` between two rates."""
    return a - b if _finite(a, b) else math.nan


def parity_score(female: float, male: float) -> float:
    """Gender parity score: female rate / male rate (1 = parity, below 1 favours men)."""
    return ratio(female, male)


def relative_gender_gap(female: float, male: float) -> float:
    """ITU's gender gap: (male - female) / male, the share by which women are less likely online."""
    if not _finite(female, male) or male == 0:
        return math.nan
    return (male - female) / male


def share(part: float, total: float) -> float:
    """A part's share of a total, as a fraction."""
    return ratio(part, total)


def cagr(start: float, end: float, years: float) -> float:
    """Compound annual growth rate over ``years`` years, as a fraction (0.334 = 33.4 %)."""
    if not _finite(start, end, years) or start <= 0 or end < 0 or years <= 0:
        return math.nan
    return (end / start) ** (1 / years) - 1


def count_meeting(values: pd.Series, threshold: float, op: str = "<") -> tuple[int, int]:
    """How many of the non-missing values satisfy ``value op threshold``, and out of how many."""
    present = values.dropna()
    test = _OPERATORS[op]
    met = sum(1 for v in present if test(float(v), threshold))
    return met, len(present)


def shares_of_total(frame: pd.DataFrame, value: str, total_id: str, by: list[str]) -> pd.DataFrame:
    """Each entity's share of the ``total_id`` entity's value, within each ``by`` cell (e.g. year).

    The frame is tidy with an ``entity_id`` column; the result keeps the parts and adds ``share``.
    """
    totals = frame.loc[frame["entity_id"] == total_id, [*by, value]].rename(
        columns={value: "_total"}
    )
    parts = frame[frame["entity_id"] != total_id].merge(totals, on=by, how="inner")
    parts = parts.assign(share=parts[value] / parts["_total"])
    return parts.drop(columns="_total")


def cagr_between(series: pd.Series, start_year: int, end_year: int) -> float:
    """CAGR of a year-indexed series between two years present in it."""
    if start_year not in series.index or end_year not in series.index:
        return math.nan
    return cagr(float(series[start_year]), float(series[end_year]), end_year - start_year)

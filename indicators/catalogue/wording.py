"""Words for findings: how shares, counts and groups read inside a sentence.

Each chart's finding (declared beside the chart in its topic module) states what the plotted
frame shows in one sentence; these helpers keep the phrasing the same across charts.
"""

from __future__ import annotations

import pandas as pd

from indicators.etl.codes import GROUPS, WORLD


def pct(value: float) -> str:
    """A share in per cent, to two significant places below 10."""
    return f"{value:.1f}%" if abs(value) < 10 else f"{value:.0f}%"


def count(n: int, total: int) -> str:
    """'none of the 30' / 'all 12' / '87 of 195'."""
    if n == 0:
        return f"none of the {total}"
    if n == total:
        return f"all {total}" if total > 2 else ("both" if total == 2 else "the one")
    return f"{n} of {total}"


# How a group reads inside a sentence, where its display name would not.
IN_SENTENCE = {
    WORLD: "the world",
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


def latest(data: pd.DataFrame) -> tuple[int, pd.DataFrame]:
    """The latest year of a frame, and its rows in that year."""
    year = int(data["year"].max())
    return year, data[data["year"] == year]


def extremes(rows: pd.DataFrame, column: str) -> tuple[pd.Series, pd.Series]:
    """The rows with the highest and the lowest value of a column."""
    ordered = rows.dropna(subset=[column]).sort_values(column)
    return ordered.iloc[-1], ordered.iloc[0]


def world_and_groups(rows: pd.DataFrame) -> tuple[pd.Series | None, pd.DataFrame]:
    """The world's row (if drawn) and the other rows (all rows when the world is alone)."""
    world = rows[rows["entity_id"] == WORLD]
    others = rows[rows["entity_id"] != WORLD]
    return (world.iloc[0] if len(world) else None), (others if len(others) else rows)

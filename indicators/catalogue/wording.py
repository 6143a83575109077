"""Words for findings: how shares, counts and groups read inside a sentence.

Each chart's finding (declared beside the chart in its topic module) states what the plotted
frame shows in one sentence; these helpers keep the phrasing the same across charts.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd

from indicators.etl.codes import GROUPS, WORLD


def half_up(value: float, places: int) -> str:
    """A number to ``places`` decimals with halves rounded up, as reports print them (26.5 ->
    '27'; Python's own formatting rounds halves to even: 26.5 -> '26')."""
    quantum = Decimal(1).scaleb(-places)
    return str(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def pct(value: float) -> str:
    """A share in per cent, to two significant places below 10."""
    return f"{half_up(value, 1)}%" if abs(value) < 10 else f"{half_up(value, 0)}%"


def listed(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return ", ".join(items[:-1]) + f" and {items[-1]}" if len(items) > 1 else items[0]


def at_printed(rows: pd.DataFrame, column: str, value: float) -> str:
    """The names of the rows whose value prints as ``value`` does, in alphabetical order
    ('Bahrain, Saudi Arabia and United Arab Emirates'): a tie at the printed figure names
    every economy in it, not the one a sort happened to leave at the end."""
    shown = pct(value)
    return listed(sorted(name(r) for _, r in rows.iterrows() if pct(float(r[column])) == shown))


def apart(a: float, b: float, places: int = 1, most: int = 3) -> int:
    """The fewest decimals, from ``places`` up to ``most``, at which two values print apart:
    a change from 1.73 to 1.75 reads '1.73 (1.75 ...)', never '1.7 (1.7 ...)'."""
    while places < most and half_up(a, places) == half_up(b, places):
        places += 1
    return places


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


ABBREVIATED = re.compile(r"^(?P<the>the )?[^()]+ \((?P<short>[A-Z][A-Za-z]*[A-Z]s?)\)$")


def abbreviation(text: str) -> str | None:
    """The abbreviation a name ends in ('the least developed countries (LDCs)' -> 'the LDCs',
    'Small island developing States (SIDS)' -> 'SIDS'), or None: a formal qualifier in
    brackets ('Micronesia (Fed. States of)') is no abbreviation."""
    short = ABBREVIATED.match(text.strip())
    return f"{short['the'] or ''}{short['short']}" if short else None


def aside(text: str, detail: str) -> str:
    """'Africa (30%)', so that two brackets never follow each other: a name that ends in its
    abbreviation goes by the abbreviation ('the least developed countries (LDCs)' -> 'the LDCs
    (30%)'), any other name ending in brackets takes its detail after a comma ('Bolivia
    (Plurinational State of), 2018')."""
    short = abbreviation(text)
    if short:
        return f"{short} ({detail})"
    return f"{text}, {detail}" if text.rstrip().endswith(")") else f"{text} ({detail})"


def spans_note(data: pd.DataFrame, column: str) -> tuple[str, ...]:
    """A note when the world's line starts earlier than its groups' ('World from 2010; the
    groups from 2015.'), so a jump where the groups begin is not read as a change; nothing
    when every line covers the same years."""
    drawn = data.dropna(subset=[column])
    if drawn.empty or WORLD not in set(drawn["entity_id"]):
        return ()
    first = drawn.groupby("entity_id")["year"].min()
    world, groups = int(first[WORLD]), first.drop(WORLD)
    if groups.empty or world >= int(groups.min()):
        return ()
    start = int(groups.min())
    return (f"World from {world}; the groups from {start}, the first year with their values.",)


def latest(data: pd.DataFrame) -> tuple[int, pd.DataFrame]:
    """The latest year of a frame, and its rows in that year."""
    year = int(data["year"].max())
    return year, data[data["year"] == year]


def year_span(data: pd.DataFrame) -> str:
    """The first and the last year of a frame, as a caption says them ('2015-2024')."""
    return f"{int(data['year'].min())}-{int(data['year'].max())}"


def extremes(rows: pd.DataFrame, column: str) -> tuple[pd.Series, pd.Series]:
    """The rows with the highest and the lowest value of a column."""
    ordered = rows.dropna(subset=[column]).sort_values(column)
    return ordered.iloc[-1], ordered.iloc[0]


def world_and_groups(rows: pd.DataFrame) -> tuple[pd.Series | None, pd.DataFrame]:
    """The world's row (if drawn) and the other rows (all rows when the world is alone)."""
    world = rows[rows["entity_id"] == WORLD]
    others = rows[rows["entity_id"] != WORLD]
    return (world.iloc[0] if len(world) else None), (others if len(others) else rows)


def with_lead(rows: pd.DataFrame) -> tuple[pd.Series | None, pd.DataFrame, pd.Series]:
    """The world's row (if drawn), the other rows, and the row a sentence leads with."""
    world, groups = world_and_groups(rows)
    return world, groups, world if world is not None else groups.iloc[0]


def latest_range(
    data: pd.DataFrame, column: str
) -> tuple[int, pd.Series, pd.Series, pd.Series | None]:
    """The latest year, its groups with the highest and lowest value, and the world's row."""
    year, rows = latest(data)
    world, groups = world_and_groups(rows)
    top, low = extremes(groups, column)
    return year, top, low, world


# -- headlines: a finding said in one short line -------------------------------------------

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


def short(row: pd.Series | str) -> str:
    """An entity as a short title names it ('LDCs', 'high-income', 'Africa')."""
    code = row if isinstance(row, str) else str(row["entity_id"])
    if code in SHORT:
        return SHORT[code]
    if isinstance(row, str):
        return GROUPS.get(code, (code, ""))[0]
    return str(row["name"])


def named(row: pd.Series | str) -> str:
    """A short name that stays a name on its own ('high-income economies', 'LDCs')."""
    code = row if isinstance(row, str) else str(row["entity_id"])
    return short(row) + (" economies" if code in INCOME else "")


def pair(a: pd.Series, b: pd.Series, a_value: str, b_value: str) -> str:
    """'93% in high-income vs 26% in low-income economies' (income groups said once)."""
    codes = str(a["entity_id"]), str(b["entity_id"])
    if all(c in INCOME for c in codes):
        return f"{a_value} in {short(a)} vs {b_value} in {short(b)} economies"
    return f"{a_value} in {named(a)} vs {b_value} in {named(b)}"

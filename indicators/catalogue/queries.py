"""Queries shared by the chart modules: editions, names, latest values, source lines."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from indicators.catalogue.errors import NoData
from indicators.contract.store import Tables
from indicators.etl import sources
from indicators.etl.codes import GROUPS, WORLD

# What to run when a table is missing: online, or from a folder of the publishers' files.
BUILD_HINT = (
    "run `indicators fetch` (offline: `indicators fetch --from DIR`, a folder of the "
    "publishers' files) then `indicators build`"
)
GROUPING_LABELS = {
    "development": "Development status",
    "itu_region": "ITU region",
    "income": "Income group",
    "wb_region": "World Bank region",
    "special": "LDC / LLDC / SIDS",
}


# Table headings of the columns many charts share; a chart labels its own in its spec.
COLUMN_LABELS = {
    "entity_id": "Code",
    "name": "Economy or group",
    "year": "Year",
    "sex": "Sex",
    "estimate": "ITU estimate",
    "allowance_gb": "Data allowance (GB per month)",
    "experimental": "Experimental collection",
}


def grouping_phrase(grouping: str) -> str:
    """The grouping's label for use inside a sentence ('income group', 'ITU region')."""
    label = GROUPING_LABELS.get(grouping, grouping)
    return label if label.split()[0].isupper() else label[0].lower() + label[1:]


def table(tables: Tables, name: str) -> pd.DataFrame:
    """A published table, or NoData naming the command that builds it."""
    frame = tables.get(name)
    if frame is None or frame.empty:
        raise NoData(f"The {name} table has not been built yet: {BUILD_HINT}.")
    return frame


def memo(
    tables: Tables, frame: pd.DataFrame, key: tuple[Any, ...], compute: Callable[[], Any]
) -> Any:
    """``compute()`` once per loaded frame: control choices and defaults are asked for on every
    page visit, and the published tables change only when a build publishes a new version. The
    table cache holds the memo (and drops it with the tables it was computed from); tables that
    keep no memo (a test's made-up tables) compute every time."""
    keep = getattr(tables, "memo", None)
    return compute() if keep is None else keep(frame, key, compute)


def editions(tables: Tables, name: str, sources: tuple[str, ...] | None = None) -> list[str]:
    """'source@vintage' keys present in a table, newest first within each source."""
    frame = tables.get(name)
    if frame is None or frame.empty:
        return []
    return list(memo(tables, frame, ("editions", name, sources), lambda: _editions(frame, sources)))


def _editions(frame: pd.DataFrame, sources: tuple[str, ...] | None) -> list[str]:
    pairs = frame[["source", "vintage"]].drop_duplicates()
    if sources:
        pairs = pairs[pairs["source"].isin(sources)]
    pairs = pairs.sort_values(["source", "vintage"], ascending=[True, False])
    return [f"{s}@{v}" for s, v in pairs.itertuples(index=False)]


def first_of(choices: Callable[[Tables], Sequence[Any]]) -> Callable[[Tables], Any]:
    """A default that picks the first of the choices ('' when there are none)."""

    def pick(tables: Tables) -> Any:
        options = choices(tables)
        return options[0] if options else ""

    return pick


@dataclass(frozen=True)
class EditionChoices:
    """The editions of a table a chart offers (of some sources), and the groupings it draws."""

    table: str
    sources: tuple[str, ...] | None = None
    groupings: tuple[str, ...] = ()

    def options(self, tables: Tables) -> list[str]:
        """The table's editions of these sources, newest first within each source."""
        return editions(tables, self.table, self.sources)

    def newest(self, tables: Tables) -> str:
        """The first of the editions ('' when none is built)."""
        options = self.options(tables)
        return options[0] if options else ""

    def groupings_in(self, tables: Tables, p: dict[str, Any]) -> list[str]:
        """The groupings with at least one group in the chosen edition."""
        return edition_groupings(tables, self.table, p["edition"], list(self.groupings))


def split_edition(key: str) -> tuple[str, str]:
    """'itu_aggregates@2024-11' -> ('itu_aggregates', '2024-11')."""
    source, _, vintage = key.partition("@")
    return source, vintage


def edition_label(key: str) -> str:
    """A person's name for an edition key, from its format's declaration."""
    return sources.edition_title(*split_edition(key))


def source_line(tables: Tables, key: str) -> str:
    """The citation of an edition for the caption's source line, as the build recorded it."""
    source, vintage = split_edition(key)
    editions = tables.get("editions")
    if editions is not None and not editions.empty:
        row = editions[(editions["source"] == source) & (editions["edition"] == vintage)]
        if len(row):
            return str(row["citation"].iloc[0])
    fmt = sources.BY_SOURCE.get(source)
    label = sources.Edition(vintage, vintage).label()
    return fmt.citation.format(edition=label) if fmt else f"{source}, {vintage}"


def framed(
    data: pd.DataFrame,
    tables: Tables,
    edition: str,
    notes: tuple[str, ...] = (),
    names: dict[str, str] | None = None,
) -> pd.DataFrame:
    """A query's result: the rows a chart draws, with what its pure figure needs to caption them
    and cannot read from the rows, in ``frame.attrs``: the edition's source line, notes about
    rows the query left out, and names of entities the rows give only by code."""
    out = data.reset_index(drop=True)
    out.attrs = {
        "source": source_line(tables, edition),
        "edition": edition,
        "notes": tuple(notes),
        "names": dict(names or {}),
    }
    return out


def source_of(data: pd.DataFrame) -> str:
    """The source line a query attached to its frame ('' for a hand-made frame)."""
    return str(data.attrs.get("source", ""))


def notes_of(data: pd.DataFrame) -> tuple[str, ...]:
    """The notes a query attached to its frame."""
    return tuple(data.attrs.get("notes", ()))


def estimate_note(rows: pd.DataFrame) -> tuple[str, ...]:
    """Say which plotted years the publisher marks as estimates."""
    years = sorted(int(y) for y in rows.loc[rows["estimate"], "year"].unique())
    if not years:
        return ()
    if len(years) == rows["year"].nunique():
        return ("All values are ITU estimates.",)
    return (f"{', '.join(map(str, years))} = ITU estimate.",)


def names_in(data: pd.DataFrame) -> dict[str, str]:
    """entity_id -> name, as the frame carries them (its name column, or the names its query
    attached), for legends and captions."""
    found = dict(data.attrs.get("names") or {})
    if {"entity_id", "name"} <= set(data.columns):
        found.update(zip(data["entity_id"], data["name"], strict=True))
    return found


def rows_of(tables: Tables, name: str, key: str) -> pd.DataFrame:
    """The rows of one edition of a published table (NoData naming the command that builds it)."""
    frame = table(tables, name)
    source, vintage = split_edition(key)
    # Copy-on-write (pandas 3) keeps the memoised slice safe from callers' changes.
    rows = memo(
        tables,
        frame,
        ("rows", key),
        lambda: frame[(frame["source"] == source) & (frame["vintage"] == vintage)],
    )
    if rows.empty:
        raise NoData(f"No data for edition {edition_label(key)}: {BUILD_HINT}.")
    return rows


def elsewhere_note(
    tables: Tables, name: str, edition: str, data: pd.DataFrame, column: str = "value_pct"
) -> tuple[str, ...]:
    """A note when another publisher's newest edition in the same table gives the world a
    different value for the latest year a chart draws (ITU's estimate of the world and the
    World Bank's WDI aggregate of the same series): a reader who cites two charts of one page
    is told why their world figures differ. Values are compared at the one decimal they print."""
    world = data[data["entity_id"] == WORLD]
    if world.empty or column not in world.columns:
        return ()
    year = int(world["year"].max())
    value = float(world.loc[world["year"] == year, column].iloc[0])
    own, _ = split_edition(edition)
    frame = table(tables, name)
    notes = []
    for source in sorted(set(frame["source"]) - {own}):
        newest = editions(tables, name, (source,))[0]
        rows = rows_of(tables, name, newest)
        match = rows[(rows["entity_id"] == WORLD) & (rows["year"] == year)]
        if "sex" in match.columns:
            match = match[match["sex"] == "total"]
        if match.empty or pd.isna(match[column].iloc[0]):
            continue
        other = float(match[column].iloc[0])
        if round(other, 1) != round(value, 1):
            notes.append(
                f"World, {year}: {value:.1f}% here, {other:.1f}% in {edition_label(newest)}; "
                "the publishers' world aggregates differ."
            )
    return tuple(notes)


def in_years(rows: pd.DataFrame, p: dict[str, Any]) -> pd.DataFrame:
    """The rows within a line chart's From-To years (all rows for a chart without them)."""
    low, high = p.get("from"), p.get("to")
    if isinstance(low, int):
        rows = rows[rows["year"] >= low]
    if isinstance(high, int):
        rows = rows[rows["year"] <= high]
    if rows.empty and (isinstance(low, int) or isinstance(high, int)):
        raise NoData(f"No data from {low} to {high}; choose a wider span of years.")
    return rows


def entities(tables: Tables) -> pd.DataFrame:
    """The entities table (groups only if nothing else was built)."""
    return table(tables, "entities")


def names(tables: Tables) -> dict[str, str]:
    """entity_id -> display name."""
    ent = tables.get("entities")
    if ent is None:
        return {}
    return dict(
        memo(tables, ent, ("names",), lambda: dict(zip(ent["entity_id"], ent["name"], strict=True)))
    )


def number(value: Any) -> float:
    """A cell of a frame as a float (pandas types cells loosely)."""
    return float(value)


def grouping_of(entity: str) -> str:
    """The grouping whose charts draw a group (the world is drawn with every grouping)."""
    grouping = GROUPS.get(entity, ("", "income"))[1]
    return "income" if grouping == "world" else grouping


def link_grouping(entity: str) -> str:
    """The grouping a link to a group's chart names ('' for the world: the chart's default)."""
    return "" if entity == WORLD else grouping_of(entity)


def group_ids(tables: Tables, grouping: str) -> list[str]:
    """Group codes of a grouping in their declared order (income high to low), then any others."""
    ent = entities(tables)
    return list(memo(tables, ent, ("group-ids", grouping), lambda: _group_ids(ent, grouping)))


def _group_ids(ent: pd.DataFrame, grouping: str) -> list[str]:
    found = ent.loc[(ent["kind"] == "group") & (ent["grouping"] == grouping), "entity_id"].tolist()
    declared = {code: i for i, code in enumerate(GROUPS)}
    return sorted(found, key=lambda code: declared.get(code, len(declared)))


def entity_choices(tables: Tables) -> list[str]:
    """Every entity id, groups first."""
    ent = tables.get("entities")
    if ent is None:
        return []
    return list(
        memo(
            tables,
            ent,
            ("choices",),
            lambda: ent.sort_values(["kind", "name"], ascending=[False, True])[
                "entity_id"
            ].tolist(),
        )
    )


def edition_entities(tables: Tables, name: str, key: str) -> list[str]:
    """Entity ids with data in one edition of a table, groups first, then by name."""
    frame = tables.get(name)
    if frame is None or frame.empty or not key:
        return []

    def compute() -> list[str]:
        source, vintage = split_edition(key)
        rows = frame[(frame["source"] == source) & (frame["vintage"] == vintage)]
        present = set(rows["entity_id"].unique())
        return [e for e in entity_choices(tables) if e in present]

    return list(memo(tables, frame, ("edition-entities", name, key), compute))


def edition_values(tables: Tables, name: str, key: str, column: str) -> list[Any]:
    """The distinct values of a column in one edition of a table (years newest first)."""
    frame = tables.get(name)
    if frame is None or frame.empty or not key:
        return []

    def compute() -> list[Any]:
        source, vintage = split_edition(key)
        rows = frame[(frame["source"] == source) & (frame["vintage"] == vintage)]
        values = rows[column].dropna().unique().tolist()
        if column == "year":
            return sorted((int(v) for v in values), reverse=True)
        return values

    return list(memo(tables, frame, ("edition-values", name, key, column), compute))


def edition_groupings(tables: Tables, name: str, key: str, groupings: list[str]) -> list[str]:
    """The groupings (of those offered) that have at least one group in an edition."""
    frame = tables.get(name)
    if frame is None or frame.empty or not key:
        return []

    def compute() -> list[str]:
        present = set(edition_entities(tables, name, key))
        return [g for g in groupings if present & set(group_ids(tables, g))] if present else []

    return list(memo(tables, frame, ("edition-groupings", name, key, tuple(groupings)), compute))


def latest_within(frame: pd.DataFrame, year: int, tolerance: int, by: list[str]) -> pd.DataFrame:
    """For each ``by`` cell, the row of its latest year from ``year - tolerance`` to ``year``."""
    rows = frame[(frame["year"] <= year) & (frame["year"] >= year - tolerance)]
    return rows.sort_values("year").groupby(by, as_index=False).tail(1)


def latest_up_to(frame: pd.DataFrame, year: int, by: list[str]) -> pd.DataFrame:
    """For each ``by`` cell, the row of the latest year not after ``year``."""
    rows = frame[frame["year"] <= year].sort_values("year")
    return rows.groupby(by, as_index=False).tail(1)


def years_of(tables: Tables, name: str, **match: Any) -> list[int]:
    """Years with data in a table, newest first."""
    frame = tables.get(name)
    if frame is None or frame.empty:
        return []
    key = ("years", name, tuple(sorted(match.items())))
    return list(memo(tables, frame, key, lambda: _years(frame, match)))


def _years(frame: pd.DataFrame, match: dict[str, Any]) -> list[int]:
    for key, value in match.items():
        frame = frame[frame[key] == value]
    return sorted({int(y) for y in frame["year"].unique()}, reverse=True)

"""Two editions of a source compared, value by value: what was revised, added and dropped.

Publishers restate history with every edition. ``compare`` is pure: from the rows of a
published table it pairs every value of the old edition with the same value in the new one
(same table, series, entity and year) and says whether it was revised, added, dropped or left
unchanged. A difference no larger than the float noise of the publisher's format is not a
revision; the noise is declared by each source format. ``summarise`` turns the comparison
into what the terminal and the What changed page report.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from indicators.contract import schemas
from indicators.contract.store import Tables
from indicators.etl import sources as formats
from indicators.etl.sources.formats import Noise

COLUMNS = [
    "source",
    "table",
    "series",
    "entity_id",
    "year",
    "old",
    "new",
    "change",
    "change_pct",
    "status",
]
STATUSES = ["revised", "added", "dropped", "unchanged"]
EDITION_COLUMNS = ("source", "vintage")
# Every value keyed by entity and year in these tables can be followed across editions.
POSITION = ("entity_id", "year")


class DiffError(ValueError):
    """An unknown source, edition or table; the message lists what there is."""


def noise_for(source: str) -> Noise:
    """The noise its format declares (doubles through Excel when it is not known)."""
    fmt = formats.BY_SOURCE.get(source)
    return fmt.noise if fmt else Noise(significant=12)


def comparable_tables() -> list[str]:
    """Published tables whose values are keyed by source, edition, entity and year."""
    wanted = {*EDITION_COLUMNS, *POSITION}
    return [name for name in schemas.MODELS if wanted <= set(schemas.unique_key(name))]


def value_columns(table: str) -> list[str]:
    """The measured columns of a table: its float columns outside the unique key."""
    schema = schemas.MODELS[table].to_schema()
    key = set(schemas.unique_key(table))
    return [
        name
        for name, column in schema.columns.items()
        if name not in key and str(column.dtype).startswith("float")
    ]


def series_dims(table: str) -> list[str]:
    """Key columns that split a table into series (sex, basket, unit, ...)."""
    skip = {*EDITION_COLUMNS, *POSITION}
    return [c for c in schemas.unique_key(table) if c not in skip]


def _dim_text(values: pd.Series) -> pd.Series:
    """Key values as they read in a series name ('5' for an allowance of 5.0 GB)."""
    if pd.api.types.is_float_dtype(values):
        return values.map(lambda v: "" if pd.isna(v) else f"{v:g}")
    return values.astype("string").fillna("")


def _long(rows: pd.DataFrame, table: str) -> pd.DataFrame:
    """One edition's rows as (series, entity_id, year, value), missing values left out."""
    dims = series_dims(table)
    frames = []
    for column in value_columns(table):
        part = rows[[*POSITION, *dims, column]].rename(columns={column: "value"})
        part = part[part["value"].notna()]
        name = pd.Series(column, index=part.index, dtype="string")
        for dim in dims:
            text = _dim_text(part[dim])
            name = name.where(text == "", name + ";" + dim + "=" + text)
        frames.append(part.assign(series=name)[["series", *POSITION, "value"]])
    if not frames:
        return pd.DataFrame(columns=["series", *POSITION, "value"])
    return pd.concat(frames, ignore_index=True)


def compare(
    frame: pd.DataFrame, table: str, source: str, old: str, new: str, noise: Noise | None = None
) -> pd.DataFrame:
    """Every value of ``table`` present in edition ``old`` or ``new`` of ``source``, paired.

    ``change`` is new minus old, ``change_pct`` that change as a percentage of the old value
    (empty when the old value is zero or missing). Changes within the format's noise count as
    unchanged, but their exact size is kept in ``change``.
    """
    noise = noise or noise_for(source)
    of_source = frame[frame["source"] == source]
    before = _long(of_source[of_source["vintage"] == old], table)
    after = _long(of_source[of_source["vintage"] == new], table)
    paired = before.merge(
        after, on=["series", *POSITION], how="outer", suffixes=("_old", "_new"), sort=False
    ).rename(columns={"value_old": "old", "value_new": "new"})
    old_v = paired["old"].to_numpy(dtype="float64", na_value=np.nan)
    new_v = paired["new"].to_numpy(dtype="float64", na_value=np.nan)
    change = new_v - old_v
    within = np.abs(change) <= noise.of(np.nan_to_num(old_v)) + noise.of(np.nan_to_num(new_v))
    status = np.select(
        [np.isnan(old_v), np.isnan(new_v), within], ["added", "dropped", "unchanged"], "revised"
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(old_v != 0, change / np.abs(old_v) * 100.0, np.nan)
    out = paired.assign(source=source, table=table, change=change, change_pct=pct, status=status)[
        COLUMNS
    ]
    out["year"] = out["year"].astype("int64")
    return out.sort_values(["table", "series", "entity_id", "year"], ignore_index=True)


@dataclass(frozen=True)
class Request:
    """A checked request: the source, its two editions and the tables to compare."""

    source: str
    old: str
    new: str
    tables: tuple[str, ...]

    @property
    def old_key(self) -> str:
        return f"{self.source}@{self.old}"

    @property
    def new_key(self) -> str:
        return f"{self.source}@{self.new}"


def sources(tables: Tables) -> dict[str, list[str]]:
    """Source -> its editions (newest first), over every comparable published table."""
    from indicators.catalogue import queries  # the build compares without the catalogue

    found: dict[str, set[str]] = {}
    for name in comparable_tables():
        for key in queries.editions(tables, name):
            source, vintage = queries.split_edition(key)
            found.setdefault(source, set()).add(vintage)
    return {s: sorted(v, reverse=True) for s, v in sorted(found.items())}


def _vintage(source: str, given: str, known: Sequence[str], which: str) -> str:
    """'2026-02' or 'wdi@2026-02' -> '2026-02', checked against the source's editions."""
    named, at, vintage = given.partition("@")
    if not at:
        vintage = named
    elif named != source:
        raise DiffError(f"{which} edition {given!r} is not an edition of {source!r}")
    if vintage not in known:
        raise DiffError(
            f"no edition {vintage!r} of {source!r}; editions: {', '.join(known) or 'none'}"
        )
    return vintage


def request(tables: Tables, source: str, old: str, new: str, table: str | None = None) -> Request:
    """Check a diff request against the published tables; DiffError says what is wrong."""
    from indicators.catalogue import queries  # the build compares without the catalogue

    known = sources(tables)
    if not known:
        raise DiffError(f"no editions published: {queries.BUILD_HINT}")
    if source not in known:
        raise DiffError(f"unknown source {source!r}; sources: {', '.join(known)}")
    old_v = _vintage(source, old, known[source], "old")
    new_v = _vintage(source, new, known[source], "new")
    having = [
        name
        for name in comparable_tables()
        if any(queries.split_edition(k)[0] == source for k in queries.editions(tables, name))
    ]
    if table is not None and table not in having:
        raise DiffError(
            f"no table {table!r} holding {source!r}; tables: {', '.join(having) or 'none'}"
        )
    return Request(source, old_v, new_v, (table,) if table else tuple(having))


def run(tables: Tables, req: Request) -> pd.DataFrame:
    """The comparison of a checked request over its tables (memoised per loaded table)."""
    from indicators.catalogue import queries  # the build compares without the catalogue

    parts = []
    for name in req.tables:
        frame = queries.table(tables, name)
        key = ("diff", name, req.source, req.old, req.new)
        parts.append(queries.memo(tables, frame, key, _comparer(frame, name, req)))
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _comparer(frame: pd.DataFrame, table: str, req: Request) -> Any:
    return lambda: compare(frame, table, req.source, req.old, req.new)


# ---------------------------------------------------------------------------------------------
# Summary


@dataclass(frozen=True)
class Measure:
    """One measured column (a table's value column): revisions in its own unit."""

    table: str
    column: str
    title: str
    unit: str
    revised: int
    median_abs: float
    largest: pd.DataFrame = field(repr=False)


@dataclass(frozen=True)
class Summary:
    """What changed between two editions, as the terminal and the page report it."""

    source: str
    old_label: str
    new_label: str
    counts: dict[str, int]
    by_year: pd.DataFrame = field(repr=False)
    measures: list[Measure] = field(repr=False)
    gained_years: list[int]
    lost_years: list[int]
    gained_entities: list[str]
    lost_entities: list[str]
    names: dict[str, str] = field(default_factory=dict, repr=False)  # of those entities

    def entities_text(self, ids: list[str], most: int = 15) -> str:
        """'Fragile and conflict affected situations (FCS), ...': named with their codes, the
        first ``most`` of them, then how many more ('none' for none)."""
        named = [f"{self.names[e]} ({e})" if self.names.get(e, e) != e else str(e) for e in ids]
        return _listing(named, most) or "none"


def measure_of(series: pd.Series) -> pd.Series:
    """The value column a series belongs to ('value_pct;sex=total' -> 'value_pct')."""
    return series.str.split(";", n=1).str[0]


def by_year(diff: pd.DataFrame) -> pd.DataFrame:
    """Counts of each status per year (columns year, revised, added, dropped, unchanged)."""
    if diff.empty:
        return pd.DataFrame(columns=["year", *STATUSES])
    counts = pd.crosstab(diff["year"], diff["status"]).reindex(columns=STATUSES, fill_value=0)
    return counts.reset_index().rename_axis(columns=None)


def largest(
    diff: pd.DataFrame, names: dict[str, str], top: int = 10, at_least: float | None = None
) -> pd.DataFrame:
    """The ``top`` revisions by absolute change (or all of at least ``at_least``), named."""
    revised = diff[diff["status"] == "revised"]
    size = revised["change"].abs().sort_values(ascending=False, kind="stable")
    rows = revised.loc[size.index[size >= at_least] if at_least is not None else size.index[:top]]
    return rows.assign(name=rows["entity_id"].map(lambda e: names.get(e, e)))


def _positions(diff: pd.DataFrame, status: str, column: str) -> set[Any]:
    """Values of ``column`` with data in one edition only (all its values added or dropped)."""
    has_old = set(diff.loc[diff["old"].notna(), column])
    has_new = set(diff.loc[diff["new"].notna(), column])
    return has_new - has_old if status == "added" else has_old - has_new


def summarise(
    diff: pd.DataFrame,
    source: str,
    old_label: str,
    new_label: str,
    names: dict[str, str] | None = None,
    top: int = 10,
    at_least: float | None = None,
) -> Summary:
    """Counts, revisions per year, per-measure median and largest revisions, coverage."""
    names = names or {}
    counts = diff["status"].value_counts()
    measures = []
    for (table, column), rows in diff.groupby(["table", measure_of(diff["series"])], sort=True):
        info = schemas.field_info(str(table), str(column))
        revised = rows[rows["status"] == "revised"]
        median = float(revised["change"].abs().median()) if len(revised) else math.nan
        measures.append(
            Measure(
                str(table),
                str(column),
                info["title"],
                info["unit"],
                len(revised),
                median,
                largest(rows, names, top, at_least),
            )
        )
    gained = sorted(_positions(diff, "added", "entity_id"))
    lost = sorted(_positions(diff, "dropped", "entity_id"))
    return Summary(
        source=source,
        old_label=old_label,
        new_label=new_label,
        counts={s: int(counts.get(s, 0)) for s in STATUSES},
        by_year=by_year(diff),
        measures=measures,
        gained_years=sorted(int(y) for y in _positions(diff, "added", "year")),
        lost_years=sorted(int(y) for y in _positions(diff, "dropped", "year")),
        gained_entities=gained,
        lost_entities=lost,
        names={e: names[e] for e in (*gained, *lost) if e in names},
    )


def number(value: Any, signed: bool = False) -> str:
    """A value as the summary prints it: 2 decimals, or 4 significant digits when small."""
    if value is None or pd.isna(value):
        return "—"
    text = f"{value:+,.2f}" if signed else f"{value:,.2f}"
    if abs(value) < 0.01 and value != 0:
        text = f"{value:+.3g}" if signed else f"{value:.3g}"
    return text


def _listing(items: Sequence[Any], limit: int = 12) -> str:
    shown = ", ".join(str(i) for i in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def change_unit(unit: str) -> str:
    """The unit of a change: a change of a percentage is in percentage points."""
    return "percentage points" if unit.startswith("%") else unit


def series_label(series: str) -> str:
    """'value_pct;sex=female' -> 'female' (the value column is named by the measure)."""
    dims = series.split(";")[1:]
    return ", ".join(d.split("=", 1)[1] for d in dims)


def text_lines(summary: Summary) -> list[str]:
    """The summary as terminal lines."""
    c = summary.counts
    lines = [
        f"{summary.source}: {summary.old_label} -> {summary.new_label}",
        f"values: {sum(c.values()):,} compared; {c['revised']:,} revised, {c['added']:,} added, "
        f"{c['dropped']:,} dropped, {c['unchanged']:,} unchanged "
        f"(changes within the format's noise count as unchanged)",
        "",
        "revised per year:",
    ]
    years = summary.by_year[summary.by_year["revised"] > 0]
    compared = summary.by_year["revised"] + summary.by_year["unchanged"]
    for row, total in zip(years.itertuples(index=False), compared[years.index], strict=True):
        lines.append(f"  {row.year}: {row.revised:>4} of {total} values in both editions")
    if years.empty:
        lines.append("  none")
    for m in summary.measures:
        unit = f" ({m.unit})" if m.unit else ""
        lines += [
            "",
            f"{m.title}{unit}, table {m.table}: {m.revised:,} revised, "
            f"median absolute revision {number(m.median_abs)} {change_unit(m.unit)}".rstrip(),
        ]
        for r in m.largest.itertuples(index=False):
            series = series_label(str(r.series))
            tag = f" [{series}]" if series and series != "total" else ""
            lines.append(
                f"  {r.name} ({r.entity_id}) {r.year}{tag}: {number(r.old)} -> "
                f"{number(r.new)} ({number(r.change, signed=True)})"
            )
    lines += [
        "",
        f"coverage gained: {c['added']:,} values; years only in the new edition: "
        f"{_listing(summary.gained_years) or 'none'}; entities: "
        f"{summary.entities_text(summary.gained_entities, most=12)}",
        f"coverage lost: {c['dropped']:,} values; years only in the old edition: "
        f"{_listing(summary.lost_years) or 'none'}; entities: "
        f"{summary.entities_text(summary.lost_entities, most=12)}",
    ]
    return lines


def edition_title(tables: Tables, key: str) -> str:
    """An edition's title: from the published editions table when there is one."""
    from indicators.catalogue import queries  # the build compares without the catalogue

    editions = tables.get("editions")
    if editions is not None and {"source", "edition", "title"} <= set(editions.columns):
        source, vintage = queries.split_edition(key)
        row = editions[(editions["source"] == source) & (editions["edition"] == vintage)]
        if len(row) and str(row["title"].iloc[0]):
            return str(row["title"].iloc[0])
    return queries.edition_label(key)


def restrict(
    diff: pd.DataFrame,
    years: Sequence[int] = (),
    kind: str | None = None,
    tables: Tables | None = None,
) -> pd.DataFrame:
    """The comparison for some years only, and for economies or groups only."""
    out = diff
    if years:
        out = out[out["year"].isin(list(years))]
    if kind and tables is not None:
        ent = tables.get("entities")
        if ent is not None:
            ids = set(ent.loc[ent["kind"] == kind, "entity_id"])
            out = out[out["entity_id"].isin(ids)]
    return out.reset_index(drop=True)

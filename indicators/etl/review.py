"""The release review: every edition checked against its neighbours before it is published.

Statistical offices check a new release against the last one before it goes out. Here each
edition is compared, through the diff engine (:func:`indicators.metrics.diff.compare`), with the
edition of the same source before it and the one after it. The review reports, with the file
and the place: economies that have values in one edition and none in the next (economies only:
an aggregate row left empty is no lost coverage), codes renamed or changing meaning, values that
move further than the format declares plausible (``SourceFormat.moves``), and years after the
edition's own date.

Each pair's findings belong to the edition under review: the one not yet published (an older
edition added later is reviewed against its neighbours and never fails one already published);
when neither was published, the one added later, and on a tie the newer. Findings between two
editions already published are notes. An edition with findings is published only when a person
accepts it (``indicators build --accept SOURCE@EDITION --reason ...``).
"""

from __future__ import annotations

import itertools
import re
import time
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd

from indicators.contract.errors import SourceError
from indicators.etl.codes import normalise_name
from indicators.etl.sources.formats import Blob, Edition, Frames, SourceFormat, Where, locate
from indicators.metrics import diff

# At most this many lines of one kind per pair; the rest are counted.
SHOWN = 8
# Words that do not change what a group is ('IDA & IBRD countries' is 'IDA & IBRD').
FILLER = {"and", "the", "of", "countries", "country", "economies", "total", "all"}


class Reviewed(Protocol):
    """What the review needs of an edition the build read (``build.Input``)."""

    fmt: SourceFormat
    edition: Edition
    blob: Blob
    relative: str
    entry: dict[str, Any]
    frames: Frames

    @property
    def key(self) -> str: ...


@dataclass(frozen=True)
class Finding:
    """One thing the review found about an edition, with the place in its file."""

    edition: str  # source@edition under review
    against: str  # the neighbour it was compared with ('' for its own dates)
    kind: str  # economy lost, code renamed, code re-meaning, implausible move, year after edition
    place: str  # 'worldbank/x.csv, row 12, column 2019'
    message: str

    def __str__(self) -> str:
        against = f" against {self.against}" if self.against else ""
        return f"{self.place}: {self.edition}{against}: {self.kind}: {self.message}"


@dataclass
class Review:
    """Findings that block publication unless accepted, notes that do not, and the time taken."""

    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    pairs: int = 0
    seconds: float = 0.0

    def of(self, edition: str) -> list[Finding]:
        """The findings about one edition."""
        return [f for f in self.findings if f.edition == edition]


@dataclass(frozen=True)
class Scope:
    """What the review knows besides the editions themselves."""

    items: Sequence[Reviewed]
    economies: set[str]  # economy codes (the entities table), for editions without a list
    names: Mapping[str, str]  # normalised economy name -> code, to find named rows


def review(
    items: Sequence[Reviewed],
    published: set[str],
    economies: set[str],
    names: Mapping[str, str] | None = None,
) -> Review:
    """Review every edition against its neighbours.

    ``published``: 'source@edition#sha256' of what the last build published; ``economies``:
    the codes of economies (the entities table), for editions that ship no country list.
    """
    started = time.perf_counter()
    scope = Scope(items, economies, names or {})
    result = Review()
    for source in sorted({i.fmt.source for i in items}):
        editions = sorted(
            (i for i in items if i.fmt.source == source and i.frames), key=lambda i: i.edition.key
        )
        for item in editions:
            _file(result, _own_dates(item, scope), settled=_published(item, published))
        for older, newer in itertools.pairwise(editions):
            under = _under_review(older, newer, published)
            found, notes = _pair(older, newer, under or newer, scope)
            _file(result, found, settled=under is None)
            result.notes.extend(notes)
            result.pairs += 1
    result.seconds = time.perf_counter() - started
    return result


def _file(result: Review, found: list[Finding], settled: bool) -> None:
    """Findings about an edition already published are notes, never refusals."""
    if settled:
        result.notes.extend(f"{f} (already published)" for f in found)
    else:
        result.findings.extend(found)


def _published(item: Reviewed, published: set[str]) -> bool:
    return f"{item.key}#{item.blob.sha256}" in published


def _under_review(older: Reviewed, newer: Reviewed, published: set[str]) -> Reviewed | None:
    """The edition a pair's findings belong to; None when both were published."""
    old_done, new_done = _published(older, published), _published(newer, published)
    if old_done and new_done:
        return None
    if old_done != new_done:
        return newer if old_done else older
    added = str(older.entry.get("retrieved_at") or ""), str(newer.entry.get("retrieved_at") or "")
    return older if added[0] > added[1] else newer


# ---------------------------------------------------------------------------------------------
# one edition on its own


def _own_dates(item: Reviewed, scope: Scope) -> list[Finding]:
    """Values for years after the edition's own date (a 2027 column in a Jul 2026 edition)."""
    found = []
    for table in item.fmt.tables:
        frame = item.frames.get(table)
        if frame is None or "year" not in frame.columns or not len(frame):
            continue
        late = frame[frame["year"] > item.edition.year]
        if len(late):
            first = late.sort_values(["year", "entity_id"]).iloc[0]
            column = _value_column(table, first)
            entity, year = str(first["entity_id"]), int(first["year"])
            found.append(
                Finding(
                    item.key,
                    "",
                    "year after edition",
                    _place(item, Where(table, column, entity, year, scope.names)),
                    f"{len(late)} value(s) for {_years(late['year'])} in {table}, after the "
                    f"edition's own date ({item.edition.text}); no edition holds data for a "
                    "year that had not begun",
                )
            )
    return found


def _years(years: pd.Series) -> str:
    values = sorted({int(y) for y in years})
    return ", ".join(map(str, values[:5])) + (" ..." if len(values) > 5 else "")


def _value_column(table: str, row: pd.Series) -> str:
    for column in diff.value_columns(table):
        if column in row.index and pd.notna(row[column]):
            return column
    return ""


# ---------------------------------------------------------------------------------------------
# two neighbours


def _pair(
    older: Reviewed, newer: Reviewed, under: Reviewed, scope: Scope
) -> tuple[list[Finding], list[str]]:
    """The findings of one pair of neighbouring editions, and its notes."""
    against = (newer if under is older else older).key
    countries = _economies(older, scope) | _economies(newer, scope)
    compared = _compare(older, newer)
    lost = _lost(older, newer, compared, countries)
    listed = "has values" if compared else "is listed"
    renamed, remeant, notes = _names(older, newer, countries)
    lost = [code for code in lost if code not in renamed]
    found = [
        *_lost_findings(under, against, older, newer, lost, listed),
        *_renamed_findings(under, against, older, renamed),
        *_remeant_findings(under, against, remeant),
        *_move_findings(under, against, older, newer, compared, scope),
    ]
    return found, notes


def _compare(older: Reviewed, newer: Reviewed) -> dict[str, pd.DataFrame]:
    """Every value of both editions paired, per table the source publishes (the diff engine)."""
    out = {}
    for table in older.fmt.tables:
        if table not in diff.comparable_tables():
            continue
        parts = [f for f in (older.frames.get(table), newer.frames.get(table)) if f is not None]
        if not parts:
            continue
        frame = pd.concat(parts, ignore_index=True)
        out[table] = diff.compare(
            frame, table, older.fmt.source, older.edition.key, newer.edition.key, older.fmt.noise
        )
    return out


def _list_of(item: Reviewed, items: Sequence[Reviewed]) -> pd.DataFrame | None:
    """The edition's own country list: its own frame, or its companion's of the same edition."""
    if item.fmt.country_list is None:
        return None
    source, frame = item.fmt.country_list
    for other in items:
        if other.fmt.source == source and other.edition.key == item.edition.key:
            listed = other.frames.get(frame)
            if listed is not None and "entity_id" in listed:
                return listed
    return None


def _economies(item: Reviewed, scope: Scope) -> set[str]:
    """The edition's economies: from its own country list where it ships one."""
    listed = _list_of(item, scope.items)
    return scope.economies if listed is None else set(listed["entity_id"].tolist())


def _lost(
    older: Reviewed, newer: Reviewed, compared: Mapping[str, pd.DataFrame], countries: set[str]
) -> list[str]:
    """Economies with values in the older edition and none in the newer."""
    if compared:
        both = pd.concat(compared.values(), ignore_index=True)
        had = set(both.loc[both["old"].notna(), "entity_id"].unique().tolist())
        has = set(both.loc[both["new"].notna(), "entity_id"].unique().tolist())
    else:
        old_list, new_list = _own_list(older), _own_list(newer)
        if old_list is None or new_list is None:
            return []
        had, has = set(old_list["entity_id"].tolist()), set(new_list["entity_id"].tolist())
    return sorted((had - has) & countries)


def _own_list(item: Reviewed) -> pd.DataFrame | None:
    if item.fmt.country_list is None:
        return None
    return item.frames.get(item.fmt.country_list[1])


def _names(
    older: Reviewed, newer: Reviewed, countries: set[str]
) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]], list[str]]:
    """Codes renamed (old code -> new code, name), groups whose name now says something else
    (code -> old and new name), and economies merely renamed (notes)."""
    name = older.fmt.names
    if name is None or name not in older.frames or name not in newer.frames:
        return {}, {}, []
    before, after = _name_map(older.frames[name]), _name_map(newer.frames[name])
    by_name = {normalise_name(n): c for c, n in after.items() if c not in before}
    renamed = {
        code: (by_name[normalise_name(n)], n)
        for code, n in before.items()
        if code not in after and normalise_name(n) in by_name
    }
    remeant, notes = {}, []
    for code in sorted(set(before) & set(after)):
        old, new = before[code], after[code]
        if normalise_name(old) == normalise_name(new):
            continue
        if code in countries:
            notes.append(f"{newer.key}: {code} renamed from {old!r} to {new!r} (an economy)")
        elif _words(old) != _words(new):
            remeant[code] = (old, new)
    return renamed, remeant, notes


def _name_map(frame: pd.DataFrame) -> dict[str, str]:
    if "name" not in frame:
        return {}
    rows = frame.dropna(subset=["name"])
    codes, names = rows["entity_id"].astype(str).tolist(), rows["name"].astype(str).tolist()
    return dict(zip(codes, names, strict=True))


def _words(name: str) -> frozenset[str]:
    """What a group's name says, without spelling ('&' or 'and', commas, brackets)."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return frozenset(
        w for w in re.findall(r"[a-z0-9]+", text.replace("&", " and ")) if w not in FILLER
    )


# ---------------------------------------------------------------------------------------------
# findings as a person reads them


def _place(item: Reviewed, where: Where) -> str:
    """The file and the place of a value in it (the code and year if it cannot be found)."""
    try:
        place = item.fmt.locate_value(item.blob, where)
    except (SourceError, ValueError, KeyError, IndexError):
        place = f"{where.entity}, year {where.year}"
    return f"{item.relative}, {place}"


def _code_place(item: Reviewed, code: str) -> str:
    try:
        where = locate(item.blob, code)
    except (SourceError, ValueError):
        where = ""
    return f"{item.relative}, {where}" if where else item.relative


def _capped(
    found: list[Finding], item: Reviewed, against: str, kind: str, subjects: list[str]
) -> list[Finding]:
    """The first findings of a kind one per line; the others in one line that names them."""
    if len(found) <= SHOWN:
        return found
    rest = subjects[SHOWN:]
    named = ", ".join(rest[:40]) + (" ..." if len(rest) > 40 else "")
    more = Finding(item.key, against, kind, item.relative, f"{len(rest)} more: {named}")
    return [*found[:SHOWN], more]


def _lost_findings(
    under: Reviewed, against: str, older: Reviewed, newer: Reviewed, lost: list[str], verb: str
) -> list[Finding]:
    other = newer if under is older else older
    found = []
    for code in lost:
        place, there = _code_place(under, code), _code_place(other, code)
        seen = f" ({there})" if place == under.relative and there != other.relative else ""
        found.append(
            Finding(
                under.key,
                against,
                "economy lost",
                place,
                f"{code} {verb} in {older.key}{seen} and not in {newer.key}",
            )
        )
    return _capped(found, under, against, "economy lost", lost)


def _renamed_findings(
    under: Reviewed, against: str, older: Reviewed, renamed: Mapping[str, tuple[str, str]]
) -> list[Finding]:
    found = [
        Finding(
            under.key,
            against,
            "code renamed",
            _code_place(under, code if under is older else new),
            f"{name!r} is {code} in the older edition and {new} in the newer; the two series "
            "do not continue each other",
        )
        for code, (new, name) in renamed.items()
    ]
    return _capped(found, under, against, "code renamed", list(renamed))


def _remeant_findings(
    under: Reviewed, against: str, remeant: Mapping[str, tuple[str, str]]
) -> list[Finding]:
    found = [
        Finding(
            under.key,
            against,
            "code re-meaning",
            _code_place(under, code),
            f"{code} is {old!r} in the older edition and {new!r} in the newer: the group now "
            "covers other economies, so its values are not comparable across the two",
        )
        for code, (old, new) in remeant.items()
    ]
    return _capped(found, under, against, "code re-meaning", list(remeant))


def _move_findings(
    under: Reviewed,
    against: str,
    older: Reviewed,
    newer: Reviewed,
    compared: Mapping[str, pd.DataFrame],
    scope: Scope,
) -> list[Finding]:
    found, subjects = [], []
    for table, pairs in compared.items():
        revised = pairs[pairs["status"] == "revised"]
        for row in _implausible(under.fmt, revised):
            measure, year = str(row["series"]).split(";", 1)[0], int(row["year"])
            subjects.append(f"{row['entity_id']} {year}")
            move = under.fmt.moves[measure]
            if move.points is not None:
                size = f"{row['change']:+.1f} points"
            else:
                size = f"{row['new'] / row['old']:.4g} times the older value"
            found.append(
                Finding(
                    under.key,
                    against,
                    "implausible move",
                    _place(under, Where(table, row["series"], row["entity_id"], year, scope.names)),
                    f"{row['entity_id']} {year} {row['series']}: {_number(row['old'])} in "
                    f"{older.key}, {_number(row['new'])} in {newer.key} ({size}); "
                    f"{move.describe()} is implausible",
                )
            )
    return _capped(found, under, against, "implausible move", subjects)


def _number(value: float) -> str:
    """A value as the publisher would print it: 53.9, 1,778,500, 0.0123."""
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def _implausible(fmt: SourceFormat, revised: pd.DataFrame) -> Iterator[pd.Series]:
    """Revised values that moved further than their column's declared move, largest first."""
    if revised.empty:
        return
    measure = diff.measure_of(revised["series"])
    for column, move in fmt.moves.items():
        rows = revised[measure == column]
        if rows.empty:
            continue
        old = rows["old"].to_numpy(dtype="float64")
        new = rows["new"].to_numpy(dtype="float64")
        flagged = rows[move.implausible(old, new)]
        order = np.argsort(-flagged["change"].abs().to_numpy(), kind="stable")
        for index in order:
            yield flagged.iloc[index]

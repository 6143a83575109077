"""ITU key ICT indicator aggregates: the world, development and income groups, LDCs and ITU regions.

Two editions are read. The 28 Oct 2019 workbook has one sheet (Developed, Developing, World, LDCs,
then the six ITU regions; 2005-2019, the 2019 header starred as an estimate). The Nov 2024 workbook
has one sheet per grouping plus a sheet split by sex. Both stack titled blocks: a title, a
year-header row (the absolute values and then the rates side by side) and one row per group.
Blocks are found by their title text and their year-header row, never by row number, so that the
next edition of the workbook still loads.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from indicators.contract import schemas
from indicators.contract.errors import SourceError, excel_column
from indicators.etl.codes import group_code
from indicators.etl.sources import strict
from indicators.etl.sources.cells import is_blank as _is_blank
from indicators.etl.sources.formats import (
    VOLUME,
    Blob,
    Context,
    Edition,
    Frames,
    Known,
    Printed,
    SourceFormat,
    Where,
    as_blob,
    month_edition,
    points,
    workbook_text,
)

SOURCE = "itu_aggregates"

INTERNET_COLUMNS = schemas.columns("internet_use")
INTERNET_KEY = schemas.unique_key("internet_use")
BANDWIDTH_COLUMNS = schemas.columns("bandwidth")
BANDWIDTH_KEY = schemas.unique_key("bandwidth")
MOBILE_COLUMNS = schemas.columns("mobile_broadband")
MOBILE_KEY = schemas.unique_key("mobile_broadband")

# Titles are matched as prefixes: the Nov 2024 'By BDT region' sheet glues the unit onto them
# ('Individuals using the Internet(Millions)', 'International bandwidth usage(Tbits/s**)').
INTERNET_TITLES = ("Individuals using the Internet",)
SEX_SPLIT_TITLES = (
    "Percentage of individuals using the Internet",
    "Individuals using the Internet",
)
BANDWIDTH_TITLES = ("International bandwidth",)
MOBILE_TITLES = ("Active mobile-broadband subscriptions",)

# The Oct 2019 edition is recognised by its first title, whatever its single sheet is called.
OCT2019_TITLE = "Key ICT indicators for developed and developing countries"
NOV2024_TOTAL_SHEETS = ("By dvpmnt status and spec. reg.", "By BDT region")
NOV2024_SEX_SHEET = "By gender"
# Nov 2024 marks no single year: its notes say every figure is an estimate.
ALL_ESTIMATES_NOTE = "all data are itu estimates"

MISSING_MARKS = frozenset({"n/a", "..", "-"})
FIRST_YEAR, LAST_YEAR = 1990, 2100
SEXES = {"total": "total", "female": "female", "women": "female", "male": "male", "men": "male"}
SEX_LABELS = strict.Vocabulary("sex", frozenset(s.title() for s in SEXES), blank=False)
MISSING_VALUES = strict.vocabulary(*MISSING_MARKS, column="value")

_YEAR_TEXT = re.compile(r"^(\d{4})(?:\.0+)?\s*(\*?)$")
_BITRATE = re.compile(r"(?<![a-z])([kmgt])bits?/s", re.IGNORECASE)
_POWER = {"k": 1, "m": 2, "g": 3, "t": 4}  # powers of 1000 bit/s
_MILLIONS = re.compile(r"million", re.IGNORECASE)
_PERCENT = re.compile(r"%|percent", re.IGNORECASE)
_PER_100 = re.compile(r"per\s*100", re.IGNORECASE)

_VALUE_COLUMNS = ["sheet", "row", "col", "entity_id", "part", "year", "starred", "value"]

Grid = NDArray[np.object_]


class YearColumn(NamedTuple):
    """A column of a year-header row: its index, its year and whether the year is starred."""

    col: int
    year: int
    starred: bool


@dataclass(frozen=True)
class Part:
    """One run of year columns under a header, with the text over it (a unit, or 'Female')."""

    label: str
    columns: tuple[YearColumn, ...]


@dataclass(frozen=True)
class Segment:
    """A year-header row and the group rows under it; a block may repeat its header lower down."""

    header_row: int
    parts: tuple[Part, ...]
    rows: tuple[tuple[int, str], ...]  # (0-based row, entity id)


@dataclass(frozen=True)
class Block:
    """A titled table inside a sheet."""

    title: str
    title_row: int
    label_col: int
    segments: tuple[Segment, ...]


@dataclass(frozen=True, eq=False)
class Sheet:
    """One sheet's cells, with the names an error report needs."""

    file: str
    name: str
    cells: Grid

    def error(self, row: int, col: int | None, message: str, value: object = None) -> SourceError:
        """A SourceError pointing at a 0-based cell, reported in Excel coordinates."""
        column = None if col is None else excel_column(col)
        return SourceError(self.file, message, self.name, row + 1, column, value)


@dataclass(frozen=True)
class Layout:
    """Which sheets of an edition hold the all-population blocks and the split by sex."""

    total_sheets: tuple[str, ...]
    sex_sheet: str | None


# ---------------------------------------------------------------------------------------------
# extract


def extract(source: Path | Blob) -> dict[str, pd.DataFrame]:
    """Every sheet of the workbook as a raw cell grid: no header, cells exactly as stored."""
    return as_blob(source).sheets()


# ---------------------------------------------------------------------------------------------
# transforms


def transform_internet_use(
    raw: dict[str, pd.DataFrame], vintage: str, max_year: int = LAST_YEAR
) -> pd.DataFrame:
    """Individuals using the Internet (% and millions) by group and year, total and by sex."""
    file = _file_of(raw)
    layout = _layout(raw, file)
    frames = [_internet_totals(_sheet(raw, name, file)) for name in layout.total_sheets]
    if layout.sex_sheet is not None:
        frames.append(_internet_by_sex(_sheet(raw, layout.sex_sheet, file)))
    long = pd.concat(frames, ignore_index=True)
    _check_years(raw, long, file, max_year)
    return _tidy(long, vintage, INTERNET_COLUMNS, INTERNET_KEY, file)


def transform_bandwidth(
    raw: dict[str, pd.DataFrame], vintage: str, max_year: int = LAST_YEAR
) -> pd.DataFrame:
    """International bandwidth (Gbit/s) and bandwidth per Internet user (kbit/s) by group, year."""
    file = _file_of(raw)
    layout = _layout(raw, file)
    frames = [
        _bandwidth_block(sheet, block)
        for sheet in (_sheet(raw, name, file) for name in layout.total_sheets)
        for block in _required_blocks(sheet, BANDWIDTH_TITLES)
    ]
    long = pd.concat(frames, ignore_index=True)
    _check_years(raw, long, file, max_year)
    return _tidy(long, vintage, BANDWIDTH_COLUMNS, BANDWIDTH_KEY, file)


def transform_mobile_broadband(
    raw: dict[str, pd.DataFrame], vintage: str, max_year: int = LAST_YEAR
) -> pd.DataFrame:
    """Active mobile-broadband subscriptions (per 100 inhabitants and millions) by group, year."""
    file = _file_of(raw)
    layout = _layout(raw, file)
    frames = [
        _subscriptions_block(sheet, block)
        for sheet in (_sheet(raw, name, file) for name in layout.total_sheets)
        for block in _required_blocks(sheet, MOBILE_TITLES)
    ]
    long = pd.concat(frames, ignore_index=True)
    _check_years(raw, long, file, max_year)
    return _tidy(long, vintage, MOBILE_COLUMNS, MOBILE_KEY, file)


def _subscriptions_block(sheet: Sheet, block: Block) -> pd.DataFrame:
    """One subscriptions block: millions, then per 100 inhabitants (the Nov 2024 sheets state the
    two units once, over the first block of the sheet)."""
    _expect_parts(sheet, block, (_MILLIONS, _PER_100), ("millions", "per 100 inhabitants"))
    values = _block_values(sheet, block)
    _check_bounds(sheet, values, 0.0, math.inf, "negative number of subscriptions")
    per_100 = values[values["part"] == 1]
    _check_bounds(sheet, per_100, 0.0, 1000.0, "more than 1,000 subscriptions per 100 people")
    millions = values.loc[values["part"] == 0, ["entity_id", "year", "value"]]
    per_100 = per_100.assign(estimate=per_100["starred"] | _all_estimates(sheet))
    return per_100.rename(columns={"value": "per_100"}).merge(
        millions.rename(columns={"value": "subscriptions_millions"}),
        on=["entity_id", "year"],
        how="left",
        validate="one_to_one",
    )


def _internet_totals(sheet: Sheet) -> pd.DataFrame:
    """Internet use of the whole population from each 'Individuals using the Internet' block."""
    all_estimates = _all_estimates(sheet)
    frames = []
    for block in _required_blocks(sheet, INTERNET_TITLES):
        _expect_parts(sheet, block, (_MILLIONS, _PERCENT), ("millions", "a percentage"))
        values = _block_values(sheet, block)
        counts, pct = values[values["part"] == 0], values[values["part"] == 1]
        _check_bounds(sheet, pct, 0.0, 100.0, "percentage outside 0-100")
        _check_bounds(sheet, counts, 0.0, math.inf, "negative number of users")
        users = counts[["entity_id", "year", "value"]].rename(columns={"value": "users_millions"})
        frame = pct.rename(columns={"value": "value_pct"}).merge(
            users, on=["entity_id", "year"], how="left", validate="one_to_one"
        )
        frames.append(frame.assign(sex="total", estimate=frame["starred"] | all_estimates))
    return pd.concat(frames, ignore_index=True)


def _internet_by_sex(sheet: Sheet) -> pd.DataFrame:
    """Internet use of women and men from the sex-split blocks (their 'Total' is not repeated)."""
    all_estimates = _all_estimates(sheet)
    frames = []
    for block in _required_blocks(sheet, SEX_SPLIT_TITLES):
        sexes = _sexes(sheet, block)
        values = _block_values(sheet, block)
        values = values.assign(sex=values["part"].map(dict(enumerate(sexes))))
        split = values[values["sex"].isin(["female", "male"])]
        _check_bounds(sheet, split, 0.0, 100.0, "percentage outside 0-100")
        frames.append(
            split.rename(columns={"value": "value_pct"}).assign(
                users_millions=np.nan, estimate=split["starred"] | all_estimates
            )
        )
    return pd.concat(frames, ignore_index=True)


def _bandwidth_block(sheet: Sheet, block: Block) -> pd.DataFrame:
    """One bandwidth block in Gbit/s and kbit/s per user, whatever units the block states."""
    _expect_parts(sheet, block, (_BITRATE, _BITRATE), ("a bit rate", "a bit rate per user"))
    to_gbps = _bitrate_factor(sheet, block, 0, "g")
    to_kbps = _bitrate_factor(sheet, block, 1, "k")
    values = _block_values(sheet, block)
    _check_bounds(sheet, values, 0.0, math.inf, "negative bandwidth")
    total = values[values["part"] == 0]
    per_user = values.loc[values["part"] == 1, ["entity_id", "year", "value"]]
    return total.assign(bandwidth_gbps=total["value"] * to_gbps).merge(
        per_user.assign(per_user_kbps=per_user["value"] * to_kbps).drop(columns="value"),
        on=["entity_id", "year"],
        how="left",
        validate="one_to_one",
    )


# ---------------------------------------------------------------------------------------------
# editions and sheets


def _file_of(raw: dict[str, pd.DataFrame]) -> str:
    """The workbook path that extract() stamped on the grids."""
    for grid in raw.values():
        return str(grid.attrs.get("file", "ITU aggregates workbook"))
    raise SourceError("ITU aggregates workbook", "no sheets to read")


def _layout(raw: dict[str, pd.DataFrame], file: str) -> Layout:
    """The edition's layout, recognised by the Nov 2024 sheet names or the Oct 2019 title."""
    if any(name in raw for name in (*NOV2024_TOTAL_SHEETS, NOV2024_SEX_SHEET)):
        return Layout(NOV2024_TOTAL_SHEETS, NOV2024_SEX_SHEET)
    for name, grid in raw.items():
        if any(_starts_with(value, OCT2019_TITLE) for value in grid.to_numpy(object).ravel()):
            return Layout((name,), None)
    expected = [*NOV2024_TOTAL_SHEETS, NOV2024_SEX_SHEET]
    raise SourceError(
        file,
        f"not a known edition: neither the sheets {expected} nor a sheet titled "
        f"{OCT2019_TITLE!r}...; the workbook has sheets {list(raw)}",
    )


def _sheet(raw: dict[str, pd.DataFrame], name: str, file: str) -> Sheet:
    """A required sheet's cells, or an error naming the sheets the workbook does have."""
    if name not in raw:
        raise SourceError(
            file, f"required sheet is missing or renamed; the workbook has sheets {list(raw)}", name
        )
    return Sheet(file, name, raw[name].to_numpy(dtype=object))


def _all_estimates(sheet: Sheet) -> bool:
    """True when the sheet's notes say that all its data are estimates."""
    return any(ALL_ESTIMATES_NOTE in _text(value).lower() for value in sheet.cells.ravel())


# ---------------------------------------------------------------------------------------------
# cells


def _text(value: object) -> str:
    """The cell's text with single spaces, or '' for a number or a blank."""
    return " ".join(value.split()) if isinstance(value, str) else ""


def _starts_with(value: object, prefix: str) -> bool:
    """True when a text cell starts with `prefix`, ignoring case and spacing."""
    return _text(value).lower().startswith(" ".join(prefix.split()).lower())


def _is_missing(value: object) -> bool:
    """True for a blank cell or one of the publisher's 'not available' marks."""
    return _is_blank(value) or (isinstance(value, str) and MISSING_VALUES.allows(value))


def _number(value: object) -> float | None:
    """The cell as a finite float, or None when it does not hold a number."""
    if isinstance(value, bool | np.bool_):
        return None
    if isinstance(value, int | float | np.integer | np.floating):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _year(value: object) -> YearColumn | None:
    """The year of a header cell such as 2005, 2006.0 or '2019*' (col left at -1)."""
    if isinstance(value, str):
        match = _YEAR_TEXT.match(value.strip())
        if match is None:
            return None
        year, starred = int(match[1]), bool(match[2])
    else:
        number = _number(value)
        if number is None or not number.is_integer():
            return None
        year, starred = int(number), False
    return YearColumn(-1, year, starred) if FIRST_YEAR <= year <= LAST_YEAR else None


def _cell_value(sheet: Sheet, row: int, col: int) -> float | None:
    """A data cell as a float; None if blank or marked missing; anything else is an error."""
    value = sheet.cells[row, col]
    if _is_missing(value):
        return None
    number = _number(value)
    if number is None:
        raise sheet.error(row, col, "expected a number, a blank or N/A, '..', '-'", value)
    return number


# ---------------------------------------------------------------------------------------------
# rows


def _row_blank(sheet: Sheet, row: int) -> bool:
    """True when every cell of the row is blank."""
    return all(_is_blank(value) for value in sheet.cells[row])


def _skip_blank(sheet: Sheet, row: int) -> int:
    """The first row at or after `row` that is not blank (or the row count)."""
    while row < len(sheet.cells) and _row_blank(sheet, row):
        row += 1
    return row


def _entity(sheet: Sheet, row: int, label_col: int) -> str | None:
    """The group code of the row's label, or None when the label is not a known group."""
    label = _text(sheet.cells[row, label_col])
    return group_code(label) if label else None


def _header_years(sheet: Sheet, row: int, label_col: int) -> list[YearColumn] | None:
    """The year cells of a year-header row (every filled cell right of the label is a year)."""
    if _entity(sheet, row, label_col) is not None:
        return None
    years = []
    for col in range(label_col + 1, sheet.cells.shape[1]):
        value = sheet.cells[row, col]
        if _is_blank(value):
            continue
        year = _year(value)
        if year is None:
            return None
        years.append(year._replace(col=col))
    return years if len(years) >= 2 else None


def _is_header(sheet: Sheet, row: int, label_col: int) -> bool:
    """True for a year-header row."""
    return _header_years(sheet, row, label_col) is not None


def _has_values(sheet: Sheet, row: int, parts: Sequence[Part]) -> bool:
    """True when a row holds numbers or missing marks under the year columns (a data row)."""
    cells = [sheet.cells[row, column.col] for part in parts for column in part.columns]
    return any(_number(v) is not None or (_is_missing(v) and not _is_blank(v)) for v in cells)


# ---------------------------------------------------------------------------------------------
# the block finder


def _required_blocks(sheet: Sheet, titles: Sequence[str]) -> list[Block]:
    """The blocks of a sheet titled with one of `titles`; at least one must exist."""
    blocks = list(_find_blocks(sheet, titles))
    if not blocks:
        raise SourceError(
            sheet.file,
            f"required block not found: no cell starts with {' or '.join(map(repr, titles))}",
            sheet.name,
        )
    return blocks


def _find_blocks(sheet: Sheet, titles: Sequence[str]) -> Iterator[Block]:
    """Every block whose title cell starts with one of `titles`, with its headers and group rows."""
    for row, col, title in _title_cells(sheet, titles):
        header = _header_row(sheet, row, col, title)
        segments = _segments(sheet, row, col, header)
        if not any(segment.rows for segment in segments):
            raise sheet.error(row, col, f"block {title!r} has no group rows", title)
        _check_distinct(sheet, title, col, segments)
        yield Block(title, row, col, segments)


def _title_cells(sheet: Sheet, titles: Sequence[str]) -> Iterator[tuple[int, int, str]]:
    """(row, column, text) of each row's first cell that starts with one of `titles`."""
    for row, values in enumerate(sheet.cells):
        for col, value in enumerate(values):
            if any(_starts_with(value, title) for title in titles):
                yield row, col, _text(value)
                break


def _header_row(sheet: Sheet, title_row: int, label_col: int, title: str) -> int:
    """The block's year-header row: the title row, one just below it, or else the nearest above."""
    for row in range(title_row, len(sheet.cells)):
        if _is_header(sheet, row, label_col):
            return row
        if row > title_row and _text(sheet.cells[row, label_col]):
            break  # a group row or another title: this block's header is above
    for row in range(title_row - 1, -1, -1):
        if _is_header(sheet, row, label_col):
            return row
    raise sheet.error(title_row, label_col, f"no year-header row found for block {title!r}")


def _parts(sheet: Sheet, header_row: int, label_rows: Sequence[int], label_col: int) -> list[Part]:
    """The runs of years in a header row, each labelled with the text over its columns."""
    years = _header_years(sheet, header_row, label_col) or []
    runs = _runs(years)
    _check_repeats(sheet, header_row, runs)
    parts = []
    for run in runs:
        words = [
            _text(sheet.cells[row, col])
            for row in label_rows
            if 0 <= row < len(sheet.cells) and row != header_row
            for col in range(run[0].col, run[-1].col + 1)
            if not _is_missing(sheet.cells[row, col])
        ]
        parts.append(Part(" ".join(word for word in words if word), tuple(run)))
    return parts


def _runs(years: list[YearColumn]) -> list[list[YearColumn]]:
    """Header cells split where the columns skip or the years restart: absolute, rate, splits."""
    runs: list[list[YearColumn]] = []
    for column in years:
        last = runs[-1][-1] if runs else None
        if last is not None and column.col == last.col + 1 and column.year > last.year:
            runs[-1].append(column)
        else:
            runs.append([column])
    return runs


def _check_repeats(sheet: Sheet, header_row: int, runs: Sequence[Sequence[YearColumn]]) -> None:
    """A year given twice side by side (2018, 2019, 2019, 2020) is refused, not split into a
    part of its own: which copy holds the data cannot be told. A new part starts over at its
    first year (2005 after 2019, Female's 2019 after Total's 2024)."""
    for before, after in itertools.pairwise(runs):
        start = after[0]
        if start.col == before[-1].col + 1 and before[0].year < start.year <= before[-1].year:
            twin = next(c for c in before if c.year == start.year)
            message = (
                f"year {start.year} appears twice in this header (columns "
                f"{excel_column(twin.col)} and {excel_column(start.col)}); which one holds the "
                "data cannot be told"
            )
            raise sheet.error(header_row, start.col, message, sheet.cells[header_row, start.col])


def _segments(sheet: Sheet, title_row: int, label_col: int, header_row: int) -> tuple[Segment, ...]:
    """The block's header and group rows, then any repeated header that continues the block."""
    parts = _parts(sheet, header_row, (header_row - 1, title_row), label_col)
    rows, end = _data_rows(sheet, max(title_row, header_row) + 1, label_col, parts)
    segments = [Segment(header_row, tuple(parts), tuple(rows))]
    while (again := _continuation(sheet, end, label_col)) is not None:
        more = _inherit_labels(sheet, again, _parts(sheet, again, (again - 1,), label_col), parts)
        rows, end = _data_rows(sheet, again + 1, label_col, more)
        segments.append(Segment(again, tuple(more), tuple(rows)))
    return tuple(segments)


def _data_rows(
    sheet: Sheet, start: int, label_col: int, parts: Sequence[Part]
) -> tuple[list[tuple[int, str]], int]:
    """Group rows from `start` (after blank rows) to a blank row or the next title; and the end."""
    rows: list[tuple[int, str]] = []
    row = _skip_blank(sheet, start)
    while row < len(sheet.cells) and not _row_blank(sheet, row):
        entity = _entity(sheet, row, label_col)
        if entity is None:
            if _is_header(sheet, row, label_col) or not _has_values(sheet, row, parts):
                break  # the next title, a repeated header or the notes
            label = sheet.cells[row, label_col]
            message = "unknown row label where a group is expected"
            raise sheet.error(
                row, label_col, message if _text(label) else "values without a label", label
            )
        rows.append((row, entity))
        row += 1
    return rows, row


def _continuation(sheet: Sheet, row: int, label_col: int) -> int | None:
    """An untitled year-header row right after a block that has group rows under it, if any."""
    row = _skip_blank(sheet, row)
    if row + 1 >= len(sheet.cells) or _text(sheet.cells[row, label_col]):
        return None
    if _is_header(sheet, row, label_col) and _entity(sheet, row + 1, label_col) is not None:
        return row
    return None


def _inherit_labels(
    sheet: Sheet, header_row: int, parts: list[Part], first: list[Part]
) -> list[Part]:
    """A repeated header's parts, labelled like the block's first header where they have none."""
    if len(parts) != len(first):
        message = f"repeated year header has {len(parts)} runs of years, the first has {len(first)}"
        raise sheet.error(header_row, None, message)
    return [
        Part(part.label or head.label, part.columns)
        for part, head in zip(parts, first, strict=True)
    ]


def _check_distinct(sheet: Sheet, title: str, label_col: int, segments: Sequence[Segment]) -> None:
    """Each group appears once in a block."""
    seen: set[str] = set()
    for segment in segments:
        for row, entity in segment.rows:
            if entity in seen:
                raise sheet.error(
                    row, label_col, f"group {entity} appears twice in block {title!r}", entity
                )
            seen.add(entity)


# ---------------------------------------------------------------------------------------------
# values and checks


def _block_values(sheet: Sheet, block: Block) -> pd.DataFrame:
    """Every filled data cell of a block: where it sits, group, part index, year and value."""
    records = [
        (sheet.name, row, column.col, entity, index, column.year, column.starred, value)
        for segment in block.segments
        for row, entity in segment.rows
        for index, part in enumerate(segment.parts)
        for column in part.columns
        if (value := _cell_value(sheet, row, column.col)) is not None
    ]
    frame = pd.DataFrame.from_records(records, columns=_VALUE_COLUMNS)
    return frame.astype({"row": "int64", "col": "int64", "part": "int64", "year": "int64"}).astype(
        {"starred": "bool", "value": "float64"}
    )


def _expect_parts(
    sheet: Sheet, block: Block, units: Sequence[re.Pattern[str]], names: Sequence[str]
) -> None:
    """The block has one run of years per expected unit, each labelled with that unit."""
    for segment in block.segments:
        if len(segment.parts) != len(units):
            message = (
                f"block {block.title!r}: expected {len(units)} runs of year columns "
                f"({', '.join(names)}), found {len(segment.parts)}"
            )
            raise sheet.error(segment.header_row, None, message)
    for part, unit, name in zip(block.segments[0].parts, units, names, strict=True):
        stated = part.label or _unit_above(sheet, block.segments[0].header_row, part.columns[0].col)
        if not unit.search(f"{stated} {block.title}"):
            message = f"block {block.title!r}: expected {name} over these columns"
            raise sheet.error(
                block.segments[0].header_row, part.columns[0].col, message, part.label
            )
    for segment in block.segments:
        _same_years(sheet, block, segment)


def _same_years(sheet: Sheet, block: Block, segment: Segment) -> None:
    """The counts and the rates of a block cover the same years; a year in one only would be
    paired with nothing and dropped."""
    first = segment.parts[0].columns
    for part in segment.parts[1:]:
        years = {c.year for c in part.columns}
        odd = [c for c in first if c.year not in years]
        odd += [c for c in part.columns if c.year not in {f.year for f in first}]
        if odd:
            where = odd[0]
            message = (
                f"block {block.title!r}: year {where.year} heads one run of year columns and not "
                f"the other; each run should cover {', '.join(str(c.year) for c in part.columns)}"
            )
            value = sheet.cells[segment.header_row, where.col]
            raise sheet.error(segment.header_row, where.col, message, value)


def _unit_above(sheet: Sheet, header_row: int, col: int) -> str:
    """The nearest text over a column above a block's header (a unit a sheet states once for
    the blocks under it), passing over blanks, numbers and other year headers."""
    for row in range(header_row - 1, -1, -1):
        value = sheet.cells[row, col]
        if _is_missing(value) or _number(value) is not None or _year(value) is not None:
            continue
        return _text(value)
    return ""


def _bitrate_factor(sheet: Sheet, block: Block, index: int, target: str) -> float:
    """The factor that turns a part's stated bit rate (Tbit/s, Gbit/s, kbit/s...) into `target`."""
    part = block.segments[0].parts[index]
    # Only the absolute part may take its unit from the title; the title states that one.
    match = _BITRATE.search(part.label) or (_BITRATE.search(block.title) if index == 0 else None)
    if match is None:
        message = f"block {block.title!r}: no bit rate unit (e.g. Tbit/s) over these columns"
        raise sheet.error(block.segments[0].header_row, part.columns[0].col, message, part.label)
    return 1000.0 ** (_POWER[match[1].lower()] - _POWER[target])


def _sexes(sheet: Sheet, block: Block) -> list[str]:
    """The sex of each run of years in a split block ('Total', 'Female', 'Male' over them)."""
    first = block.segments[0]
    for part in first.parts:
        if not SEX_LABELS.allows(part.label):
            message = (
                f"block {block.title!r}: a sex outside the format's vocabulary; expected one of "
                f"{SEX_LABELS.expected()}"
            )
            raise sheet.error(first.header_row, part.columns[0].col, message, part.label)
    sexes = [SEXES[part.label.strip().lower()] for part in first.parts]
    if not {"female", "male"} <= set(sexes) or not _PERCENT.search(block.title):
        labels = [part.label for part in first.parts]
        message = f"block {block.title!r}: expected percentages with Female and Male columns"
        raise sheet.error(first.header_row, None, message, labels)
    return sexes


def _check_bounds(
    sheet: Sheet, values: pd.DataFrame, low: float, high: float, message: str
) -> None:
    """Every value lies within [low, high]; the first that does not is reported with its cell."""
    bad = values[(values["value"] < low) | (values["value"] > high)]
    if len(bad):
        first = bad.iloc[0]
        raise sheet.error(int(first["row"]), int(first["col"]), message, float(first["value"]))


def _check_years(raw: dict[str, pd.DataFrame], long: pd.DataFrame, file: str, last: int) -> None:
    """A year after the year following retrieval is a typo or a wrong file: name its cell."""
    late = long[long["year"] > last]
    if len(late):
        first = late.iloc[0]
        sheet = Sheet(file, str(first["sheet"]), raw[str(first["sheet"])].to_numpy(dtype=object))
        row, col = int(first["row"]), int(first["col"])
        raise sheet.error(
            row,
            col,
            f"year {int(first['year'])} is after {last}, the year after the file was retrieved",
            sheet.cells[row, col],
        )


def _tidy(
    long: pd.DataFrame, vintage: str, columns: list[str], key: list[str], file: str
) -> pd.DataFrame:
    """Stamp source and vintage, check the key is unique, fix dtypes and keep the public columns."""
    long = long.assign(source=SOURCE, vintage=vintage)
    duplicated = long[long.duplicated(key, keep="first")]
    if len(duplicated):
        first = duplicated.iloc[0]
        where = {name: first[name] for name in key}
        raise SourceError(
            file,
            f"the same key appears twice {where}",
            str(first["sheet"]),
            int(first["row"]) + 1,
            excel_column(int(first["col"])),
        )
    dtypes = {
        "source": "str",
        "vintage": "str",
        "entity_id": "str",
        "year": "int64",
        "sex": "str",
        "value_pct": "float64",
        "users_millions": "float64",
        "estimate": "bool",
        "bandwidth_gbps": "float64",
        "per_user_kbps": "float64",
        "per_100": "float64",
        "subscriptions_millions": "float64",
        "location": "str",
        "age": "str",
        "technology": "str",
        "coverage_pct": "float64",
        "covered_millions": "float64",
        "owners_millions": "float64",
    }
    out = long[columns].astype({name: dtypes[name] for name in columns})
    return out.sort_values(key).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# the divides beyond the four: urban/rural, age, network coverage, mobile-phone ownership
#
# The Nov 2024 workbook has a sheet of blocks by urban/rural area (Internet use; coverage by each
# technology) and one of Internet use by age, each a percentage block with three runs of years
# (Total | Urban | Rural, Total | Youth (15-24) | Rest of the population); its two total sheets
# add coverage and phone-ownership blocks (millions | percentage) and the sheet by sex a phone-
# ownership block (Total | Female | Male). The Oct 2019 workbook has only the coverage blocks.
# Blocks are found by title in any sheet; a run of years is read only under the label expected
# over it, so a block whose layout differs is refused with its cell named.

LOCATION_USE_TITLES = ("Percentage of individuals using the Internet, by urban",)
AGE_USE_TITLES = ("Percentage of individuals using the Internet, by age",)
COVERAGE_TITLES = ("Population covered by",)
OWNERSHIP_TITLES = ("Individuals owning a mobile phone",)
OWNERSHIP_SEX_TITLES = ("Percentage of individuals owning a mobile phone",)

LOCATION_COLUMNS = schemas.columns("internet_use_by_location")
LOCATION_KEY = schemas.unique_key("internet_use_by_location")
AGE_COLUMNS = schemas.columns("internet_use_by_age")
AGE_KEY = schemas.unique_key("internet_use_by_age")
COVERAGE_COLUMNS = schemas.columns("network_coverage")
COVERAGE_KEY = schemas.unique_key("network_coverage")
OWNERSHIP_COLUMNS = schemas.columns("mobile_phone_ownership")
OWNERSHIP_KEY = schemas.unique_key("mobile_phone_ownership")

# The label over each run of years, as the code it publishes; anything else is refused.
LOCATION_LABELS = {
    "total": re.compile(r"^total$", re.IGNORECASE),
    "urban": re.compile(r"^urban$", re.IGNORECASE),
    "rural": re.compile(r"^rural$", re.IGNORECASE),
}
# Youth is 15-24 (the UN definition): another age band would be another indicator.
AGE_LABELS = {
    "total": re.compile(r"^total$", re.IGNORECASE),
    "youth": re.compile(r"^youth\b.*\b15\s*[-\u2013]\s*24\b", re.IGNORECASE),
    "rest": re.compile(r"^rest of the population$", re.IGNORECASE),
}
SEX_PARTS = {
    "total": re.compile(r"^total$", re.IGNORECASE),
    "female": re.compile(r"^(female|women)$", re.IGNORECASE),
    "male": re.compile(r"^(male|men)$", re.IGNORECASE),
}
# The technology a coverage block's title names ('at least a 3G mobile network').
TECHNOLOGY_WORDS = {
    "mobile_cellular": re.compile(r"mobile-cellular", re.IGNORECASE),
    "3g": re.compile(r"\b3G\b", re.IGNORECASE),
    "lte": re.compile(r"\bLTE\b", re.IGNORECASE),
    "5g": re.compile(r"\b5G\b", re.IGNORECASE),
}
# A share of the population: 'Percentage', '%', or the Oct 2019 sheet's 'Per 100 inhabitants'
# stated once over every rate column (coverage per 100 inhabitants is a percentage).
_SHARE = re.compile(r"%|percent|per\s*100", re.IGNORECASE)


def transform_internet_use_by_location(
    raw: dict[str, pd.DataFrame], vintage: str, max_year: int = LAST_YEAR
) -> pd.DataFrame:
    """Internet use (%) in urban and rural areas (and in all, as the block prints it) by group."""
    file = _file_of(raw)
    frames = [
        _labelled_rates(sheet, block, LOCATION_LABELS, {"urban", "rural"}, "location")
        for sheet, block in _divide_blocks(raw, file, LOCATION_USE_TITLES)
    ]
    long = _joined(frames, ["value_pct", "location"]).assign(sex="total")
    _check_years(raw, long, file, max_year)
    return _tidy(long, vintage, LOCATION_COLUMNS, LOCATION_KEY, file)


def transform_internet_use_by_age(
    raw: dict[str, pd.DataFrame], vintage: str, max_year: int = LAST_YEAR
) -> pd.DataFrame:
    """Internet use (%) of people aged 15-24 and of the rest of the population, by group."""
    file = _file_of(raw)
    frames = [
        _labelled_rates(sheet, block, AGE_LABELS, {"youth", "rest"}, "age")
        for sheet, block in _divide_blocks(raw, file, AGE_USE_TITLES)
    ]
    long = _joined(frames, ["value_pct", "age"])
    _check_years(raw, long, file, max_year)
    return _tidy(long, vintage, AGE_COLUMNS, AGE_KEY, file)


def transform_network_coverage(
    raw: dict[str, pd.DataFrame], vintage: str, max_year: int = LAST_YEAR
) -> pd.DataFrame:
    """Population covered (% and millions) by technology, in total and by urban/rural area."""
    file = _file_of(raw)
    layout = _layout(raw, file)
    totals = [
        _coverage_totals(sheet, block)
        for sheet in (_sheet(raw, name, file) for name in layout.total_sheets)
        for block in _required_blocks(sheet, COVERAGE_TITLES)
    ]
    by_area = [
        _labelled_rates(sheet, block, LOCATION_LABELS, {"urban", "rural"}, "location")
        .rename(columns={"value_pct": "coverage_pct"})
        .assign(technology=_technology(sheet, block))
        for sheet, block in _divide_blocks(raw, file, COVERAGE_TITLES, layout.total_sheets)
    ]
    measured = ["coverage_pct", "covered_millions", "technology", "location"]
    long = _joined(totals, measured)
    areas = _joined(by_area, measured)
    # The urban/rural sheet repeats the total sheets' totals (the Nov 2024 cells agree): the
    # total sheets' rows, which carry the millions, are kept.
    known = pd.MultiIndex.from_frame(long[["entity_id", "year", "technology", "location"]])
    again = pd.MultiIndex.from_frame(areas[["entity_id", "year", "technology", "location"]])
    long = pd.concat([long, areas[~again.isin(known)]], ignore_index=True)
    _check_years(raw, long, file, max_year)
    return _tidy(long, vintage, COVERAGE_COLUMNS, COVERAGE_KEY, file)


def transform_mobile_phone_ownership(
    raw: dict[str, pd.DataFrame], vintage: str, max_year: int = LAST_YEAR
) -> pd.DataFrame:
    """Individuals aged 10+ owning a mobile phone (% and millions) by group, total and by sex."""
    file = _file_of(raw)
    layout = _layout(raw, file)
    totals = [
        _ownership_totals(sheet, block)
        for sheet, block in _divide_blocks(raw, file, OWNERSHIP_TITLES, only=layout.total_sheets)
    ]
    by_sex = [
        _labelled_rates(sheet, block, SEX_PARTS, {"female", "male"}, "sex")
        for sheet, block in _divide_blocks(raw, file, OWNERSHIP_SEX_TITLES)
    ]
    split = _joined(by_sex, ["value_pct", "sex"])
    # The sheet by sex repeats the totals: only its female and male rows are new.
    long = pd.concat(
        [
            _joined(totals, ["value_pct", "owners_millions", "sex"]),
            split[split["sex"].isin(["female", "male"])],
        ],
        ignore_index=True,
    )
    _check_years(raw, long, file, max_year)
    return _tidy(long, vintage, OWNERSHIP_COLUMNS, OWNERSHIP_KEY, file)


def _divide_blocks(
    raw: dict[str, pd.DataFrame],
    file: str,
    titles: Sequence[str],
    skip: Sequence[str] = (),
    only: Sequence[str] | None = None,
) -> list[tuple[Sheet, Block]]:
    """Every block titled with one of ``titles`` in the workbook's sheets (or ``only`` those,
    less ``skip``). The editions that split Internet use by sex (Nov 2024 on) also have these
    blocks, so there one must be found; the Oct 2019 layout has none of them."""
    names = [n for n in (only if only is not None else raw) if n in raw and n not in skip]
    found = [
        (sheet, block)
        for sheet in (_sheet(raw, name, file) for name in names)
        for block in _find_blocks(sheet, titles)
    ]
    if not found and _layout(raw, file).sex_sheet is not None:
        raise SourceError(
            file,
            f"required block not found: no cell starts with {' or '.join(map(repr, titles))} "
            f"in the sheets {names}",
        )
    return found


def _labelled_rates(
    sheet: Sheet, block: Block, labels: Mapping[str, re.Pattern[str]], needed: set[str], column: str
) -> pd.DataFrame:
    """A percentage block whose runs of years are labelled (Total | Urban | Rural ...): one row
    per group, year and label, the label's code in ``column``."""
    codes = _part_codes(sheet, block, labels, needed)
    values = _block_values(sheet, block)
    _check_bounds(sheet, values, 0.0, 100.0, "percentage outside 0-100")
    values = values.assign(**{column: values["part"].map(dict(enumerate(codes)))})
    return values.rename(columns={"value": "value_pct"}).assign(
        estimate=values["starred"] | _all_estimates(sheet)
    )


def _part_codes(
    sheet: Sheet, block: Block, labels: Mapping[str, re.Pattern[str]], needed: set[str]
) -> list[str]:
    """The code of each run of years from the label over it; the block must be a percentage
    and hold the ``needed`` labels, each once."""
    first = block.segments[0]
    codes = []
    for part in first.parts:
        code = next((c for c, pattern in labels.items() if pattern.search(part.label)), None)
        if code is None or code in codes:
            expected = " | ".join(labels)
            message = f"block {block.title!r}: expected one of {expected} over these columns"
            raise sheet.error(first.header_row, part.columns[0].col, message, part.label)
        codes.append(code)
    if not needed <= set(codes) or not _SHARE.search(block.title):
        found = [part.label for part in first.parts]
        message = (
            f"block {block.title!r}: expected percentages with {' and '.join(sorted(needed))} "
            "columns"
        )
        raise sheet.error(first.header_row, None, message, found)
    return codes


def _technology(sheet: Sheet, block: Block) -> str:
    """The one technology a coverage block's title names."""
    named = [code for code, words in TECHNOLOGY_WORDS.items() if words.search(block.title)]
    if len(named) != 1:
        message = f"coverage block names {named or 'no'} technology; expected one of "
        raise sheet.error(
            block.title_row,
            block.label_col,
            message + "mobile-cellular, 3G, LTE, 5G",
            block.title,
        )
    return named[0]


def _coverage_totals(sheet: Sheet, block: Block) -> pd.DataFrame:
    """One coverage block of a total sheet: millions covered, then % of the population."""
    _expect_parts(sheet, block, (_MILLIONS, _SHARE), ("millions", "a percentage"))
    return _count_and_rate(sheet, block, "covered_millions", "coverage_pct").assign(
        technology=_technology(sheet, block), location="total"
    )


def _ownership_totals(sheet: Sheet, block: Block) -> pd.DataFrame:
    """The phone-ownership block of a total sheet: millions of owners, then % (aged 10+)."""
    _expect_parts(sheet, block, (_MILLIONS, _SHARE), ("millions", "a percentage"))
    return _count_and_rate(sheet, block, "owners_millions", "value_pct").assign(sex="total")


def _count_and_rate(sheet: Sheet, block: Block, count: str, rate: str) -> pd.DataFrame:
    """A block of millions beside a percentage: one row per group and year with both."""
    values = _block_values(sheet, block)
    _check_bounds(sheet, values, 0.0, math.inf, "negative number of people")
    pct = values[values["part"] == 1]
    _check_bounds(sheet, pct, 0.0, 100.0, "percentage outside 0-100")
    millions = values.loc[values["part"] == 0, ["entity_id", "year", "value"]]
    pct = pct.assign(estimate=pct["starred"] | _all_estimates(sheet))
    return pct.rename(columns={"value": rate}).merge(
        millions.rename(columns={"value": count}),
        on=["entity_id", "year"],
        how="left",
        validate="one_to_one",
    )


def _joined(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    """The blocks' rows in one frame (with no rows but the ``columns`` when there are none)."""
    if frames:
        return pd.concat(frames, ignore_index=True)
    return pd.DataFrame(columns=[*_VALUE_COLUMNS, "estimate", *columns])


# ---------------------------------------------------------------------------------------------
# declarations

# Every group row each layout's Internet-use blocks carry; a workbook missing one was cut down.
REQUIRED_GROUPS = {
    "oct2019": ("DEVELOPED", "DEVELOPING", "WLD", "LDC"),
    "nov2024": ("WLD", "HIC", "UMC", "LMC", "LIC", "LDC", "LLDC", "SIDS"),
}
ITU_REGIONS = ("ITU_AFR", "ITU_AMS", "ITU_ARB", "ITU_ASP", "ITU_CIS", "ITU_EUR")
# 'Version November 2024, for Facts and Figures 2024' (2024) or 'Updated: 28 October 2019' (2019)
_VERSION = r"Version\s+(?P<date>[A-Za-z]+\s+\d{4})"
_UPDATED = r"Updated:\s*(?P<date>\d{1,2}\s+[A-Za-z]+\s+\d{4})"


def recognise(blob: Blob) -> bool:
    """A key-indicator workbook: Internet-use and bandwidth blocks, by either edition's layout."""
    if not blob.is_workbook():
        return False
    try:
        sheets = blob.sheet_names()
    except SourceError:
        return False
    if any(name in sheets for name in NOV2024_TOTAL_SHEETS):
        return True
    return any(text.startswith(OCT2019_TITLE) for text in workbook_text(blob, 50))


def read_edition(blob: Blob) -> Edition | None:
    """The footer's 'Version November 2024, for Facts and Figures 2024' or 'Updated: 28 October
    2019'; the citation keeps the footer's words."""
    for text in workbook_text(blob):
        version = re.search(_VERSION + r"(?P<rest>,\s*for [^.;]+)?", text, re.IGNORECASE)
        if version:
            wording = "version {text}" + (version.group("rest") or "").rstrip()
            edition = month_edition(text, _VERSION, wording)
        else:
            edition = month_edition(text, _UPDATED, "updated {text}")
        if edition is not None:
            return edition
    return None


def read(blob: Blob, context: Context) -> Frames:
    raw = extract(blob)
    key = context.edition.key
    return {
        "internet_use": transform_internet_use(raw, key, context.max_year),
        "bandwidth": transform_bandwidth(raw, key, context.max_year),
        "mobile_broadband": transform_mobile_broadband(raw, key, context.max_year),
        "internet_use_by_location": transform_internet_use_by_location(raw, key, context.max_year),
        "internet_use_by_age": transform_internet_use_by_age(raw, key, context.max_year),
        "network_coverage": transform_network_coverage(raw, key, context.max_year),
        "mobile_phone_ownership": transform_mobile_phone_ownership(raw, key, context.max_year),
    }


def locate_value(blob: Blob, where: Where) -> str:
    """The cell a value was read from: sheet, row and column (found again by the block finder)."""
    raw = extract(blob)
    file = _file_of(raw)
    layout = _layout(raw, file)
    sex = where.dim("sex") or "total"
    sheets: tuple[str, ...]
    titles: tuple[str, ...]
    if where.table == "internet_use" and sex != "total" and layout.sex_sheet is not None:
        sheets, titles = (layout.sex_sheet,), SEX_SPLIT_TITLES
    else:
        sheets = layout.total_sheets
        titles = BANDWIDTH_TITLES if where.table == "bandwidth" else INTERNET_TITLES
    for name in sheets:
        sheet = _sheet(raw, name, file)
        for block in _find_blocks(sheet, titles):
            cell = _cell_of(sheet, block, where, sex)
            if cell is not None:
                return f"sheet {name!r}, row {cell[0] + 1}, column {excel_column(cell[1])}"
    return f"{where.entity}, year {where.year}"


def _cell_of(sheet: Sheet, block: Block, where: Where, sex: str) -> tuple[int, int] | None:
    """(row, col) of an entity's value for a year in a block, if the block has it."""
    if sex == "total":
        part = 1 if where.measure in ("value_pct", "per_user_kbps") else 0
    else:
        parts = [SEXES.get(p.label.strip().lower()) for p in block.segments[0].parts]
        part = parts.index(sex) if sex in parts else -1
    for segment in block.segments:
        for row, code in segment.rows:
            if code == where.entity and 0 <= part < len(segment.parts):
                for column in segment.parts[part].columns:
                    if column.year == where.year:
                        return row, column.col
    return None


def _present(frames: Frames) -> set[str]:
    totals = frames["internet_use"]
    return set(totals.loc[totals["sex"] == "total", "entity_id"])


def layout_name(frames: Frames) -> str:
    """Which layout an edition was read from: only Oct 2019 splits developed and developing."""
    present = _present(frames)
    return "oct2019" if "DEVELOPED" in present or "DEVELOPING" in present else "nov2024"


# How each layout prints its values. The Oct 2019 cells hold unrounded doubles that the sheet
# shows with the formats '#,##0' (millions, Gbit/s, kbit/s per user) and '0.0' (%); the Nov 2024
# notes say "Values are rounded to 1 decimal", bandwidth in Tbit/s (so to 100 Gbit/s here).
PRINTED = {
    "oct2019": {
        "value_pct": Printed(decimals=1),
        "users_millions": Printed(decimals=0),
        "bandwidth_gbps": Printed(decimals=0),
        "per_user_kbps": Printed(decimals=0),
        "per_100": Printed(decimals=1),
        "subscriptions_millions": Printed(decimals=0),
        "coverage_pct": Printed(decimals=1),
        "covered_millions": Printed(decimals=0),
        "owners_millions": Printed(decimals=0),
    },
    "nov2024": {
        "value_pct": Printed(decimals=1),
        "users_millions": Printed(decimals=1),
        "bandwidth_gbps": Printed(decimals=-2),
        "per_user_kbps": Printed(decimals=1),
        "per_100": Printed(decimals=1),
        "subscriptions_millions": Printed(decimals=1),
        "coverage_pct": Printed(decimals=1),
        "covered_millions": Printed(decimals=1),
        "owners_millions": Printed(decimals=1),
    },
}


def check(frames: Frames, references: Mapping[str, Frames], blob: Blob) -> list[str]:
    """Every group row of the layout's Internet-use blocks, and the six ITU regions."""
    present = _present(frames)
    layout = layout_name(frames)
    missing = [g for g in (*REQUIRED_GROUPS[layout], *ITU_REGIONS) if g not in present]
    if not missing:
        return []
    return [
        f"{blob.name}: the Individuals using the Internet blocks have no row for "
        f"{', '.join(missing)}; every edition of this layout has them, so the workbook looks "
        "cut down"
    ]


FORMAT = SourceFormat(
    source=SOURCE,
    publisher="itu",
    title="ITU key ICT indicators",
    citation="ITU, Key ICT indicators for the world, development and income groups and ITU "
    "regions, World Telecommunication/ICT Indicators database ({edition})",
    licence="ITU terms of use; cite ITU as the source.",
    tables=(
        "internet_use",
        "bandwidth",
        "mobile_broadband",
        "internet_use_by_location",
        "internet_use_by_age",
        "network_coverage",
        "mobile_phone_ownership",
    ),
    recognise=recognise,
    read_edition=read_edition,
    read=read,
    first_year=2005,
    urls=(
        "https://www.itu.int/en/ITU-D/Statistics/Documents/facts/"
        "ITU_regional_global_Key_ICT_indicator_aggregates_Nov_2024.xlsx",
    ),
    check=check,
    # ITU's aggregates move less than single economies: the largest revision of a group's
    # Internet use between the Oct 2019 and Nov 2024 editions is 8.5 points (CIS, 2009).
    moves={
        "value_pct": points(15),
        "users_millions": VOLUME,
        "bandwidth_gbps": VOLUME,
        "per_user_kbps": VOLUME,
        # Subscriptions per 100 people move like a percentage (Oct 2019 -> Nov 2024: at most
        # 13.8 per 100, Asia-Pacific in 2019); more than 30 is a wrong column or unit.
        "per_100": points(30),
        "subscriptions_millions": VOLUME,
        # Network coverage is revised more than use (Oct 2019 -> Nov 2024: Africa's LTE in 2018
        # by 9.5 points); a move of more than 30 is a wrong block or technology.
        "coverage_pct": points(30),
        "covered_millions": VOLUME,
        "owners_millions": VOLUME,
    },
    vocabularies=(SEX_LABELS, MISSING_VALUES),
    locate_value=locate_value,
    printed=lambda frames: PRINTED[layout_name(frames)],
    known={
        "902e8e253d09cbdccbf979780524fc294bf9f4e8cb2de88c6181430595cf8106": Known(
            Edition("2019-10", "updated 28 October 2019"),
            "itu/ITU_Key_2005-2019_ICT_data_with_LDCs_28Oct2019_Final.xls",
        ),
        "37da7650ca6f360b46329dd208f83c2f2a592953c36cb34085eab48d369ae1df": Known(
            Edition("2024-11", "version November 2024, for Facts and Figures 2024"),
            "itu/ITU_regional_global_Key_ICT_indicator_aggregates_Nov_2024.xlsx",
        ),
    },
)

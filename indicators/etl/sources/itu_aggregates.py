"""ITU key ICT indicator aggregates: the world, development and income groups, LDCs and ITU regions.

Two editions are read. The 28 Oct 2019 workbook has one sheet (Developed, Developing, World, LDCs,
then the six ITU regions; 2005-2019, the 2019 header starred as an estimate). The Nov 2024 workbook
has one sheet per grouping plus a sheet split by sex. Both stack titled blocks: a title, a
year-header row (the absolute values and then the rates side by side) and one row per group.
Blocks are found by their title text and their year-header row, never by row number, so that the
next edition of the workbook still loads.
"""

from __future__ import annotations

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
from indicators.etl.sources.cells import is_blank as _is_blank
from indicators.etl.sources.formats import (
    Blob,
    Context,
    Edition,
    Frames,
    Known,
    SourceFormat,
    as_blob,
    month_edition,
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
    return _is_blank(value) or (isinstance(value, str) and value.strip().lower() in MISSING_MARKS)


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
    parts = []
    for run in _runs(years):
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
    sexes = [SEXES.get(part.label.strip().lower(), "") for part in first.parts]
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
        raise sheet.error(
            int(first["row"]),
            int(first["col"]),
            f"year {int(first['year'])} is after {last}, the year after the file was retrieved",
            float(first["value"]),
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
    }
    out = long[columns].astype({name: dtypes[name] for name in columns})
    return out.sort_values(key).reset_index(drop=True)


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
    }


def check(frames: Frames, references: Mapping[str, Frames], blob: Blob) -> list[str]:
    """Every group row of the layout's Internet-use blocks, and the six ITU regions."""
    totals = frames["internet_use"]
    present = set(totals.loc[totals["sex"] == "total", "entity_id"])
    layout = "oct2019" if "DEVELOPED" in present or "DEVELOPING" in present else "nov2024"
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
    tables=("internet_use", "bandwidth", "mobile_broadband"),
    recognise=recognise,
    read_edition=read_edition,
    read=read,
    first_year=2005,
    urls=(
        "https://www.itu.int/en/ITU-D/Statistics/Documents/facts/"
        "ITU_regional_global_Key_ICT_indicator_aggregates_Nov_2024.xlsx",
    ),
    check=check,
    max_coverage_drop=0.25,
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

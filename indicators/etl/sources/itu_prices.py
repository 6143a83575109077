"""ITU ICT Price Baskets workbook (Dec 2025 release): prices per economy and group medians."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.contract import schemas
from indicators.contract.errors import SourceError, excel_column
from indicators.etl import codes
from indicators.etl.sources import strict
from indicators.etl.sources.cells import blank_mask
from indicators.etl.sources.cells import text as _text
from indicators.etl.sources.formats import (
    VOLUME,
    Blob,
    Context,
    Edition,
    Frames,
    Known,
    Printed,
    SourceFormat,
    as_blob,
    month_edition,
    printed_always,
    workbook_text,
)

SOURCE = "itu_prices"
ECONOMIES = "economies_2008-2025"
MEDIANS = "medians"
HISTORY = "BasketHistory"
OVERVIEW = "Overview"
SHEETS = (ECONOMIES, MEDIANS, HISTORY)
# Each release names its economies sheet by its years ('economies_2008-2025').
ECONOMIES_SHEET = re.compile(r"economies_\d{4}-\d{4}")

COLUMNS = schemas.columns("broadband_price")
KEY = schemas.unique_key("broadband_price")

# Basket code without its unit suffix -> (basket, data allowance in GB; None for voice-only).
# ITU replaces a basket's allowance every few years; the successor keeps the basket name and
# differs by allowance, so 1 GB and 5 GB fixed broadband stay separate series. Two pairs share
# basket and allowance and differ only in the years they cover, so they are kept as one series
# each, as BasketHistory's generic names do:
#   i271md_pd_B1GB (postpaid computer-based, 2013-2017) and i271mb_1GB (data-only, 2023-2025)
#   i154_Mob (30 calls + 100 SMS, data to 2017) and i154_MobLow (70 min + 20 SMS, 2018-2024)
# Their years do not overlap; if a release makes them overlap, transform raises rather than
# picking one.
BASKETS: dict[str, tuple[str, float | None]] = {
    "i154_FBB": ("fixed_broadband", 1.0),
    "i154_FBB5": ("fixed_broadband", 5.0),
    "i271md_pd_B1GB": ("mobile_broadband", 1.0),
    "i271mb_1GB": ("mobile_broadband", 1.0),
    "i271mb_1GB5": ("mobile_broadband", 1.5),
    "i271mb_2GB": ("mobile_broadband", 2.0),
    "i271mb_5GB": ("mobile_broadband", 5.0),
    "i271mb_10GB": ("mobile_broadband", 10.0),
    "i271mb_low_500": ("mobile_data_voice_low", 0.5),
    "i271mb_low_1GB": ("mobile_data_voice_low", 1.0),
    "i271mb_high_1GB5": ("mobile_data_voice_high", 1.5),
    "i271mb_high_2GB": ("mobile_data_voice_high", 2.0),
    "i271mb_high_5GB": ("mobile_data_voice_high", 5.0),
    "i154_Mob": ("mobile_cellular", None),
    "i154_MobLow": ("mobile_cellular", None),
}

# Code suffix -> (unit, the label in the sheets' Unit column).
UNITS: dict[str, tuple[str, str]] = {
    "_GNI": ("pct_gni_pc", "GNIpc"),
    "_PPP": ("ppp", "PPP"),
    "$": ("usd", "USD"),
}
UNIT_LABELS = dict(UNITS.values())

# Prices above 100% of GNI are real (Burundi's 5 GB fixed broadband is 964% in 2018-2019);
# 10,000% would be 100 months of income for one month of service, i.e. a unit error.
MAX_PCT_GNI = 10_000.0

ECONOMY_HEADERS = ["IsoCode", "Economy", "Code", "Unit", "ITURegion", "LDC", "LLDC", "SIDS"]
INCOME_HEADER = "Income_2025"

# What each coded column may hold; group labels compare as the project normalises names.
FLAGS = strict.vocabulary(
    "0", "1", column="LDC, LLDC, SIDS", blank=False, key=lambda t: t.removesuffix(".0")
)
ITU_REGION_LABELS = strict.vocabulary(
    *codes.labels_of(codes.ITU_REGIONS),
    "Other Economies",
    column="ITURegion",
    blank=False,
    key=codes.normalise_name,
)
INCOME_LABELS = strict.vocabulary(
    *codes.labels_of(codes.INCOME_GROUPS), column=INCOME_HEADER, key=codes.normalise_name
)
UNIT_VALUES = strict.vocabulary(*(label for _, label in UNITS.values()), column="Unit")
HISTORY_MARKS = strict.vocabulary("x", "exp", column="BasketHistory years")
MEDIAN_HEADERS = ["Code", "Unit", "Grouping", "Group"]
OTHER_ECONOMIES = "other economies"
SPECIAL_GROUPINGS = {"LDC": codes.LDC, "LLDC": codes.LLDC, "SIDS": codes.SIDS}

# The medians sheet starts with the annual medians ("Not to be used for year-on-year
# comparison": each year's median is over the economies priced that year). Blocks further right
# repeat year headers under labels such as "Use this to compare last 5 years" / "Medians based
# on economies with data available for the last 5 years": constant-sample medians that ITU says
# can be compared over time. Each edition has its own windows, so blocks are found by label.
NUMBER_WORDS = {
    word: n
    for n, word in enumerate(
        ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"], start=1
    )
}
WINDOW_LABEL = re.compile(rf"\blast\s+(\d+|{'|'.join(NUMBER_WORDS)})\s+years?\b", re.I)
LABEL = "'Medians based on economies with data available for the last 5 years'"


@dataclass(frozen=True)
class MedianBlock:
    """One block of the medians sheet: its sample ('annual', 'last_5_years') and year columns."""

    sample: str
    years: dict[int, int]  # year -> 0-based column position


def extract(source: Path | Blob) -> dict[str, pd.DataFrame]:
    """The three sheets the transforms need as raw grids (row 0 is Excel row 1)."""
    blob = as_blob(source)
    names = blob.sheet_names()
    found = _sheet_names(names)
    for sheet in SHEETS:
        if sheet not in found:
            raise SourceError(blob.path, f"sheet not found; the workbook has {names}", sheet)
    return {sheet: _grid(blob.sheet(found[sheet]), blob.path, sheet) for sheet in SHEETS}


def _sheet_names(sheets: Sequence[str]) -> dict[str, str]:
    """The role of each sheet; the economies sheet is named by the release's years."""
    found = {name: name for name in sheets if name in SHEETS}
    for name in sheets:
        if ECONOMIES_SHEET.fullmatch(name):
            found[ECONOMIES] = name
    return found


def _grid(grid: pd.DataFrame, path: Path, sheet: str) -> pd.DataFrame:
    """One sheet as a header-less grid; 'NA' is ITU's missing-value mark."""
    out = grid.replace({"NA": np.nan})
    out.attrs.update(file=str(path), sheet=sheet)
    return out


def transform(raw: dict[str, pd.DataFrame], vintage: str, max_year: int = 9999) -> pd.DataFrame:
    """Tidy prices: one row per economy or group, year, basket, allowance, unit and statistic."""
    experimental = _experimental(raw[HISTORY])
    parts = [_economy_prices(raw[ECONOMIES]), _group_medians(raw[MEDIANS])]
    long = pd.concat(parts, ignore_index=True)
    _check_years(long, raw, max_year)
    long["experimental"] = [
        (stem, year) in experimental for stem, year in zip(long["_stem"], long["year"], strict=True)
    ]
    long["source"] = SOURCE
    long["vintage"] = vintage
    _check_unique(long, raw[ECONOMIES].attrs.get("file", "ITU price baskets"))
    return _typed(long[COLUMNS])


def economy_attributes(raw: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per economy: name, ITU region, LDC/LLDC/SIDS flags and 2025 income group."""
    grid = raw[ECONOMIES]
    header = _header_row(grid, ECONOMY_HEADERS)
    cols = _header_positions(grid, header, [*ECONOMY_HEADERS, INCOME_HEADER])
    body = _body(grid, header)
    rows = pd.DataFrame(
        {
            "entity_id": body[cols["IsoCode"]].map(_text),
            "name": body[cols["Economy"]].map(_text),
            "itu_region": _cells(body, cols["ITURegion"], grid, _itu_region),
            "ldc": _cells(body, cols["LDC"], grid, _flag),
            "lldc": _cells(body, cols["LLDC"], grid, _flag),
            "sids": _cells(body, cols["SIDS"], grid, _flag),
            "income_group": _cells(body, cols[INCOME_HEADER], grid, _income_group),
        }
    )
    _check_consistent(rows, grid)
    out = rows.drop_duplicates("entity_id").reset_index(drop=True)
    for column in ["itu_region", "income_group"]:
        out[column] = out[column].astype("str")
    return out


def _economy_prices(grid: pd.DataFrame) -> pd.DataFrame:
    """Long economy prices from the economies sheet."""
    header = _header_row(grid, ECONOMY_HEADERS)
    cols = _header_positions(grid, header, ECONOMY_HEADERS)
    body = _body(grid, header)
    ids = pd.DataFrame(
        {
            "entity_id": body[cols["IsoCode"]].map(_text),
            "code": body[cols["Code"]].map(_text),
            "unit_label": body[cols["Unit"]].map(_text),
        }
    )
    _check_economy_rows(ids, grid)
    return _prices(ids, body, _year_positions(grid, header), grid, "value")


def _group_medians(grid: pd.DataFrame) -> pd.DataFrame:
    """Long group medians from the annual block and each constant-sample block."""
    header = _header_row(grid, MEDIAN_HEADERS)
    cols = _header_positions(grid, header, MEDIAN_HEADERS)
    body = _body(grid, header)
    entity = [
        _median_entity(grouping, group, grid, row)
        for row, grouping, group in zip(
            body.index, body[cols["Grouping"]], body[cols["Group"]], strict=True
        )
    ]
    ids = pd.DataFrame(
        {
            "entity_id": entity,
            "code": body[cols["Code"]].map(_text),
            "unit_label": body[cols["Unit"]].map(_text),
        },
        index=body.index,
    )
    ids = ids[ids["entity_id"].notna()]
    body = body.loc[ids.index]
    parts = [
        _prices(ids, body, block.years, grid, "median", block.sample)
        for block in median_blocks(grid, header)
    ]
    return pd.concat(parts, ignore_index=True)


def median_blocks(grid: pd.DataFrame, header: int) -> list[MedianBlock]:
    """The medians sheet's blocks, left to right: the annual one, then one per window."""
    runs = _year_runs(grid, header)
    if not runs:
        raise _error(grid, "no year columns in the header row", header)
    named = [label for label in _labels(grid, header, 0, runs[0]) if _window_of(label[2])]
    if named:
        message = (
            "the first block of medians should be the annual one, but its label names a window"
        )
        raise _label_error(grid, named[0], message)
    blocks = [MedianBlock(schemas.ANNUAL_SAMPLE, runs[0])]
    for before, run in itertools.pairwise(runs):
        labels = _labels(grid, header, max(before.values()) + 1, run)
        sample = schemas.window_sample(_window(grid, header, labels, run))
        if any(block.sample == sample for block in blocks):
            raise _label_error(grid, labels[0], f"a second block of medians for {sample}")
        blocks.append(MedianBlock(sample, run))
    return blocks


Label = tuple[int, int, str]  # 0-based grid row and column, and the text


def _labels(grid: pd.DataFrame, header: int, start: int, run: dict[int, int]) -> list[Label]:
    """Text cells above the header, from column ``start`` to the last column of a block."""
    return [
        (row, col, _text(grid.iat[row, col]))
        for row in range(header)
        for col in range(start, max(run.values()) + 1)
        if _text(grid.iat[row, col])
    ]


def _window(grid: pd.DataFrame, header: int, labels: list[Label], run: dict[int, int]) -> int:
    """The window in years that a block's labels give, checked against its year columns.

    Any of the labels may carry the window ('Use this to compare last 5 years'); those that do
    must agree.
    """
    if not labels:
        col = min(run.values())
        message = f"year columns without a block label above them; expected a label like {LABEL}"
        raise _error(grid, message, header, excel_column(col), grid.iat[header, col])
    named = [(label, n) for label in labels if (n := _window_of(label[2])) is not None]
    if not named:
        message = f"cannot read the window of this block of medians; expected a label like {LABEL}"
        raise _label_error(grid, labels[0], message)
    (first, years), *others = named
    for label, other in others:
        if other != years:
            cell = f"{excel_column(first[1])}{first[0] + 1}"
            raise _label_error(grid, label, f"block labels disagree: {cell} says {years} years")
    span = sorted(run)
    if span != list(range(span[0], span[0] + years)):
        message = f"the label says {years} years but its block has the year columns {span}"
        raise _label_error(grid, first, message)
    return years


def _window_of(label: str) -> int | None:
    """The N of 'last N years' in a block label (digits or a word up to ten), or None."""
    match = WINDOW_LABEL.search(label)
    if match is None:
        return None
    word = match.group(1).lower()
    return NUMBER_WORDS.get(word) or int(word)


def _label_error(grid: pd.DataFrame, label: Label, message: str) -> SourceError:
    """An error at a block label's cell."""
    row, col, text = label
    return _error(grid, message, row, excel_column(col), text)


def _prices(
    ids: pd.DataFrame,
    body: pd.DataFrame,
    years: dict[int, int],
    grid: pd.DataFrame,
    statistic: str,
    sample: str = schemas.ANNUAL_SAMPLE,
) -> pd.DataFrame:
    """Checked long prices for one block of a sheet, keeping code, sheet, Excel row and column."""
    _check_codes(ids, grid)
    long = _with_basket(_long(ids, body, years, grid))
    _check_range(long, grid)
    long["statistic"] = statistic
    long["sample"] = sample
    long["_sheet"] = grid.attrs.get("sheet")
    return long


def _median_entity(grouping: object, group: object, grid: pd.DataFrame, row: int) -> str | None:
    """Entity id for a (Grouping, Group) pair; None for the medians the dashboard does not use."""
    kind, label = _text(grouping), _text(group)
    if kind in SPECIAL_GROUPINGS:
        # Only the members' median is kept: the non-members' ("0") complement is no group
        # the dashboard charts and has no entity code.
        member = _membership(label, kind)
        if member is None:
            raise _error(grid, f"expected {kind}, 1 or 0 for {kind}", row, "Group", group)
        return SPECIAL_GROUPINGS[kind] if member else None
    if kind == "ITURegion" and codes.normalise_name(label) == OTHER_ECONOMIES:
        return None
    allowed = {
        "World": [codes.WORLD],
        "ITURegion": codes.ITU_REGIONS,
        "Income_2025": codes.INCOME_GROUPS,
    }
    if kind not in allowed:
        expected = [*allowed, *SPECIAL_GROUPINGS]
        raise _error(grid, f"unknown grouping; expected {expected}", row, "Grouping", grouping)
    code = codes.group_code(label)
    if code not in allowed[kind]:
        raise _error(grid, f"unknown {kind} group", row, "Group", group)
    return code


def _membership(label: str, grouping: str) -> bool | None:
    """Whether a special-grouping Group value means members (True) or non-members (False)."""
    value = label.lower().removesuffix(".0")
    if value in {grouping.lower(), "1", "yes"}:
        return True
    if value in {"0", "no"}:
        return False
    return None


def _long(
    ids: pd.DataFrame, body: pd.DataFrame, years: dict[int, int], grid: pd.DataFrame
) -> pd.DataFrame:
    """One row per non-missing value cell, carrying its Excel row and column letter."""
    values = _numbers(body[list(years.values())], grid)
    values.columns = list(years)
    stacked = values.stack().dropna()
    rows = stacked.index.get_level_values(0)
    year = stacked.index.get_level_values(1).astype(int)
    long = ids.loc[rows].reset_index(drop=True)
    long["year"] = year
    long["value"] = stacked.to_numpy(dtype=float)
    long["_row"] = np.asarray(rows) + 1
    long["_column"] = [excel_column(years[y]) for y in year]
    return long


def _numbers(block: pd.DataFrame, grid: pd.DataFrame) -> pd.DataFrame:
    """Value cells as floats; blank and 'NA' cells are missing, any other text is an error."""
    numbers = block.apply(pd.to_numeric, errors="coerce").astype(float)
    bad = (numbers.isna() & ~blank_mask(block)).to_numpy()
    if bad.any():
        r, c = np.argwhere(bad)[0]
        column = excel_column(int(block.columns[c]))
        raise _error(grid, "value is not a number", block.index[r], column, block.iat[r, c])
    return numbers


def _check_codes(ids: pd.DataFrame, grid: pd.DataFrame) -> None:
    """Every row's code must be a known basket with a known unit suffix matching its Unit."""
    for row, code, label in zip(ids.index, ids["code"], ids["unit_label"], strict=True):
        if not UNIT_VALUES.allows(label):
            expected = "unit outside the format's vocabulary; expected one of "
            raise _error(grid, expected + UNIT_VALUES.expected(), row, "Unit", label)
        parsed = _parse_code(code)
        if parsed is None:
            expected = f"a code in BASKETS ending in one of {list(UNITS)}"
            raise _error(grid, f"unknown basket code; expected {expected}", row, "Code", code)
        expected = UNIT_LABELS[parsed[1]]
        if label != expected:
            raise _error(grid, f"expected {expected!r} for {code!r}", row, "Unit", label)


def _with_basket(long: pd.DataFrame) -> pd.DataFrame:
    """Add the code's stem, unit, basket and allowance."""
    parsed = {code: _parse_code(code) or ("", "") for code in long["code"].unique()}
    stem = long["code"].map(lambda code: parsed[code][0])
    return long.assign(
        _stem=stem,
        unit=long["code"].map(lambda code: parsed[code][1]),
        basket=stem.map(lambda s: BASKETS[s][0]),
        allowance_gb=stem.map(lambda s: BASKETS[s][1]).astype(float),
    )


def _parse_code(code: str) -> tuple[str, str] | None:
    """(stem, unit) for a basket code such as 'i154_FBB5_GNI', or None if unknown."""
    for suffix, (unit, _) in UNITS.items():
        stem = code.removesuffix(suffix)
        if stem != code and stem in BASKETS:
            return stem, unit
    return None


def _check_range(long: pd.DataFrame, grid: pd.DataFrame) -> None:
    """Prices cannot be negative; % of GNI per capita above MAX_PCT_GNI signals a unit error."""
    negative = long["value"] < 0
    too_high = (long["unit"] == "pct_gni_pc") & (long["value"] > MAX_PCT_GNI)
    for mask, message in [
        (negative, "negative price"),
        (too_high, f"price above {MAX_PCT_GNI:,.0f}% of monthly GNI per capita"),
    ]:
        if mask.any():
            first = long[mask].iloc[0]
            raise _error(grid, message, first["_row"] - 1, first["_column"], first["value"])


def _check_economy_rows(ids: pd.DataFrame, grid: pd.DataFrame) -> None:
    """Each row needs an IsoCode, and each (IsoCode, Code) pair exactly one row."""
    blank = ids["entity_id"] == ""
    if blank.any():
        raise _error(grid, "IsoCode is blank", ids.index[blank][0], "IsoCode")
    dupes = ids.duplicated(["entity_id", "code"], keep=False)
    if dupes.any():
        rows = [int(r) + 1 for r in ids.index[dupes]]
        first = ids[dupes].iloc[0]
        message = f"duplicate (IsoCode, Code) row; also in row(s) {rows[1:]}"
        value = f"{first['entity_id']}, {first['code']}"
        raise _error(grid, message, ids.index[dupes][0], "IsoCode", value)


def _check_years(long: pd.DataFrame, raw: dict[str, pd.DataFrame], last: int) -> None:
    """A price year after the year following retrieval is a typo: name its cell."""
    late = long[long["year"] > last]
    if len(late):
        first = late.iloc[0]
        grid = raw[str(first["_sheet"])]
        raise _error(
            grid,
            f"year {int(first['year'])} is after {last}, the year after the file was retrieved",
            int(first["_row"]) - 1,
            str(first["_column"]),
            float(first["value"]),
        )


def _check_unique(long: pd.DataFrame, file: str) -> None:
    """Two codes that map to the same basket, allowance and unit must not share a year."""
    keys = long[KEY].fillna({"allowance_gb": -1.0})  # so that "no allowance" equals itself
    dupes = keys.duplicated(keep=False)
    if dupes.any():
        clash = long[dupes].iloc[0]
        same = long[(keys == keys[dupes].iloc[0]).all(axis=1)]
        allowance = clash["allowance_gb"]
        basket = clash["basket"] + ("" if pd.isna(allowance) else f" {allowance:g} GB")
        raise SourceError(
            file,
            f"codes {sorted(set(same['code']))} both give {basket} in {clash['unit']} for "
            f"{clash['entity_id']} in {clash['year']}; BASKETS must tell them apart",
            clash["_sheet"],
            row=int(clash["_row"]),
            column=clash["_column"],
            value=clash["value"],
        )


def _experimental(grid: pd.DataFrame) -> set[tuple[str, int]]:
    """(code stem, year) pairs that BasketHistory marks 'exp' (ITU's experimental collection)."""
    header = _header_row(grid, ["Codes"])
    code_col = _header_positions(grid, header, ["Codes"])["Codes"]
    years = _year_positions(grid, header)
    marked: set[tuple[str, int]] = set()
    for row in _body(grid, header).index:
        code = _text(grid.iat[row, code_col])
        if not code.endswith("*"):
            continue  # notes and the legend below the table
        stem = code.removesuffix("*")
        if stem not in BASKETS:
            raise _error(grid, "unknown basket code", row, "Codes", code)
        for year, col in years.items():
            mark = _text(grid.iat[row, col]).lower()
            if not HISTORY_MARKS.allows(mark):
                expected = f"expected one of {HISTORY_MARKS.expected()}"
                raise _error(grid, expected, row, excel_column(col), mark)
            if mark == "exp":
                marked.add((stem, year))
    return marked


def _header_row(grid: pd.DataFrame, required: list[str], search: int = 20) -> int:
    """Index of the first row holding all the required header labels."""
    for row in range(min(search, len(grid))):
        labels = {_text(v) for v in grid.iloc[row]}
        if all(h in labels for h in required):
            return row
    raise _error(grid, f"no header row with columns {required} in the first {search} rows")


def _header_positions(grid: pd.DataFrame, row: int, wanted: list[str]) -> dict[str, int]:
    """Column position of each wanted header label; one given twice is refused."""
    positions: dict[str, int] = {}
    for col, value in enumerate(grid.iloc[row]):
        label = _text(value)
        if label in wanted and label in positions:
            message = (
                f"column {label!r} appears twice (columns {excel_column(positions[label])} and "
                f"{excel_column(col)}); which one holds the data cannot be told"
            )
            raise _error(grid, message, row, excel_column(col), label)
        positions.setdefault(label, col)
    missing = [h for h in wanted if h not in positions]
    if missing:
        raise _error(grid, f"missing column(s) {missing}", row)
    return {h: positions[h] for h in wanted}


def _year_positions(grid: pd.DataFrame, row: int) -> dict[int, int]:
    """Year -> column position for the first run of year headers in a header row.

    The medians sheet repeats years in its 'last N years' blocks further right; the first run
    is the annual block (see ``median_blocks`` for the others).
    """
    runs = _year_runs(grid, row)
    if not runs:
        raise _error(grid, "no year columns in the header row", row)
    if len(runs) > 1:
        again = min(runs[1])
        col = runs[1][again]
        where = f"columns {excel_column(runs[0][again])} and " if again in runs[0] else "column "
        message = (
            f"year {again} appears again in this header ({where}{excel_column(col)}); one run "
            "of years is expected here"
        )
        raise _error(grid, message, row, excel_column(col), grid.iat[row, col])
    return runs[0]


def _year_runs(grid: pd.DataFrame, row: int) -> list[dict[int, int]]:
    """Each run of year headers in a header row (year -> column); a gap or a repeat ends one."""
    runs: list[dict[int, int]] = []
    current: dict[int, int] = {}
    for col, value in enumerate(grid.iloc[row]):
        year = _as_year(value)
        if current and (year is None or year in current):
            runs.append(current)
            current = {}
        if year is not None:
            current[year] = col
    if current:
        runs.append(current)
    return runs


def _as_year(value: object) -> int | None:
    """A header cell as a year (2008, 2008.0 or '2008'), or None."""
    try:
        number = float(str(value).strip())
    except ValueError:
        return None
    return int(number) if number.is_integer() and 1900 <= number <= 2100 else None


def _body(grid: pd.DataFrame, header: int) -> pd.DataFrame:
    """Rows below the header that are not entirely blank, keeping grid row numbers."""
    below = grid.iloc[header + 1 :]
    body = below[~blank_mask(below).all(axis=1)]
    if body.empty:
        raise _error(grid, "no data rows below the header", header)
    return body


def _cells(
    body: pd.DataFrame, col: int, grid: pd.DataFrame, parse: Callable[[object], object]
) -> list[object]:
    """Parse each cell of a column, reporting the cell that fails."""
    out = []
    for row, value in zip(body.index, body[col], strict=True):
        try:
            out.append(parse(value))
        except ValueError as exc:
            raise _error(grid, str(exc), row, excel_column(col), value) from exc
    return out


def _flag(value: object) -> bool:
    """The workbook's 0/1 membership flags."""
    if not FLAGS.allows(value):
        raise ValueError(f"expected one of {FLAGS.expected()}")
    return _text(value).removesuffix(".0") == "1"


def _itu_region(value: object) -> str | None:
    """ITU region code; 'Other Economies' (outside the six BDT regions) is missing."""
    label = _text(value)
    if not ITU_REGION_LABELS.allows(label):
        raise ValueError(f"unknown ITU region; expected one of {ITU_REGION_LABELS.expected()}")
    if codes.normalise_name(label) == OTHER_ECONOMIES:
        return None
    return codes.group_code(label)


def _income_group(value: object) -> str | None:
    """World Bank income group code; blank for the economies the Bank does not classify."""
    label = _text(value)
    if not INCOME_LABELS.allows(label):
        raise ValueError(f"unknown income group; expected one of {INCOME_LABELS.expected()}")
    return codes.group_code(label) if label else None


def _check_consistent(rows: pd.DataFrame, grid: pd.DataFrame) -> None:
    """An economy's attributes repeat on each of its rows and must agree."""
    values = rows.drop(columns="entity_id")
    first = values.groupby(rows["entity_id"]).transform("first")
    same = (values == first) | (values.isna() & first.isna())
    if not same.all(axis=None):
        row = same.index[~same.all(axis=1)][0]
        column = same.columns[~same.loc[row]][0]
        message = f"{column} differs from the first row of {rows.loc[row, 'entity_id']}"
        raise _error(grid, message, row, value=values.loc[row, column])


def _error(
    grid: pd.DataFrame,
    message: str,
    row: int | None = None,
    column: str | None = None,
    value: object = None,
) -> SourceError:
    """A SourceError in a grid's sheet; ``row`` is the 0-based grid row (Excel row - 1)."""
    return SourceError(
        grid.attrs.get("file", "ITU price baskets"),
        message,
        grid.attrs.get("sheet"),
        row=None if row is None else int(row) + 1,
        column=column,
        value=value,
    )


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Fix the output dtypes, whatever the inputs' inference gave."""
    return frame.astype(
        {
            "source": "str",
            "vintage": "str",
            "entity_id": "str",
            "year": "int64",
            "basket": "str",
            "allowance_gb": "float64",
            "unit": "str",
            "statistic": "str",
            "value": "float64",
            "experimental": "bool",
            "sample": "str",
        }
    ).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# declarations

# The Overview sheet asks to be cited as '... historical data series, Dec 2025 release'.
_RELEASE = r"historical data series,\s*(?P<date>[A-Za-z]+\.?\s+\d{4})\s+release"


def recognise(blob: Blob) -> bool:
    """A price-basket workbook: the medians and BasketHistory sheets and an economies sheet."""
    if not blob.is_workbook():
        return False
    try:
        found = _sheet_names(blob.sheet_names())
    except SourceError:
        return False
    return all(sheet in found for sheet in SHEETS)


def read_edition(blob: Blob) -> Edition | None:
    """The release the Overview sheet asks users to cite."""
    for text in workbook_text(blob, 400, only=(OVERVIEW,)):
        edition = month_edition(text, _RELEASE, "{text} release")
        if edition is not None:
            return edition
    return None


def read(blob: Blob, context: Context) -> Frames:
    raw = extract(blob)
    return {
        "broadband_price": transform(raw, context.edition.key, context.max_year),
        "itu_economies": economy_attributes(raw),
    }


FORMAT = SourceFormat(
    source=SOURCE,
    publisher="itu",
    title="ITU ICT Price Baskets",
    citation="ITU ICT Price Baskets, historical data series, {edition}",
    licence="ITU terms of use; cite ITU as the source. Check ITU's terms before redistributing "
    "the price baskets (often cited as CC BY-NC-SA 3.0 IGO).",
    tables=("broadband_price", "itu_economies"),
    recognise=recognise,
    read_edition=read_edition,
    read=read,
    first_year=2008,
    # Prices are volumes of money: ten times more or less for the same year is a unit slip.
    moves={"value": VOLUME},
    names="itu_economies",
    country_list=(SOURCE, "itu_economies"),
    vocabularies=(FLAGS, ITU_REGION_LABELS, INCOME_LABELS, UNIT_VALUES, HISTORY_MARKS),
    urls=(
        "https://www.itu.int/en/ITU-D/Statistics/Documents/ICT_Prices/"
        "ITU_ICTPriceBaskets_2008-2025.xlsx",
    ),
    reference=True,
    # Prices, medians and shares of GNI are stored with two decimals ("28.06", "2.81").
    printed=printed_always({"value": Printed(decimals=2)}),
    known={
        "bc09d24b171c5d5c8492de06ee5e73124a9c82c64ba166eb18d5cb39a0d32094": Known(
            Edition("2025-12", "Dec 2025 release"),
            "itu/ITU_ICTPriceBaskets_2008-2025.xlsx",
        ),
    },
)

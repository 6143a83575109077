"""ITU country-level Internet use by sex and by urban/rural area, from the Dec 2019 workbook
(legacy .xls, one sheet)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from indicators.contract import schemas
from indicators.contract.errors import SourceError, excel_column
from indicators.etl.codes import normalise_name
from indicators.etl.sources import strict
from indicators.etl.sources.cells import is_blank as _is_blank
from indicators.etl.sources.cells import text as _text
from indicators.etl.sources.formats import (
    Blob,
    Context,
    Edition,
    Frames,
    Known,
    Printed,
    SourceFormat,
    Where,
    as_blob,
    points,
    printed_always,
    workbook_text,
)

SOURCE = "itu_gender_country"
COLUMNS = schemas.columns("internet_use")
KEY = schemas.unique_key("internet_use")
LOCATION_COLUMNS = schemas.columns("internet_use_by_location")
MISSING = "..."
MISSING_VALUES = strict.vocabulary(MISSING, column="value")
FIRST_YEAR = 1990
TITLE = "Individuals using the Internet (from any location), by gender"

# ITU's names for economies whose M49 name is different, even after normalise_name.
ITU_NAME_ALIASES: dict[str, str] = {
    "Côte d'Ivoire": "CIV",  # M49 uses a typographic apostrophe, which normalising drops
    "Czech Republic": "CZE",
    "Dominican Rep.": "DOM",
    "Hong Kong, China": "HKG",
    "Korea (Rep. of)": "KOR",
    "Korea (Rep.)": "KOR",
    "Kosovo": "XKX",  # not in M49; the code the World Bank uses
    "Macao, China": "MAC",
    "Moldova": "MDA",
    "Netherlands": "NLD",
    "Palestine": "PSE",
    "Taiwan, Province of China": "TWN",  # not in M49
    "Turkey": "TUR",
    "United Kingdom": "GBR",
    "United States": "USA",
}

# Column -> (top header, sub header), normalised; None matches any text. A top header spans
# the columns to its right until the next one ("Gender" is above both Male and Female).
HEADERS: dict[str, tuple[str | None, str | None]] = {
    "name": (None, "economy name"),
    "year": ("latest", "year"),
    "total": ("all", None),
    "male": ("gender", "male"),
    "female": ("gender", "female"),
}
SEXES = ["total", "female", "male"]
# The urban and rural columns, each split by sex like the whole population ("Urban" is above
# Total, Male and Female).
LOCATION_HEADERS: dict[str, tuple[str | None, str | None]] = {
    f"{location}|{sex}": (location, sex) for location in ("urban", "rural") for sex in SEXES
}


def extract(source: Path | Blob) -> pd.DataFrame:
    """The workbook's only sheet as a raw grid (row 0 is Excel row 1)."""
    sheets = as_blob(source).sheets()
    return next(iter(sheets.values()))


def transform(
    raw: pd.DataFrame, vintage: str, names: Mapping[str, str], max_year: int = 2100
) -> pd.DataFrame:
    """Internet use (%) by sex, one row per economy and sex at the economy's latest year.

    ``names`` maps normalised economy names to ISO3 (``m49.name_index``).
    """
    header = _header_row(raw)
    cols = _columns(raw, header)
    lookup = _name_lookup(names)
    records = []
    for row in _data_rows(raw, header, cols):
        entity = _entity(raw, row, cols["name"], lookup)
        year = _year(raw, row, cols["year"], max_year)
        for sex in SEXES:
            value = _percent(raw, row, cols[sex])
            if value is not None:
                records.append((entity, year, sex, value, row))
    out = pd.DataFrame.from_records(
        records, columns=["entity_id", "year", "sex", "value_pct", "_row"]
    )
    _check_unique_economies(raw, out, cols["name"])
    out.insert(0, "source", SOURCE)
    out.insert(1, "vintage", vintage)
    out["users_millions"] = np.nan
    out["estimate"] = False
    return _typed(out[COLUMNS])


def transform_location(
    raw: pd.DataFrame, vintage: str, names: Mapping[str, str], max_year: int = 2100
) -> pd.DataFrame:
    """Internet use (%) in urban and rural areas, by sex, one row per economy, area and sex at
    the economy's latest year (economies whose survey covers one area only have one)."""
    header = _header_row(raw)
    cols = _columns(raw, header)
    areas = _columns(raw, header, LOCATION_HEADERS)
    lookup = _name_lookup(names)
    records = []
    for row in _data_rows(raw, header, cols):
        entity = _entity(raw, row, cols["name"], lookup)
        year = _year(raw, row, cols["year"], max_year)
        for column, col in areas.items():
            value = _percent(raw, row, col)
            if value is not None:
                location, sex = column.split("|")
                records.append((entity, year, location, sex, value, row))
    out = pd.DataFrame.from_records(
        records, columns=["entity_id", "year", "location", "sex", "value_pct", "_row"]
    )
    _check_unique_economies(raw, out, cols["name"])
    out.insert(0, "source", SOURCE)
    out.insert(1, "vintage", vintage)
    out["estimate"] = False
    return _typed(out[LOCATION_COLUMNS])


def _header_row(raw: pd.DataFrame, search: int = 20) -> int:
    """Index of the lower header row, the one that says 'Economy name'."""
    for row in range(1, min(search, len(raw))):  # the top header row sits above it
        if any(normalise_name(_text(v)) == "economy name" for v in raw.iloc[row]):
            return row
    raise _error(raw, f"no 'Economy name' header in rows 2-{search}")


def _columns(
    raw: pd.DataFrame,
    header: int,
    wanted: Mapping[str, tuple[str | None, str | None]] = HEADERS,
) -> dict[str, int]:
    """Position of each wanted column, found from the two header rows' text."""
    top = [normalise_name(_text(v)) for v in raw.iloc[header - 1]]
    sub = [normalise_name(_text(v)) for v in raw.iloc[header]]
    spanning = pd.Series(top).mask(pd.Series(top) == "").ffill().fillna("").tolist()
    found: dict[str, int] = {}
    for col in range(raw.shape[1]):
        if not (top[col] or sub[col]):
            continue  # spacer column
        for column, (want_top, want_sub) in wanted.items():
            if want_top not in (None, spanning[col]) or want_sub not in (None, sub[col]):
                continue
            if column in found and want_sub is not None:
                message = (
                    f"column {' / '.join(t for t in wanted[column] if t)!r} appears twice "
                    f"(columns {excel_column(found[column])} and {excel_column(col)}); which one "
                    "holds the data cannot be told"
                )
                raise _error(raw, message, header, col, _text(raw.iat[header, col]))
            if column in found:
                continue
            found[column] = col
            break
    missing = [c for c in wanted if c not in found]
    if missing:
        expected = [" / ".join(t for t in wanted[c] if t) for c in missing]
        raise _error(raw, f"no column headed {expected}", header)
    return found


def _data_rows(raw: pd.DataFrame, header: int, cols: dict[str, int]) -> list[int]:
    """Rows from below the header to the first blank or footnote row."""
    value_cols = [cols[c] for c in ["year", *SEXES]]
    rows = []
    for row in range(header + 1, len(raw)):
        blank_values = all(_is_blank(raw.iat[row, c]) for c in value_cols)
        if _is_blank(raw.iat[row, cols["name"]]) or blank_values:
            break
        rows.append(row)
    if not rows:
        raise _error(raw, "no data rows below the header", header)
    return rows


def _name_lookup(names: Mapping[str, str]) -> dict[str, str]:
    """Normalised name -> ISO3 from M49, with ITU's own spellings on top."""
    lookup = {_name_key(name): iso3 for name, iso3 in names.items()}
    lookup.update({_name_key(name): iso3 for name, iso3 in ITU_NAME_ALIASES.items()})
    return lookup


def _name_key(name: str) -> str:
    """normalise_name without trailing footnote markers ('Sudan 1', 'Kenya*')."""
    return re.sub(r"[\s\d]+$", "", normalise_name(name))


def _entity(raw: pd.DataFrame, row: int, col: int, lookup: Mapping[str, str]) -> str:
    """ISO3 code of the economy named in a cell."""
    name = _text(raw.iat[row, col])
    iso3 = lookup.get(_name_key(name))
    if iso3 is None:
        message = "economy name matches no M49 name and no ITU_NAME_ALIASES entry"
        raise _error(raw, message, row, col, name)
    return iso3


def _year(raw: pd.DataFrame, row: int, col: int, last: int) -> int:
    """The row's 'Latest year' as an int, no later than the year after retrieval."""
    cell = raw.iat[row, col]
    number = _number(cell)
    if number is None or not number.is_integer():
        raise _error(raw, "expected a year", row, col, cell)
    if not FIRST_YEAR <= number <= last:
        raise _error(raw, f"year outside {FIRST_YEAR}-{last}", row, col, cell)
    return int(number)


def _percent(raw: pd.DataFrame, row: int, col: int) -> float | None:
    """A percentage cell; None where ITU writes '...' or leaves it blank."""
    cell = raw.iat[row, col]
    if _is_blank(cell) or MISSING_VALUES.allows(_text(cell)):
        return None
    number = _number(cell)
    if number is None:
        raise _error(raw, "value is not a number", row, col, cell)
    if not 0 <= number <= 100:
        raise _error(raw, "percentage outside 0-100", row, col, cell)
    return number


def _number(cell: object) -> float | None:
    """A cell as a float (the workbook stores the percentages as text), or None."""
    try:
        number = float(_text(cell))
    except ValueError:
        return None
    return None if np.isnan(number) else number


def _check_unique_economies(raw: pd.DataFrame, out: pd.DataFrame, name_col: int) -> None:
    """Two rows must not name the same economy."""
    firsts = out.drop_duplicates("_row")
    dupes = firsts["entity_id"].duplicated(keep="first")
    if dupes.any():
        again = firsts[dupes].iloc[0]
        first_row = int(firsts.loc[firsts["entity_id"] == again["entity_id"], "_row"].iloc[0])
        message = f"economy {again['entity_id']} already given in row {first_row + 1}"
        row = int(again["_row"])
        raise _error(raw, message, row, name_col, _text(raw.iat[row, name_col]))


def _error(
    raw: pd.DataFrame,
    message: str,
    row: int | None = None,
    col: int | None = None,
    value: object = None,
) -> SourceError:
    """A SourceError at a 0-based grid cell, reported as Excel row and column letter."""
    return SourceError(
        raw.attrs.get("file", "ITU internet use by gender"),
        message,
        raw.attrs.get("sheet"),
        row=None if row is None else row + 1,
        column=None if col is None else excel_column(col),
        value=value,
    )


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Fix the output dtypes, also when there are no rows."""
    dtypes = {
        "source": "str",
        "vintage": "str",
        "entity_id": "str",
        "year": "int64",
        "location": "str",
        "sex": "str",
        "value_pct": "float64",
        "users_millions": "float64",
        "estimate": "bool",
    }
    return frame.astype({c: t for c, t in dtypes.items() if c in frame}).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# declarations


def recognise(blob: Blob) -> bool:
    """The country table of Internet use by sex and location, by its title."""
    return any(text.startswith(TITLE) for text in workbook_text(blob, 20))


def read(blob: Blob, context: Context) -> Frames:
    raw = extract(blob)
    key, names, last = context.edition.key, context.names, context.max_year
    return {
        "internet_use": transform(raw, key, names, last),
        "internet_use_by_location": transform_location(raw, key, names, last),
    }


def locate_value(blob: Blob, where: Where) -> str:
    """The cell of an economy's value: its row (found by its name) and the column of the sex."""
    raw = extract(blob)
    header = _header_row(raw)
    cols = _columns(raw, header)
    lookup = _name_lookup(where.names)
    for row in _data_rows(raw, header, cols):
        if lookup.get(_name_key(_text(raw.iat[row, cols["name"]]))) == where.entity:
            col = cols.get(where.dim("sex") or "total", cols["total"])
            return f"sheet {raw.attrs.get('sheet')!r}, row {row + 1}, column {excel_column(col)}"
    return f"{where.entity}, year {where.year}"


FORMAT = SourceFormat(
    source=SOURCE,
    publisher="itu",
    title="ITU Internet use by sex and urban/rural area, economies",
    citation="ITU, Individuals using the Internet by gender and urban/rural location, "
    "World Telecommunication/ICT Indicators database ({edition})",
    licence="ITU terms of use; cite ITU as the source.",
    tables=("internet_use", "internet_use_by_location"),
    recognise=recognise,
    # The workbook states no date: a new copy needs ``--edition``.
    read_edition=lambda blob: None,
    read=read,
    first_year=FIRST_YEAR,
    # Economies are named, not coded: read after the lists that give the names.
    after=("m49", "wdi_meta", "itu_prices"),
    # Country estimates, like WDI's (which carries ITU's country series).
    moves={"value_pct": points(30)},
    vocabularies=(MISSING_VALUES,),
    locate_value=locate_value,
    # The workbook holds its rates as text with one decimal ("49.0").
    printed=printed_always({"value_pct": Printed(decimals=1)}),
    urls=(
        "https://www.itu.int/en/ITU-D/Statistics/Documents/statistics/2019/"
        "Individuals_Internet_by_gender_urban_rural_Dec2019.xls",
    ),
    known={
        "c8dcb6a4ce637caf277928e4a7791f3449403ed20b69e2f8ed07c11df2a7b461": Known(
            Edition("2019-12", "December 2019"),
            "itu/ITU_Individuals_using_Internet_by_gender_urban_rural_Dec2019.xls",
        ),
    },
)

"""World Bank WDI bulk-download CSV (wide: a row per economy or aggregate, a column per year)."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from indicators.contract.errors import SourceError
from indicators.etl.sources import strict
from indicators.etl.sources.formats import (
    Blob,
    Context,
    Edition,
    Frames,
    Known,
    Noise,
    Printed,
    SourceFormat,
    Where,
    as_blob,
    locate,
    points,
    printed_always,
)

ID_COLUMNS = ["Country Name", "Country Code", "Indicator Name", "Indicator Code"]
INDICATOR = "IT.NET.USER.ZS"
FIRST_YEAR = 1960
WORLD = "WLD"
# "Not classified": a WDI bookkeeping row with no economy and no metadata.
NOT_CLASSIFIED = {"INX"}


def _header_line(lines: list[str], path: Path) -> int:
    """Index of the header line; the preamble varies (present, stripped, comma-padded)."""
    for i, line in enumerate(lines[:20]):
        if re.match(r'^"?Country Name"?,', line):
            return i
    raise SourceError(path, "no header row starting with 'Country Name' in the first 20 lines")


def _last_updated(preamble: list[str], path: Path | str = "WDI file") -> str | None:
    """The 'Last Updated Date' of the preamble as ISO yyyy-mm-dd, when the copy kept it.

    The publisher writes ISO dates; an Excel re-save turns them into 7/13/2026, or 13/07/2026
    where Excel is set to European dates. A date that reads two ways (05/07/2026) is refused.
    """
    for number, line in enumerate(preamble, 1):
        cells = [c.strip().strip('"') for c in line.split(",")]
        if cells and cells[0] == "Last Updated Date" and len(cells) > 1:
            stamp = strict.one_month(cells[1], path, f"'Last Updated Date', row {number}")
            return None if stamp is None else stamp.strftime("%Y-%m-%d")
    return None


def extract(source: Path | Blob) -> pd.DataFrame:
    """Read the data rows as text, with the header line found wherever the copy put it."""
    blob = as_blob(source)
    path = blob.path
    text = blob.text()
    lines = text.splitlines()
    start = _header_line(lines, path)
    strict.check_csv_shape(text, path, header=start, final_newline=True)
    try:
        raw = pd.read_csv(io.StringIO("\n".join(lines[start:])), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SourceError(path, f"cannot be parsed as CSV: {exc}") from exc
    raw = raw.loc[:, ~raw.columns.str.startswith("Unnamed")]
    try:
        stamp = _last_updated(lines[:start], path)
    except strict.AmbiguousDate:
        stamp = None  # the edition is then given with --edition; the values read the same
    raw.attrs.update(file=str(path), header_line=start + 1, last_updated=stamp)
    return raw


def _year_columns(raw: pd.DataFrame) -> list[str]:
    """The columns named by a four-digit year."""
    return [c for c in raw.columns if re.fullmatch(r"\d{4}", str(c))]


def _check_layout(raw: pd.DataFrame, file: str) -> None:
    """The id columns, the indicator and at least one year column must be present."""
    missing = [c for c in ID_COLUMNS if c not in raw.columns]
    if missing:
        raise SourceError(file, f"missing column(s) {missing}; found {list(raw.columns)[:8]}")
    if not _year_columns(raw):
        raise SourceError(file, "no year columns (1960, 1961, ...) after the id columns")
    if len(raw) == 0:
        raise SourceError(file, "no data rows after the header (truncated file?)")
    dupes = raw.loc[raw["Country Code"].duplicated(), "Country Code"]
    if len(dupes):
        row = int(dupes.index[0]) + raw.attrs.get("header_line", 1) + 1
        raise SourceError(
            file, "duplicate code", row=row, column="Country Code", value=dupes.iloc[0]
        )
    other = raw.loc[raw["Indicator Code"] != INDICATOR, "Indicator Code"]
    if len(other):
        row = int(other.index[0]) + raw.attrs.get("header_line", 1) + 1
        raise SourceError(
            file, _other_indicator(raw, other.iloc[0]), row=row, column="Indicator Code"
        )


def _other_indicator(raw: pd.DataFrame, code: str) -> str:
    """What a WDI file of another indicator is, in words."""
    names = raw.loc[raw["Indicator Code"] == code, "Indicator Name"]
    name = f" ({names.iloc[0].strip()})" if len(names) and names.iloc[0].strip() else ""
    return f"a WDI file of indicator {code}{name}, not {INDICATOR}, the one this project reads"


def transform(raw: pd.DataFrame, vintage: str, max_year: int | None = None) -> pd.DataFrame:
    """Tidy internet-use rows: one per code and year with a value, in % of population."""
    file = raw.attrs.get("file", "WDI file")
    _check_layout(raw, file)
    kept = raw[~raw["Country Code"].isin(NOT_CLASSIFIED)]
    years = _year_columns(kept)
    _check_years(kept, years, file, max_year)
    long = kept.melt(
        id_vars=["Country Code"],
        value_vars=years,
        var_name="year",
        value_name="text",
        ignore_index=False,
    )
    long = long[long["text"].str.strip() != ""]
    values = pd.to_numeric(long["text"], errors="coerce")
    _raise_on_bad_values(long, values, file, raw.attrs.get("header_line", 1))
    return pd.DataFrame(
        {
            "source": "wdi",
            "vintage": vintage,
            "entity_id": long["Country Code"].str.strip().to_numpy(),
            "year": long["year"].astype(int).to_numpy(),
            "sex": "total",
            # WDI stores float32 values (16.79999924); 6 decimals removes the noise, not data.
            "value_pct": values.round(6).to_numpy(),
            "users_millions": float("nan"),
            "estimate": False,
        }
    )


def _check_years(raw: pd.DataFrame, years: list[str], file: str, max_year: int | None) -> None:
    """A year column outside [1960, retrieval year + 1] holding a value is an error in the file."""
    last = max_year if max_year is not None else 9999
    for column in years:
        if FIRST_YEAR <= int(column) <= last:
            continue
        filled = raw.index[raw[column].str.strip() != ""]
        if len(filled):
            raise SourceError(
                file,
                f"year {column} is outside {FIRST_YEAR}-{last} (the first WDI year to the year "
                "after retrieval)",
                row=int(filled[0]) + raw.attrs.get("header_line", 1) + 1,
                column=column,
                value=raw.loc[filled[0], column],
            )


def _raise_on_bad_values(long: pd.DataFrame, values: pd.Series, file: str, header: int) -> None:
    """Report the first non-numeric or out-of-range cell with its line and year column."""
    bad = values.isna() | (values < 0) | (values > 100)
    if not bad.any():
        return
    pos = bad.to_numpy().nonzero()[0][0]
    label = long.iloc[pos]
    problem = "not a number" if pd.isna(values.iloc[pos]) else "percentage outside 0-100"
    raise SourceError(
        file,
        f"{problem} for {label['Country Code']}",
        row=int(long.index[pos]) + header + 1,
        column=str(label["year"]),
        value=label["text"],
    )


def extract_country_metadata(source: Path | Blob) -> pd.DataFrame:
    """Read the Metadata_Country companion file (region and income group per code)."""
    blob = as_blob(source)
    path = blob.path
    text = blob.text()
    strict.check_csv_shape(text, path, final_newline=True)
    try:
        raw = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SourceError(path, f"cannot be parsed as CSV: {exc}") from exc
    raw = raw.loc[:, ~raw.columns.str.startswith("Unnamed")]
    raw.attrs["file"] = str(path)
    return raw


INCOME_CODES = {
    "High income": "HIC",
    "Upper middle income": "UMC",
    "Lower middle income": "LMC",
    "Low income": "LIC",
}
REGION_CODES = {
    "East Asia & Pacific": "EAS",
    "Europe & Central Asia": "ECS",
    "Latin America & Caribbean": "LCN",
    "Middle East & North Africa": "MEA",
    "Middle East, North Africa, Afghanistan & Pakistan": "MEA",
    "North America": "NAC",
    "South Asia": "SAS",
    "Sub-Saharan Africa": "SSF",
}


REGIONS = strict.vocabulary(*REGION_CODES, column="Region")
INCOME_GROUPS = strict.vocabulary(*INCOME_CODES, column="IncomeGroup")


def transform_country_metadata(raw: pd.DataFrame) -> pd.DataFrame:
    """Economies (rows with a Region) with their WB region and income-group codes."""
    file = raw.attrs.get("file", "WDI metadata")
    for column in ("Country Code", "Region", "IncomeGroup"):
        if column not in raw.columns:
            raise SourceError(file, f"missing column {column!r}; found {list(raw.columns)}")
    for vocab in (REGIONS, INCOME_GROUPS):
        strict.check_vocabulary(raw, vocab, file, first_row=2)
    economies = raw[raw["Region"].str.strip() != ""]
    income = economies["IncomeGroup"].str.strip().map(INCOME_CODES)
    return pd.DataFrame(
        {
            "entity_id": economies["Country Code"].str.strip(),
            "name": economies["TableName"].str.strip() if "TableName" in economies else pd.NA,
            "wb_region": economies["Region"].str.strip().map(REGION_CODES),
            "income_group": income,
        }
    ).reset_index(drop=True)


def aggregate_codes(raw: pd.DataFrame) -> pd.DataFrame:
    """The metadata rows without a Region: the World Bank's aggregates (WLD, HIC, EUU, ...)."""
    rows = raw[raw["Region"].str.strip() == ""]
    return pd.DataFrame({"entity_id": rows["Country Code"].str.strip()}).reset_index(drop=True)


def aggregate_names(raw: pd.DataFrame) -> pd.DataFrame:
    """The aggregates a WDI data file carries (codes with no metadata Region), with their names."""
    rows = raw[~raw["Country Code"].isin(NOT_CLASSIFIED)]
    return pd.DataFrame(
        {"entity_id": rows["Country Code"].str.strip(), "name": rows["Country Name"].str.strip()}
    ).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# declarations

CITATION = (
    "World Bank, World Development Indicators: Individuals using the Internet (% of population), "
    "IT.NET.USER.ZS; data from ITU World Telecommunication/ICT Indicators Database ({edition})"
)
LICENCE = "CC BY 4.0 (World Bank open data terms)"
# The bulk download: a zip of the data CSV and its Metadata_Country companion.
DOWNLOAD = "https://api.worldbank.org/v2/en/indicator/IT.NET.USER.ZS?downloadformat=csv"
_HEADER = re.compile(r'^"?Country Name"?,"?Country Code"?,"?Indicator Name"?,"?Indicator Code"?,')


def recognise(blob: Blob) -> bool:
    """A WDI bulk CSV: the WDI header (of any indicator: another one is named, then refused)."""
    return any(_HEADER.match(line) for line in blob.head(30))


def intact(blob: Blob) -> None:
    """Whole, and of this indicator: decodes, every row complete, the header's columns once."""
    raw = extract(blob)
    if "Indicator Code" in raw.columns:
        _check_indicator(raw, str(blob.path))
    _check_layout(raw, str(blob.path))


def _check_indicator(raw: pd.DataFrame, file: str) -> None:
    codes = [c for c in raw["Indicator Code"].str.strip().unique() if c and c != INDICATOR]
    if codes:
        raise strict.OtherContent(file, _other_indicator(raw, codes[0]))


def read_edition(blob: Blob) -> Edition | None:
    """The preamble's 'Last Updated Date' (copies that stripped it are known by their hash)."""
    stamp = _last_updated(blob.head(10), blob.path)
    if stamp is None:
        return None
    day = pd.Timestamp(stamp)
    return Edition.of_month(day.year, day.month, f"last updated {day.day} {day:%b %Y}")


def locate_value(blob: Blob, where: Where) -> str:
    """A value's row (its code's line) and column (its year)."""
    place = locate(blob, where.entity)
    return f"{place}, column {where.year}" if place else f"{where.entity}, column {where.year}"


def read(blob: Blob, context: Context) -> Frames:
    raw = extract(blob)
    return {
        "internet_use": transform(raw, context.edition.key, context.max_year),
        "aggregates": aggregate_names(raw),
    }


def check(frames: Frames, references: Mapping[str, Frames], blob: Blob) -> list[str]:
    """WDI guarantees a row for every economy of its country metadata, and the World row."""
    present = set(frames["aggregates"]["entity_id"])
    expected = {WORLD}
    meta = references.get("wdi_meta", {}).get("wdi_meta")
    if meta is not None:
        expected |= set(meta["entity_id"])
    missing = sorted(expected - present)
    if not missing:
        return []
    shown = ", ".join(missing[:12]) + (
        f" and {len(missing) - 12} more" if len(missing) > 12 else ""
    )
    return [
        f"{blob.name}: {len(missing)} code(s) of the WDI country list have no row ({shown}); "
        "the file looks truncated"
    ]


FORMAT = SourceFormat(
    source="wdi",
    publisher="worldbank",
    title="WDI Internet use",
    citation=CITATION,
    licence=LICENCE,
    tables=("internet_use", "aggregates"),
    recognise=recognise,
    read_edition=read_edition,
    read=read,
    first_year=FIRST_YEAR,
    after=("wdi_meta",),
    urls=(DOWNLOAD,),
    check=check,
    # Float32 values; the Feb 2026 file prints 6 significant digits ("57.7605"), the Jul 2026
    # one 10 ("29.68000031"), and the reader rounds to 6 decimals.
    noise=Noise(significant=6, float_bits=32, decimals=6),
    # ITU revises country estimates heavily: Botswana's 2021 value fell 24 points between the
    # Feb and Jul 2026 editions. More than 30 points is a wrong cell or a wrong file.
    moves={"value_pct": points(30)},
    names="aggregates",
    country_list=("wdi_meta", "wdi_meta"),
    intact=intact,
    locate_value=locate_value,
    # As the Feb 2026 file prints them ("57.7605", "0.00472257"); the Jul 2026 file's
    # "16.79999924" is the float32 16.8 printed with its noise.
    printed=printed_always({"value_pct": Printed(significant=6)}),
    known={
        # Feb 2026 download whose uploader stripped the preamble (no 'Last Updated Date').
        "66ef75942d6380132f35e6fa7af1ec5d0674d5784909d54bb7d6feae8d159f77": Known(
            Edition("2026-02", "downloaded Feb 2026"),
            "worldbank/API_IT.NET.USER.ZS_DS2_en_csv_v2_1228.csv",
        ),
        "260e0a88e256c6385e79f448e4208bad78c2c717a90cd0d0dd2b8d3ed24b15da": Known(
            Edition("2026-07", "last updated 13 Jul 2026"),
            "worldbank/API_IT.NET.USER.ZS_DS2_en_csv_v2_33086.csv",
        ),
    },
)


def recognise_metadata(blob: Blob) -> bool:
    """The Metadata_Country companion: Country Code, Region and IncomeGroup columns."""
    head = blob.head(1)
    if not head:
        return False
    cells = [c.strip().strip('"') for c in head[0].split(",")]
    return {"Country Code", "Region", "IncomeGroup"} <= set(cells)


def read_metadata(blob: Blob, context: Context) -> Frames:
    raw = extract_country_metadata(blob)
    return {"wdi_meta": transform_country_metadata(raw), "wdi_aggregates": aggregate_codes(raw)}


METADATA_FORMAT = SourceFormat(
    source="wdi_meta",
    publisher="worldbank",
    title="WDI country metadata (region, income group)",
    citation="World Bank, World Development Indicators: country classifications ({edition})",
    licence=LICENCE,
    tables=("wdi_meta", "wdi_aggregates"),
    recognise=recognise_metadata,
    # The file states no date: it takes the edition of the data file it came with.
    read_edition=lambda blob: None,
    read=read_metadata,
    first_year=FIRST_YEAR,
    urls=(DOWNLOAD,),
    reference=True,
    names="wdi_meta",
    country_list=("wdi_meta", "wdi_meta"),
    vocabularies=(REGIONS, INCOME_GROUPS),
    intact=lambda blob: strict.check_csv_shape(blob.text(), blob.path, final_newline=True),
    known={
        "caf1c1a977504351412d403d143b78bcf54986697b4c1a90ec41f90a713d6f05": Known(
            Edition("2026-02", "downloaded Feb 2026"),
            "worldbank/Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_1228.csv",
        ),
    },
)

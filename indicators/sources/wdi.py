"""World Bank WDI bulk-download CSV (wide: a row per economy or aggregate, a column per year)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from indicators.errors import SourceError

ID_COLUMNS = ["Country Name", "Country Code", "Indicator Name", "Indicator Code"]
INDICATOR = "IT.NET.USER.ZS"
# "Not classified": a WDI bookkeeping row with no economy and no metadata.
NOT_CLASSIFIED = {"INX"}


def _header_line(lines: list[str], path: Path) -> int:
    """Index of the header line; the preamble varies (present, stripped, comma-padded)."""
    for i, line in enumerate(lines[:20]):
        if re.match(r'^"?Country Name"?,', line):
            return i
    raise SourceError(path, "no header row starting with 'Country Name' in the first 20 lines")


def _last_updated(preamble: list[str]) -> str | None:
    """The 'Last Updated Date' of the preamble as ISO yyyy-mm-dd, when the copy kept it."""
    for line in preamble:
        cells = [c.strip('"') for c in line.split(",")]
        if cells and cells[0] == "Last Updated Date" and len(cells) > 1:
            stamp = pd.to_datetime(cells[1], errors="coerce")
            return None if pd.isna(stamp) else stamp.strftime("%Y-%m-%d")
    return None


def extract(path: Path) -> pd.DataFrame:
    """Read the data rows as text, with the header line found wherever the copy put it."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        raise SourceError(path, "file is empty or missing")
    text = path.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    start = _header_line(lines, path)
    try:
        raw = pd.read_csv(io.StringIO("\n".join(lines[start:])), dtype=str, keep_default_na=False)
    except pd.errors.ParserError as exc:
        raise SourceError(path, f"cannot be parsed as CSV: {exc}") from exc
    raw = raw.loc[:, ~raw.columns.str.startswith("Unnamed")]
    raw.attrs.update(
        file=str(path), header_line=start + 1, last_updated=_last_updated(lines[:start])
    )
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
            file,
            f"expected indicator {INDICATOR}",
            row=row,
            column="Indicator Code",
            value=other.iloc[0],
        )


def transform(raw: pd.DataFrame, vintage: str) -> pd.DataFrame:
    """Tidy internet-use rows: one per code and year with a value, in % of population."""
    file = raw.attrs.get("file", "WDI file")
    _check_layout(raw, file)
    kept = raw[~raw["Country Code"].isin(NOT_CLASSIFIED)]
    years = _year_columns(kept)
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


def extract_country_metadata(path: Path) -> pd.DataFrame:
    """Read the Metadata_Country companion file (region and income group per code)."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        raise SourceError(path, "file is empty or missing")
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
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


def transform_country_metadata(raw: pd.DataFrame) -> pd.DataFrame:
    """Economies (rows with a Region) with their WB region and income-group codes."""
    file = raw.attrs.get("file", "WDI metadata")
    for column in ("Country Code", "Region", "IncomeGroup"):
        if column not in raw.columns:
            raise SourceError(file, f"missing column {column!r}; found {list(raw.columns)}")
    economies = raw[raw["Region"].str.strip() != ""]
    unknown = economies.loc[~economies["Region"].isin(REGION_CODES), "Region"]
    if len(unknown):
        raise SourceError(
            file,
            "unknown World Bank region",
            row=int(unknown.index[0]) + 2,
            column="Region",
            value=unknown.iloc[0],
        )
    income = economies["IncomeGroup"].map(INCOME_CODES)
    return pd.DataFrame(
        {
            "entity_id": economies["Country Code"].str.strip(),
            "name": economies["TableName"].str.strip() if "TableName" in economies else pd.NA,
            "wb_region": economies["Region"].map(REGION_CODES),
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

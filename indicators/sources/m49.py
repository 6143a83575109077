"""UN Statistics Division M49 overview CSV: countries and areas, their codes and status flags."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from indicators.codes import normalise_name
from indicators.errors import SourceError

REQUIRED = [
    "Country or Area",
    "M49 Code",
    "ISO-alpha3 Code",
    "Least Developed Countries (LDC)",
    "Land Locked Developing Countries (LLDC)",
    "Small Island Developing States (SIDS)",
]
DEVELOPMENT = "Developed / Developing Countries"


def extract(path: Path) -> pd.DataFrame:
    """Read the overview as text, whichever delimiter and BOM the edition uses."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        raise SourceError(path, "file is empty or missing")
    with path.open(encoding="utf-8-sig") as handle:
        first = handle.readline()
    # The 2021 export is comma-separated, the 2026 one semicolon-separated.
    sep = ";" if first.count(";") > first.count(",") else ","
    try:
        # keep_default_na=False: Namibia's ISO2 code is "NA".
        raw = pd.read_csv(
            path,
            sep=sep,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
            quoting=csv.QUOTE_MINIMAL,
        )
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise SourceError(path, f"cannot be parsed as CSV: {exc}") from exc
    raw.attrs["file"] = str(path)
    return raw


def transform(raw: pd.DataFrame) -> pd.DataFrame:
    """One row per country or area with an ISO3 code: name, m49, flags, development status."""
    file = raw.attrs.get("file", "M49 overview")
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise SourceError(file, f"missing column(s) {missing}; found {list(raw.columns)}")
    rows = raw[raw["ISO-alpha3 Code"].str.strip() != ""]
    out = pd.DataFrame(
        {
            "entity_id": rows["ISO-alpha3 Code"].str.strip(),
            "name": rows["Country or Area"].str.strip(),
            "m49": rows["M49 Code"].str.strip().str.zfill(3),
            "ldc": _flag(rows["Least Developed Countries (LDC)"]),
            "lldc": _flag(rows["Land Locked Developing Countries (LLDC)"]),
            "sids": _flag(rows["Small Island Developing States (SIDS)"]),
        }
    )
    if DEVELOPMENT in rows.columns:
        status = rows[DEVELOPMENT].str.strip().str.lower()
        out["development_status"] = status.where(status.isin(["developed", "developing"]))
    else:
        out["development_status"] = pd.Series(pd.NA, index=out.index, dtype="str")
    dupes = out["entity_id"].duplicated(keep=False)
    if dupes.any():
        first = out.index[dupes][0]
        raise SourceError(
            file,
            "duplicate ISO-alpha3 code",
            row=int(first) + 2,
            column="ISO-alpha3 Code",
            value=out.loc[first, "entity_id"],
        )
    return out.reset_index(drop=True)


def _flag(column: pd.Series) -> pd.Series:
    """UNSD marks membership with an 'x'."""
    return column.str.strip().str.lower().eq("x")


def name_index(m49: pd.DataFrame) -> dict[str, str]:
    """Normalised country name -> ISO3, for publishers that name economies instead of coding."""
    return {normalise_name(n): c for n, c in zip(m49["name"], m49["entity_id"], strict=True)}

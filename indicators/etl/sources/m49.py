"""UN Statistics Division M49 overview CSV: countries and areas, their codes and status flags."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from indicators.contract.errors import SourceError
from indicators.etl.codes import normalise_name
from indicators.etl.sources import strict
from indicators.etl.sources.formats import (
    Blob,
    Context,
    Edition,
    Frames,
    Known,
    SourceFormat,
    as_blob,
)

REQUIRED = [
    "Country or Area",
    "M49 Code",
    "ISO-alpha3 Code",
    "Least Developed Countries (LDC)",
    "Land Locked Developing Countries (LLDC)",
    "Small Island Developing States (SIDS)",
]
DEVELOPMENT = "Developed / Developing Countries"
# UNSD marks membership with an 'x' and nothing else; 'Yes' or '1' would be read as no member.
VOCABULARIES = (
    *(strict.vocabulary("x", column=c) for c in REQUIRED[3:]),
    strict.vocabulary("Developed", "Developing", column=DEVELOPMENT),
)


def extract(source: Path | Blob) -> pd.DataFrame:
    """Read the overview as text, whichever delimiter and BOM the edition uses."""
    blob = as_blob(source)
    path = blob.path
    text = blob.text()
    # UNSD's 2026 export has no line end after its last row, so a cut shows as a short row.
    strict.check_csv_shape(text, path)
    # The 2021 export is comma-separated, the 2026 one semicolon-separated.
    sep = strict.separator(text.split("\n", 1)[0])
    try:
        # keep_default_na=False: Namibia's ISO2 code is "NA".
        raw = pd.read_csv(
            io.StringIO(text),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            quoting=csv.QUOTE_MINIMAL,
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SourceError(path, f"cannot be parsed as CSV: {exc}") from exc
    raw.attrs["file"] = str(path)
    return raw


def transform(raw: pd.DataFrame) -> pd.DataFrame:
    """One row per country or area with an ISO3 code: name, m49, flags, development status."""
    file = raw.attrs.get("file", "M49 overview")
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise SourceError(file, f"missing column(s) {missing}; found {list(raw.columns)}")
    for vocab in VOCABULARIES:
        strict.check_vocabulary(raw, vocab, file, first_row=2)
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


# ---------------------------------------------------------------------------------------------
# declarations

# UNSD's overview is a live list; it changes when a country graduates from LDC status.
MIN_ROWS = 240  # UNSD lists about 249 countries or areas; fewer means a cut file
OVERVIEW_PAGE = "https://unstats.un.org/unsd/methodology/m49/overview/"


def recognise(blob: Blob) -> bool:
    """An M49 overview export: the M49 and ISO-alpha3 code columns in the header."""
    head = blob.head(1)
    return bool(head) and "M49 Code" in head[0] and "ISO-alpha3 Code" in head[0]


def read(blob: Blob, context: Context) -> Frames:
    return {"m49": transform(extract(blob))}


def check(frames: Frames, references: Mapping[str, Frames], blob: Blob) -> list[str]:
    """A cut export loses whole countries at a line end."""
    rows = len(frames["m49"])
    if rows >= MIN_ROWS:
        return []
    return [
        f"{blob.name}: only {rows} countries or areas with an ISO code; UNSD lists about 249 "
        f"(at least {MIN_ROWS} expected), so the file looks truncated"
    ]


FORMAT = SourceFormat(
    source="m49",
    publisher="un",
    title="UN M49 overview",
    citation="United Nations Statistics Division, Standard country or area codes for "
    "statistical use (M49), {edition}",
    licence="UN terms of use (UNSD M49 standard)",
    tables=("m49",),
    recognise=recognise,
    # The export states no date: an edition is the month it was retrieved (``--edition``).
    read_edition=lambda blob: None,
    read=read,
    first_year=1900,
    urls=(OVERVIEW_PAGE,),
    check=check,
    reference=True,
    names="m49",
    country_list=("m49", "m49"),
    vocabularies=VOCABULARIES,
    intact=lambda blob: strict.check_csv_shape(blob.text(), blob.path),
    known={
        "f616d44e884cdfa17f3c24318e52a14738ed89f54f50fa01d4606cb410a0fe4e": Known(
            Edition("2021", "2021 edition with the developed/developing distinction"),
            "un/UNSD_M49_overview_2021.csv",
        ),
        "195be4ea55d42b9f3c2430a358c07dd78dcf48775e964aaf6e8e3515f16594eb": Known(
            Edition("2026-07", "retrieved July 2026", retrieval=True),
            "un/UNSD_M49_overview_2026.csv",
        ),
    },
)

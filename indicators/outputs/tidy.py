"""Data people can use directly: entity names beside codes, values as the publisher prints them,
and no text cell a spreadsheet would run as a formula.

Every CSV and XLSX writer (chart data, full tables, claims, editions compared, the claims annex)
passes its frame through here. How each publisher prints a value column is declared once beside
its reader (``SourceFormat.printed``) and recorded per edition by the build in the tables'
Parquet metadata; the Parquet files keep every digit the publishers' files hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from indicators.catalogue import queries
from indicators.contract import schemas
from indicators.contract.store import Tables
from indicators.etl import sources
from indicators.etl.sources.formats import Printed
from indicators.figures import Chart
from indicators.metrics.divides import NETWORK_ORDER
from indicators.outputs import safe_csv

# Code columns and the name and grouping columns written beside them (grouping: the
# classification a group belongs to, empty for an economy).
CODE_COLUMNS = {
    "entity_id": ("name", "grouping"),
    "entity_a": ("name_a", "grouping_a"),
    "entity_b": ("name_b", "grouping_b"),
}
# Chart data columns that carry a published column's values: (table, column, power of ten the
# chart divides by), so they are printed as that column's publisher prints it.
CARRIES: dict[str, tuple[str, str, int]] = {
    "value_pct": ("internet_use", "value_pct", 0),
    "value_a_pct": ("internet_use", "value_pct", 0),
    "value_b_pct": ("internet_use", "value_pct", 0),
    "female_pct": ("internet_use", "value_pct", 0),
    "male_pct": ("internet_use", "value_pct", 0),
    "users_millions": ("internet_use", "users_millions", 0),
    "bandwidth_gbps": ("bandwidth", "bandwidth_gbps", 0),
    "start_gbps": ("bandwidth", "bandwidth_gbps", 0),
    "end_gbps": ("bandwidth", "bandwidth_gbps", 0),
    "bandwidth_tbps": ("bandwidth", "bandwidth_gbps", 3),
    "per_user_kbps": ("bandwidth", "per_user_kbps", 0),
    "per_100": ("mobile_broadband", "per_100", 0),
    "subscriptions_millions": ("mobile_broadband", "subscriptions_millions", 0),
    **{f"median_{unit}": ("broadband_price", "value", 0) for unit in schemas.UNITS},
    **{f"price_{unit}": ("broadband_price", "value", 0) for unit in schemas.UNITS},
    "value": ("broadband_price", "value", 0),
    "use_pct": ("internet_use", "value_pct", 0),
    "owners_millions": ("mobile_phone_ownership", "owners_millions", 0),
    "coverage_pct": ("network_coverage", "coverage_pct", 0),
    **{f"{t}_coverage_pct": ("network_coverage", "coverage_pct", 0) for t in NETWORK_ORDER},
    "urban_pct": ("internet_use_by_location", "value_pct", 0),
    "rural_pct": ("internet_use_by_location", "value_pct", 0),
    "youth_pct": ("internet_use_by_age", "value_pct", 0),
    "rest_pct": ("internet_use_by_age", "value_pct", 0),
}
# Columns computed from published values (ratios, scores, gaps, shares, growth): four
# significant digits, enough to show how the chart's printed figure rounds, without float noise.
DERIVED = Printed(significant=4)
DERIVED_COLUMNS = frozenset(
    {
        "gap",
        "parity",
        "gap_pp",
        "relative_gap_pct",
        "cagr_pct",
        "share_pct",
        "recomputed_value",
        "change",
        "change_pct",
        "ratio",
        "usage_gap_pp",
        "coverage_gap_pp",
        *(f"best_{t}_pct" for t in (*NETWORK_ORDER, "none")),
    }
)
# Float columns that are labels rather than measurements (a basket's allowance: 1.5 GB).
AS_GIVEN = frozenset({"allowance_gb", "tolerance", "reported_value"})
PRINTED_NOTE = (
    "Values are rounded as each publisher prints them (see the editions' 'printed' column); "
    "the Parquet download keeps every digit of the publishers' files."
)


# ---- names beside codes


def _lookup(tables: Tables) -> pd.DataFrame:
    """entity_id -> name, grouping (empty frame when entities were not built)."""
    ent = tables.get("entities")
    if ent is None or not {"entity_id", "name"} <= set(ent.columns):
        return pd.DataFrame(columns=["name", "grouping"])
    return queries.memo(
        tables,
        ent,
        ("tidy-names",),
        lambda: ent.set_index("entity_id")[["name", "grouping"]].astype("object"),
    )


def with_names(frame: pd.DataFrame, tables: Tables) -> pd.DataFrame:
    """The frame with each code column followed by the entity's name and, for a group, the
    grouping it belongs to (columns already there are kept as they are)."""
    lookup = _lookup(tables)
    out = frame.copy()
    for code, (name, grouping) in CODE_COLUMNS.items():
        if code not in out.columns:
            continue
        at = list(out.columns).index(code) + 1
        codes = out[code].astype("object")
        if name not in out.columns:
            out.insert(at, name, codes.map(lookup["name"]).fillna(""))
        at = list(out.columns).index(name) + 1
        if grouping not in out.columns:
            out.insert(at, grouping, codes.map(lookup["grouping"]).fillna(""))
    return out


# ---- rounding as printed


def printed(tables: Tables, table: str, key: str) -> dict[str, Printed]:
    """How an edition's publisher prints each value column of a table: as the build recorded
    it, else as the format declares it for the edition's rows."""
    recorded = (tables.metadata(table).get("editions") or {}).get(key, {}).get("printed")
    if isinstance(recorded, Mapping):
        found = {c: Printed.from_dict(p) for c, p in recorded.items() if isinstance(p, Mapping)}
        return {c: p for c, p in found.items() if p is not None}
    return _declared(tables, key)


def _declared(tables: Tables, key: str) -> dict[str, Printed]:
    """The format's declaration, for data built before the build recorded it."""
    source, _ = queries.split_edition(key)
    fmt = sources.BY_SOURCE.get(source)
    if fmt is None:
        return {}
    frames = {}
    for name in fmt.tables:
        frame = tables.get(name) if name in schemas.MODELS else None
        if frame is not None and {"source", "vintage"} <= set(frame.columns):
            frames[name] = queries.rows_of(tables, name, key)
    try:
        return dict(fmt.printed(frames))
    except (KeyError, ValueError):
        return {}


def value_columns(table: str) -> list[str]:
    """The measured columns of a published table: floats outside its unique key."""
    described = schemas.describe(table)
    key = set(schemas.unique_key(table))
    return [
        c
        for c, d in zip(described["column"], described["dtype"], strict=True)
        if d.startswith("float") and c not in key
    ]


def _shifted(rule: Printed, power: int) -> Printed:
    """The rule for a column the chart divides by 10**power (Gbit/s shown as Tbit/s)."""
    if rule.decimals is not None:
        return Printed(decimals=rule.decimals + power)
    return rule


def finest(rules: Iterable[Printed]) -> Printed | None:
    """The rule that keeps the most digits of several (values from several editions)."""
    found = list(rules)
    if not found:
        return None
    significant = [r for r in found if r.significant is not None]
    if significant:
        return max(significant, key=lambda r: r.significant or 0)
    return max(found, key=lambda r: r.decimals or 0)


def round_editions(
    frame: pd.DataFrame, tables: Tables, table: str, columns: Mapping[str, tuple[str, int]]
) -> pd.DataFrame:
    """Round ``columns`` (frame column -> (published column, power)) row by row, each row as
    its own edition's publisher prints it; the frame must have ``source`` and ``vintage``."""
    out = frame.copy()
    keys = out["source"].astype(str) + "@" + out["vintage"].astype(str)
    for key in keys.unique():
        rules = printed(tables, table, key)
        rows = keys == key
        for column, (published, power) in columns.items():
            if column in out.columns and published in rules:
                rule = _shifted(rules[published], power)
                out.loc[rows, column] = rule.round(out.loc[rows, column]).to_numpy()
    return out


def _derived(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in DERIVED_COLUMNS & set(out.columns):
        if pd.api.types.is_float_dtype(out[column]):
            out[column] = DERIVED.round(out[column])
    return out


def table_frame(tables: Tables, name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A full published table ready to download: names beside codes, values as printed."""
    out = frame
    if {"source", "vintage"} <= set(frame.columns) and name in schemas.MODELS:
        columns = {c: (c, 0) for c in value_columns(name)}
        out = round_editions(frame, tables, name, columns)
    return with_names(_derived(out), tables)


def _chart_editions(chart: Chart, frame: pd.DataFrame) -> pd.Series:
    """The edition behind each row of a chart's data (its own column when it has one)."""
    if "edition" in frame.columns:
        return frame["edition"].astype(str)
    keys = [k for k in str(chart.meta.get("edition", "")).split(",") if k]
    return pd.Series([keys[0] if len(keys) == 1 else ",".join(keys)] * len(frame), frame.index)


def chart_frame(chart: Chart, tables: Tables) -> pd.DataFrame:
    """Exactly the plotted data, ready to download: names beside codes, each published value
    as its publisher prints it, derived values to four significant digits."""
    out = _derived(chart.data)
    editions = _chart_editions(chart, out)
    for column in [c for c in out.columns if c in CARRIES]:
        table, published, power = CARRIES[column]
        for keys in editions.unique():
            rules = [printed(tables, table, k).get(published) for k in str(keys).split(",") if k]
            rule = finest(r for r in rules if r is not None)
            if rule is None:
                continue
            rows = editions == keys
            out.loc[rows, column] = _shifted(rule, power).round(out.loc[rows, column]).to_numpy()
    return with_names(out, tables)


def unrounded(frame: pd.DataFrame) -> list[str]:
    """Float columns no rule covers (a test walks every chart with it)."""
    covered = set(CARRIES) | DERIVED_COLUMNS | AS_GIVEN
    return [c for c in frame.columns if pd.api.types.is_float_dtype(frame[c]) and c not in covered]


# ---- writers


def csv_text(frame: pd.DataFrame, header: Iterable[str] = ()) -> str:
    """A frame as CSV (optional '#' lines first), text cells escaped against formulas."""
    lines = "".join(f"# {safe_csv.escape_cell(line)}\n" for line in header)
    return lines + safe_csv.escape_formulas(frame).to_csv(index=False, lineterminator="\n")


def diff_frame(tables: Tables, diff: pd.DataFrame, old_key: str, new_key: str) -> pd.DataFrame:
    """Two editions compared, ready to download: names, the old and new values as each edition's
    publisher prints them, the change to the finer of the two."""
    out = diff.copy()
    column = out["series"].astype(str).str.split(";").str[0]
    pairs = out["table"].astype(str) + "|" + column
    for pair in pairs.unique():
        table, published = str(pair).split("|", 1)
        rows = pairs == pair
        old = printed(tables, table, old_key).get(published)
        new = printed(tables, table, new_key).get(published)
        if old is not None:
            out.loc[rows, "old"] = old.round(out.loc[rows, "old"]).to_numpy()
        if new is not None:
            out.loc[rows, "new"] = new.round(out.loc[rows, "new"]).to_numpy()
        if old is not None and new is not None:
            places = np.maximum(
                _places(old, out.loc[rows, "old"]), _places(new, out.loc[rows, "new"])
            )
            out.loc[rows, "change"] = [
                round(float(v), int(d)) + 0.0 if v == v else v
                for v, d in zip(out.loc[rows, "change"], places, strict=True)
            ]
    if "change_pct" in out.columns:
        out["change_pct"] = DERIVED.round(out["change_pct"])
    return with_names(out, tables)


def diff_csv(tables: Tables, diff: pd.DataFrame, old_key: str, new_key: str) -> str:
    """Two editions compared as CSV: the documented columns, with names beside the codes."""
    from indicators.metrics.diff import COLUMNS

    return csv_text(diff_frame(tables, diff[COLUMNS], old_key, new_key))


def _places(rule: Printed, values: pd.Series) -> np.ndarray:
    """The decimal places a rule prints each value with."""
    if rule.decimals is not None:
        return np.full(len(values), rule.decimals)
    magnitude = np.abs(pd.to_numeric(values, errors="coerce").fillna(0).to_numpy(dtype=float))
    exponent = np.floor(np.log10(np.where(magnitude > 0, magnitude, 1.0)))
    return (int(rule.significant or 1) - 1 - exponent).astype("int64")


def cell(value: Any) -> Any:
    """A value openpyxl writes as a plain cell: missing values empty, text never a formula."""
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    if hasattr(value, "item"):
        value = value.item()
    return safe_csv.escape_cell(value)

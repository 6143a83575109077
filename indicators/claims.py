"""Recompute the figures that reports cite and say whether today's data still supports them."""

from __future__ import annotations

import math
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pandas as pd

from indicators import gaps
from indicators.errors import SourceError

OUTPUT = [
    "claim_id",
    "statement",
    "citation",
    "metric",
    "year",
    "comparator",
    "reported_value",
    "tolerance",
    "recomputed_value",
    "source",
    "vintage",
    "status",
    "note",
]
MEMBERSHIP = {
    "LDC": lambda e: e["ldc"],
    "LLDC": lambda e: e["lldc"],
    "SIDS": lambda e: e["sids"],
    "DEVELOPED": lambda e: e["development_status"] == "developed",
    "DEVELOPING": lambda e: e["development_status"] == "developing",
}
COMPARATORS: dict[str, Callable[[float, float, float], bool]] = {
    "=": lambda got, want, tol: abs(got - want) <= tol + 1e-9,
    ">": lambda got, want, tol: got > want,
    "<": lambda got, want, tol: got < want,
    ">=": lambda got, want, tol: got >= want,
}


class NotComputable(Exception):
    """The processed tables cannot give this figure; the message says why."""


def default_claims_path() -> Path:
    """The claims file shipped with the package."""
    return Path(str(resources.files("indicators") / "data" / "claims.csv"))


REQUIRED = [
    "claim_id",
    "statement",
    "citation",
    "metric",
    "table",
    "source",
    "vintage",
    "year",
    "comparator",
    "reported_value",
    "tolerance",
    "note",
]


def read_claims(path: Path) -> pd.DataFrame:
    """Read a claims CSV (one row per claim and edition to check it against)."""
    try:
        claims = pd.read_csv(path, dtype={"claim_id": str, "vintage": str})
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SourceError(path, f"cannot read the claims file: {exc}") from exc
    missing = [c for c in REQUIRED if c not in claims.columns]
    if missing:
        raise SourceError(path, f"claims file lacks column(s) {missing}")
    for i, claim in enumerate(claims.to_dict("records"), 2):
        if claim["metric"] not in METRICS:
            raise SourceError(
                path,
                f"unknown metric; expected one of {sorted(METRICS)}",
                row=i,
                column="metric",
                value=claim["metric"],
            )
        if claim["comparator"] not in COMPARATORS:
            raise SourceError(
                path, "unknown comparator", row=i, column="comparator", value=claim["comparator"]
            )
    return claims


def evaluate(claims: pd.DataFrame, tables: dict[str, pd.DataFrame | None]) -> pd.DataFrame:
    """One output row per claim row, with the recomputed value and an honest status."""
    rows = []
    seen: set[tuple[str, str, str]] = set()
    for claim in claims.to_dict("records"):
        row = _evaluate_one(claim, tables)
        key = (row["claim_id"], row["source"], row["vintage"])
        if key in seen:  # 'latest' resolved to an edition already listed for this claim
            continue
        seen.add(key)
        rows.append(row)
    return pd.DataFrame(rows, columns=OUTPUT)


def _evaluate_one(claim: dict, tables: dict[str, pd.DataFrame | None]) -> dict:
    """Recompute one claim against one edition."""
    out = {k: claim.get(k) for k in OUTPUT if k in claim}
    out["year"] = int(claim["year"]) if not pd.isna(claim["year"]) else None
    vintage = claim["vintage"]
    try:
        frame = _table(tables, claim["table"], claim["source"])
        vintage = _resolve_vintage(frame, claim["vintage"])
        frame = frame[frame["vintage"] == vintage]
        value = METRICS[claim["metric"]](frame, claim, tables)
        if math.isnan(value):
            raise NotComputable("the recomputed value is undefined")
    except NotComputable as why:
        out.update(
            recomputed_value=math.nan,
            status="not computable",
            vintage=vintage if vintage != "latest" else "",
            note=f"{claim['note']} Not computable: {why}.",
        )
        return out
    ok = COMPARATORS[claim["comparator"]](
        value, float(claim["reported_value"]), float(claim["tolerance"])
    )
    out.update(
        recomputed_value=value,
        vintage=vintage,
        status="confirmed" if ok else "revised",
        note=claim["note"],
    )
    return out


def _table(tables: dict[str, pd.DataFrame | None], name: str, source: str) -> pd.DataFrame:
    """The rows of one source in a processed table."""
    frame = tables.get(name)
    if frame is None or frame.empty:
        raise NotComputable(
            f"table {name} has not been built (run `indicators fetch` and `indicators build`)"
        )
    frame = frame[frame["source"] == source]
    if frame.empty:
        raise NotComputable(f"no {source} data in {name}")
    return frame


def _resolve_vintage(frame: pd.DataFrame, vintage: str) -> str:
    """'latest' means the newest edition present; a named edition must be present."""
    present = sorted(frame["vintage"].unique())
    if vintage == "latest":
        return present[-1]
    if vintage not in present:
        raise NotComputable(f"edition {vintage} is not in the processed data")
    return vintage


def _value(frame: pd.DataFrame, entity: str, year: int, column: str, **match: str) -> float:
    """One value of one entity and year, or NotComputable naming what is missing."""
    rows = frame[(frame["entity_id"] == entity) & (frame["year"] == year)]
    for key, wanted in match.items():
        rows = rows[rows[key] == wanted]
    if rows.empty:
        extra = "".join(f", {k}={v}" for k, v in match.items())
        raise NotComputable(f"no value for {entity} in {year}{extra}")
    return float(rows[column].iloc[0])


def _ratio(frame: pd.DataFrame, claim: dict, tables: dict) -> float:
    year = int(claim["year"])
    a = _value(frame, claim["entity_a"], year, "value_pct", sex="total")
    b = _value(frame, claim["entity_b"], year, "value_pct", sex="total")
    return gaps.ratio(a, b)


def _relative_gender_gap(frame: pd.DataFrame, claim: dict, tables: dict) -> float:
    year = int(claim["year"])
    female = _value(frame, claim["entity_a"], year, "value_pct", sex="female")
    male = _value(frame, claim["entity_a"], year, "value_pct", sex="male")
    return 100 * gaps.relative_gender_gap(female, male)


def _cagr(frame: pd.DataFrame, claim: dict, tables: dict) -> float:
    start, end = int(claim["start_year"]), int(claim["year"])
    first = _value(frame, claim["entity_a"], start, "bandwidth_gbps")
    last = _value(frame, claim["entity_a"], end, "bandwidth_gbps")
    return 100 * gaps.cagr(first, last, end - start)


def _count_meeting(frame: pd.DataFrame, claim: dict, tables: dict) -> float:
    entities = tables.get("entities")
    group = claim["entity_a"]
    if entities is None or group not in MEMBERSHIP:
        raise NotComputable(f"membership of {group} is not known")
    economies = entities[entities["kind"] == "economy"]
    members = set(
        economies.loc[MEMBERSHIP[group](economies).fillna(False).astype(bool), "entity_id"]
    )
    if not members:
        raise NotComputable(f"no member economies of {group} in the entities table")
    prices = frame[
        (frame["statistic"] == "value")
        & (frame["year"] == int(claim["year"]))
        & (frame["basket"] == claim["basket"])
        & (frame["unit"] == "pct_gni_pc")
        & (frame["allowance_gb"] == float(claim["allowance_gb"]))
        & frame["entity_id"].isin(members)
    ]
    if prices.empty:
        raise NotComputable(f"no {claim['basket']} prices for {group} members in {claim['year']}")
    met, _ = gaps.count_meeting(prices["value"], float(claim["threshold"]), claim["op"])
    return float(met)


METRICS: dict[str, Callable[[pd.DataFrame, dict, dict], float]] = {
    "ratio": _ratio,
    "relative_gender_gap": _relative_gender_gap,
    "cagr": _cagr,
    "count_meeting": _count_meeting,
}

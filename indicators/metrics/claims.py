"""Recompute the figures that reports cite and say whether today's data still supports them."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast

import pandas as pd
import yaml

from indicators.contract.errors import SourceError
from indicators.etl import uptodate

OUTPUT = [
    "report",
    "report_date",
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
    "report_edition",
    "status",
    "note",
]
COMPARATORS: dict[str, Callable[[float, float, float], bool]] = {
    "=": lambda got, want, tol: abs(got - want) <= tol + 1e-9,
    ">": lambda got, want, tol: got > want,
    "<": lambda got, want, tol: got < want,
    ">=": lambda got, want, tol: got >= want,
}


class NotComputable(Exception):
    """The processed tables cannot give this figure; the message says why."""


def default_claims_path() -> Path:
    """The folder of report files shipped with the package (one YAML file per report)."""
    return uptodate.shipped_claims()


REQUIRED = [
    "report",
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


NUMERIC = {
    "reported_value": True,
    "tolerance": True,
    "year": False,
    "start_year": False,
    "threshold": False,
    "allowance_gb": False,
}


def read_claims(path: Path | list[Path], metrics: Metrics) -> pd.DataFrame:
    """Every claim of one report file, a folder of them, or a list: one row per claim.

    ``metrics`` are the metrics a claim may name (the topics declare them)."""
    paths = uptodate.report_files(path) if isinstance(path, Path) else path
    frames = [_read_one(p, metrics) for p in paths]
    if not frames:
        raise SourceError(path if isinstance(path, Path) else "claims", "no report files found")
    claims = pd.concat(frames, ignore_index=True)
    # Reports use different parameters: a parameter one report lacks is blank, not NaN.
    text = [c for c in claims.columns if c not in NUMERIC and c != "_line"]
    claims[text] = claims[text].fillna("")
    dupes = claims[claims.duplicated(["report", "claim_id", "source"], keep=False)]
    if len(dupes):
        first = dupes.iloc[0]
        raise SourceError(
            first["_file"],
            f"claim {first['claim_id']!r} of {first['report']} appears twice for {first['source']}",
            row=int(first["_line"]),
        )
    return claims.drop(columns=["_file", "_line"])


def _read_one(path: Path, metrics: Metrics) -> pd.DataFrame:
    if path.suffix.lower() in (".yaml", ".yml"):
        claims, lines = _read_yaml(path, metrics)
    else:
        claims, lines = _read_csv(path)
    if "metric" in claims.columns:  # the table a claim reads follows from its metric
        claims["table"] = [metrics[m].table if m in metrics else "" for m in claims["metric"]]
    claims["_file"], claims["_line"] = str(path), lines
    missing = [c for c in REQUIRED if c not in claims.columns]
    if missing:
        raise SourceError(path, f"claims file lacks column(s) {missing}")
    is_yaml = path.suffix.lower() in (".yaml", ".yml")
    for column, required in NUMERIC.items():
        if column in claims.columns:
            shown = _yaml_field(column) if is_yaml else column
            claims[column] = _numbers(claims[column], shown, required, path, lines)
    for i, claim in zip(lines, claims.to_dict("records"), strict=True):
        if claim["metric"] not in metrics:
            raise SourceError(
                path,
                f"unknown metric; expected one of {sorted(metrics)}",
                row=i,
                column="metric",
                value=claim["metric"],
            )
        if claim["comparator"] not in COMPARATORS:
            raise SourceError(
                path, "unknown comparator", row=i, column="comparator", value=claim["comparator"]
            )
    claims["vintage"] = claims["vintage"].replace("latest", "")
    return claims


def _read_csv(path: Path) -> tuple[pd.DataFrame, list[int]]:
    """The first claims layout: a CSV, one row per claim; the report is named by its file."""
    try:
        claims = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise SourceError(path, f"cannot read the claims file: {exc}") from exc
    if "report" not in claims.columns:
        claims["report"] = path.stem
    return claims, list(range(2, len(claims) + 2))


# A report file: its title, symbol and date, then its claims. Field -> claims column.
REPORT_FIELDS = ("title", "symbol", "date", "cite_as", "claims")
CLAIM_FIELDS = {
    "id": "claim_id",
    "statement": "statement",
    "citation": "citation",
    "metric": "metric",
    "source": "source",
    "edition": "vintage",
    "comparator": "comparator",
    "value": "reported_value",
    "rounding": "tolerance",
    "note": "note",
}
OPTIONAL_FIELDS = {"edition", "note"}
PARAMS = [
    "year",
    "start_year",
    "entity_a",
    "entity_b",
    "sex",
    "basket",
    "allowance_gb",
    "op",
    "threshold",
]


def _read_yaml(path: Path, metrics: Metrics | None = None) -> tuple[pd.DataFrame, list[int]]:
    """A report file: ``title``, ``symbol``, ``date`` and ``claims``, each with its line."""
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(path, f"cannot read the report file: {exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        raise SourceError(path, f"not valid YAML: {getattr(exc, 'problem', exc)}", row=row) from exc
    if not isinstance(data, dict):
        raise SourceError(path, f"expected a mapping with {list(REPORT_FIELDS)}")
    for field in REPORT_FIELDS:
        if not data.get(field):
            raise SourceError(path, f"the report has no {field!r}", column=field)
    items = data["claims"]
    if not isinstance(items, list) or not all(isinstance(c, dict) for c in items):
        raise SourceError(path, "'claims' must be a list of claims", column="claims")
    lines = _claim_lines(node)
    rows = [
        _claim_row(path, claim, line, data, metrics or {})
        for claim, line in zip(items, lines, strict=False)
    ]
    return pd.DataFrame(rows).fillna(""), lines[: len(rows)]


def _claim_lines(node: yaml.Node | None) -> list[int]:
    """The line each claim starts on, for messages."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == "claims" and isinstance(value, yaml.SequenceNode):
                return [item.start_mark.line + 1 for item in value.value]
    return []


def _claim_row(
    path: Path, claim: dict[str, Any], line: int, report: dict[str, Any], metrics: Metrics
) -> dict[str, str]:
    """One claim as a claims-table row; names what is missing with the claim's line. A metric
    may declare parameters of its own (``params``: a location, an age group, a technology)."""
    unknown = set(claim) - set(CLAIM_FIELDS) - {"params"}
    if unknown:
        raise SourceError(path, f"unknown field(s) {sorted(unknown)}", row=line)
    row = {"report": str(report["symbol"]), "report_date": str(report.get("date") or "")}
    for field, column in CLAIM_FIELDS.items():
        if field not in claim and field not in OPTIONAL_FIELDS:
            raise SourceError(path, f"the claim has no {field!r}", row=line, column=field)
        row[column] = "" if claim.get(field) is None else str(claim.get(field))
    row["citation"] = f"{report['cite_as']}, {row['citation']}"
    params = claim.get("params") or {}
    if not isinstance(params, dict):
        raise SourceError(path, "'params' must be a mapping", row=line, column="params")
    known = [*PARAMS, *getattr(metrics.get(str(claim.get("metric"))), "params", ())]
    unknown = set(params) - set(known)
    if unknown:
        raise SourceError(path, f"unknown parameter(s) {sorted(unknown)}; known: {known}", row=line)
    row.update({k: str(v) for k, v in params.items()})
    return row


def _yaml_field(column: str) -> str:
    """How a report file names a claims column ('rounding' for tolerance, 'params.year')."""
    fields = {c: f for f, c in CLAIM_FIELDS.items()}
    return fields.get(column, f"params.{column}")


def _numbers(
    column: pd.Series, name: str, required: bool, path: Path, lines: list[int]
) -> pd.Series:
    """A numeric column of a claims file; a blank or non-number is named with its row."""
    text = column.astype(str).str.strip()
    values = pd.to_numeric(text, errors="coerce")
    bad = (values.isna() & (text != "")) | (values.isna() & required)
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        problem = "a number is required" if text.iloc[row] == "" else "not a number"
        raise SourceError(path, problem, row=lines[row], column=name, value=column.iloc[row])
    return values


@dataclass(frozen=True)
class Computed:
    """A recomputed figure and the range its rounded inputs allow."""

    value: float
    low: float
    high: float
    inputs: str  # the input values, for the note


# (one source's rows of the metric's table in one edition, the claim, every table) -> the figure
Compute = Callable[[pd.DataFrame, dict[str, Any], dict[str, Any]], Computed]


class Metric(Protocol):
    """How a claim's figure is recomputed and from which table (each topic declares its own)."""

    @property
    def table(self) -> str: ...

    @property
    def compute(self) -> Compute: ...


Metrics = Mapping[str, Metric]
Record = dict[str, Any]  # one row of the claims table (its columns are named by text)


def with_rounding(fn: Callable[..., float], named: dict[str, float]) -> Computed:
    """Evaluate ``fn`` on the inputs and on every corner of their rounding intervals.

    Published values carry their precision (ITU rounds to one decimal): the true value of 21.9
    lies in [21.85, 21.95], so a ratio of such values is known only within a range.
    """
    values = list(named.values())
    value = fn(*values)
    halves = [0.5 * 10.0 ** -_decimals(v) for v in values]
    corners = [
        fn(*(v + sign * h for v, h, sign in zip(values, halves, signs, strict=True)))
        for signs in itertools.product((-1, 1), repeat=len(values))
    ]
    inputs = ", ".join(f"{k} {v:g}" for k, v in named.items())
    return Computed(value, min(corners), max(corners), inputs)


def _decimals(value: float) -> int:
    """The decimals a published value was given with (6 at most: beyond is float noise)."""
    for digits in range(7):
        if abs(round(value, digits) - value) < 1e-9:
            return digits
    return 6


def evaluate(
    claims: pd.DataFrame, tables: dict[str, pd.DataFrame | None], metrics: Metrics
) -> pd.DataFrame:
    """One output row per claim and edition of its source, the report's edition marked."""
    rows = []
    seen: set[tuple[str, str, str, str]] = set()
    for claim in cast(list[Record], claims.to_dict("records")):
        for edition in _editions(tables, claim):
            row = _evaluate_one(claim, edition, tables, metrics[claim["metric"]])
            key = (row["report"], row["claim_id"], row["source"], row["vintage"])
            if key not in seen:
                seen.add(key)
                rows.append(row)
    return pd.DataFrame(rows, columns=OUTPUT)


def _editions(tables: dict[str, pd.DataFrame | None], claim: Record) -> list[str]:
    """Every edition of the claim's source in its table, and the report's edition if absent."""
    frame = tables.get(claim["table"])
    present: list[str] = []
    if frame is not None and not frame.empty:
        present = sorted(frame.loc[frame["source"] == claim["source"], "vintage"].unique())
    wanted = str(claim.get("vintage") or "")
    if wanted and wanted not in present:
        present.insert(0, wanted)
    return present or [""]


def _evaluate_one(
    claim: Record, edition: str, tables: dict[str, pd.DataFrame | None], metric: Metric
) -> dict[str, Any]:
    """Recompute one claim against one edition."""
    out = {k: claim.get(k) for k in OUTPUT if k in claim}
    out["report_date"] = str(claim.get("report_date") or "")  # the first layout states none
    out["year"] = int(claim["year"]) if not pd.isna(claim["year"]) else None
    out["vintage"] = edition
    out["report_edition"] = bool(edition) and edition == str(claim.get("vintage") or "")
    marker = " The edition the report drew on." if out["report_edition"] else ""
    try:
        if not edition:
            raise NotComputable(f"no {claim['source']} edition in the processed data")
        frame = _table(tables, claim["table"], claim["source"])
        frame = frame[frame["vintage"] == edition]
        if frame.empty:
            raise NotComputable(f"edition {edition} is not in the processed data")
        got = metric.compute(frame, claim, tables)
        if math.isnan(got.value):
            raise NotComputable("the recomputed value is undefined")
    except NotComputable as why:
        out.update(
            recomputed_value=math.nan,
            status="not computable",
            note=f"{claim['note']}{marker} Not computable: {_named(str(why), tables)}.",
        )
        return out
    status, reading = _status(got, claim)
    out.update(recomputed_value=got.value, status=status, note=f"{claim['note']}{marker}{reading}")
    return out


def _named(text: str, tables: dict[str, pd.DataFrame | None]) -> str:
    """A reason as the reader reads it: the codes of economies and groups by their names
    ("no value for Developed countries in 2024", not DEVELOPED)."""
    entities = tables.get("entities")
    if entities is None or entities.empty:
        return text
    names = dict(zip(entities["entity_id"], entities["name"], strict=True))
    return re.sub(r"\b[A-Z][A-Z0-9_]+\b", lambda m: names.get(m.group(), m.group()), text)


def _status(got: Computed, claim: Record) -> tuple[str, str]:
    """Confirmed, revised, or within rounding when the inputs' precision straddles the claim."""
    check = COMPARATORS[claim["comparator"]]
    want, tol = float(claim["reported_value"]), float(claim["tolerance"])
    if check(got.value, want, tol):
        return "confirmed", ""
    if claim["comparator"] == "=":
        reachable = got.low - tol <= want <= got.high + tol
    else:
        reachable = check(got.low, want, tol) or check(got.high, want, tol)
    if not reachable:
        return "revised", ""
    return "within rounding", (
        f" Within rounding: {got.value:.3f} from {got.inputs}; the rounded inputs allow "
        f"{got.low:.3f} to {got.high:.3f}, which straddles the reported {want:g}."
    )


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


def value_of(frame: pd.DataFrame, entity: str, year: int, column: str, **match: str) -> float:
    """One value of one entity and year, or NotComputable naming what is missing."""
    rows = frame[(frame["entity_id"] == entity) & (frame["year"] == year)]
    for key, wanted in match.items():
        rows = rows[rows[key] == wanted]
    if rows.empty:
        extra = f" ({', '.join(f'{k}: {v}' for k, v in match.items())})" if match else ""
        raise NotComputable(f"no value for {entity} in {year}{extra}")
    return float(rows[column].iloc[0])

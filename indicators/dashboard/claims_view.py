"""What the dashboard says about its own data: report claims checked, and the published tables.

Pure functions that shape the claims table for the Report check page (formatted values, status
classes, a link to the chart that shows each figure) and the table catalogue for the Data &
sources page (rows, editions, licences, build time, schema, downloads).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from indicators.catalogue import claim_metrics, queries
from indicators.contract import schemas, store
from indicators.contract.store import Tables
from indicators.etl import sources
from indicators.metrics import claims
from indicators.outputs import tidy

COMPARATOR_WORDS = {"=": "", ">": "more than ", "<": "less than ", ">=": "at least "}
SPEC_COLUMNS = ["entity_a", "entity_b", "start_year", "year", "basket"]


def claim_specs(path: Path | None = None) -> dict[str, dict[str, Any]]:
    """Entities and years of each claim id, from the claims file the build reads."""
    try:
        # the shipped reports
        frame = claims.read_claims(path or claims.default_claims_path(), claim_metrics())
    except Exception:  # a missing or broken claims file only costs the deep links
        return {}
    out: dict[str, dict[str, Any]] = {}
    for row in frame.to_dict("records"):
        spec = {k: row.get(k) for k in SPEC_COLUMNS}
        out.setdefault(str(row["claim_id"]), {k: v for k, v in spec.items() if not _missing(v)})
    return out


def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def _edition_key(row: Mapping[str, Any]) -> str:
    vintage = row.get("vintage") or ""
    return f"{row['source']}@{vintage}" if vintage else ""


def claim_href(row: Mapping[str, Any], spec: Mapping[str, Any] | None = None) -> str:
    """The view whose chart shows a claim's figure, as the topic declaring its metric links it
    ('' for a metric no topic declares)."""
    metric = claim_metrics().get(str(row.get("metric", "")))
    return metric.link(row, spec or {}, _edition_key(row)) if metric else ""


def metric_unit(metric: str) -> str:
    """How a value of a claim metric reads after the number ('×', '%', ' billion')."""
    declared = claim_metrics().get(metric)
    return declared.unit if declared else ""


def format_value(
    value: Any,
    metric: str,
    comparator: str = "=",
    digits: int | None = None,
    tolerance: Any = None,
) -> str:
    """A claim's figure as a person reads it: 'more than 4×', '17%', '28'; with the claim's
    rounding (``tolerance``, half its last printed digit), at the decimals the report printed
    ('0.94', '0.70')."""
    if _missing(value) or pd.isna(value):
        return "—"
    number = float(value)
    if digits is None:
        digits = _printed_digits(tolerance)
    if digits is None:
        digits = _default_digits(number, metric)
    return f"{COMPARATOR_WORDS.get(comparator, '')}{number:,.{digits}f}{metric_unit(metric)}"


def _printed_digits(tolerance: Any) -> int | None:
    """The decimals a report printed, from its rounding (half its last digit: 0.005 -> 2)."""
    if _missing(tolerance) or pd.isna(tolerance) or float(tolerance) <= 0:
        return None
    return max(0, round(-math.log10(2 * float(tolerance))))


def _default_digits(number: float, metric: str) -> int:
    return 0 if number == round(number) else (2 if metric == "ratio" else 1)


def claim_value(row: Mapping[Any, Any] | pd.Series, column: str = "reported_value") -> str:
    """A claim row's reported or recomputed value as printed everywhere (page, annex, CSV): the
    reported one at the decimals the report printed ('0.94', '0.70'); the recomputed one with
    at least as many, and enough that a value short of a threshold reads so (3.995×)."""
    metric, tolerance = str(row["metric"]), row.get("tolerance")
    if column == "reported_value":
        return format_value(row[column], metric, str(row["comparator"]), None, tolerance)
    value = row[column]
    digits = _digits(value, float(row["reported_value"]), metric, str(row["comparator"]))
    if digits is None and not (_missing(value) or pd.isna(value)):
        digits = max(_default_digits(float(value), metric), _printed_digits(tolerance) or 0)
    return format_value(value, metric, "=", digits)


def _digits(recomputed: Any, reported: float, metric: str, comparator: str) -> int | None:
    """Enough decimals that a value just short of a threshold does not print as the threshold.

    3.995 against 'more than 4' would round to 4.00 and read as confirmed; show 3.995.
    """
    if comparator == "=" or _missing(recomputed) or pd.isna(recomputed):
        return None
    value = float(recomputed)
    if value == round(value):
        return None
    digits = 2 if metric == "ratio" else 1
    while digits < 4 and value != reported and round(value, digits) == reported:
        digits += 1
    return digits


def edition_text(row: Mapping[str, Any]) -> str:
    """The edition a claim was checked against, by name ('none available' if there was none)."""
    key = _edition_key(row)
    if not key:
        return "none available"
    mark = " (the report's edition)" if bool(row.get("report_edition")) else ""
    return queries.edition_label(key) + mark


def status_class(status: str) -> str:
    """'not computable' -> 'status-not-computable' (the classes in assets/style.css)."""
    return "status-" + str(status).replace(" ", "-")


def claims_view(frame: pd.DataFrame, specs: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """One display row per claim and edition: texts, status class and chart link."""
    rows = []
    for record in frame.to_dict("records"):
        row = {str(k): v for k, v in record.items()}
        rows.append(
            {
                "claim_id": row["claim_id"],
                "statement": row["statement"],
                "citation": row["citation"],
                "reported": claim_value(row),
                "recomputed": claim_value(row, "recomputed_value"),
                "edition": edition_text(row),
                # An edition left out of the counts says so, so that the counts add up.
                "status": row["status"],
                "status_text": status_text(row),
                "status_class": status_class(row["status"]),
                "note": row["note"],
                "href": claim_href(row, specs.get(str(row["claim_id"]))),
            }
        )
    return pd.DataFrame(rows)


def shared_citation(frame: pd.DataFrame) -> str:
    """The citation every claim shares, or '' when they come from several reports."""
    citations = frame["citation"].dropna().unique()
    return str(citations[0]) if len(citations) == 1 else ""


NOT_COUNTED = " (an edition before the report: not counted)"
# 'Revised' says the data moved since the report; in the report's own edition nothing moved.
OWN_EDITION_MISS = " (its own edition does not support it: no revision)"


def status_text(row: Mapping[Any, Any] | pd.Series) -> str:
    """A row's status as the page prints it: counted as its status, with what the word alone
    would misstate ('revised' in the report's own edition, an edition left out of the
    counts)."""
    text = str(row["status"])
    if text == "revised" and bool(row.get("report_edition")):
        text += OWN_EDITION_MISS
    return text + (NOT_COUNTED if uncounted(row) else "")


def uncounted(row: Mapping[Any, Any] | pd.Series) -> bool:
    """An edition older than the report that cannot compute a claim: no finding (the report
    could not have drawn on it), so left out of the counts."""
    older = str(row["vintage"]) < str(row["report_date"])[:7]
    return row["status"] == "not computable" and older and not bool(row["report_edition"])


def relevant(frame: pd.DataFrame) -> pd.DataFrame:
    """The claim rows that say something about the report (see ``uncounted``)."""
    if frame.empty:
        return frame
    idle = [uncounted(r) for r in frame.to_dict("records")]
    return frame[[not i for i in idle]]


def status_counts(frame: pd.DataFrame) -> dict[str, int]:
    """How many claim rows have each status, in the contract's order (editions older than the
    report that cannot compute a claim are left out)."""
    counts = relevant(frame)["status"].value_counts()
    return {s: int(counts.get(s, 0)) for s in schemas.STATUSES}


def card_id(claim_id: Any, source: Any) -> str:
    """The id of a claim's card on the Report check page (the summary links to it)."""
    return f"claim-{claim_id}-{source}"


def summary_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per claim of a report: the statement, what it reports, its status in the report's
    own edition and in the newest edition, and the verdict across editions (the annex table)."""
    rows = []
    for (claim_id, source), group in frame.groupby(["claim_id", "source"], sort=False):
        kept = relevant(group)
        ordered = kept.sort_values("vintage") if len(kept) else group
        own = ordered[ordered["report_edition"].astype(bool)]
        newest = ordered.iloc[-1]
        first = group.iloc[0]
        rows.append(
            {
                "claim_id": claim_id,
                "statement": first["statement"],
                "reported": claim_value(first),
                # A stated edition always has its row (not computable when not published here).
                "report_edition": state_text(own.iloc[0]) if len(own) else "not stated",
                "latest_edition": state_text(newest),
                "verdict": _verdict(group),
                "anchor": card_id(claim_id, source),
                "status": str(newest["status"]),
            }
        )
    return pd.DataFrame(rows)


def state_text(row: Mapping[Any, Any] | pd.Series) -> str:
    """'ITU key ICT indicators, Oct 2019: 4.53× (confirmed)': one edition's check of a claim,
    its status as the page's rows print it (``status_text``)."""
    value = claim_value(row, "recomputed_value")
    key = _edition_key({str(k): v for k, v in row.items()})
    name = queries.edition_label(key) if key else "none available"
    return f"{name}: {value} ({status_text(row)})"


def csv_text(frame: pd.DataFrame) -> str:
    """A table as CSV (no comment lines, so any reader opens it); a text cell a spreadsheet
    would run as a formula is escaped with a leading apostrophe."""
    return tidy.csv_text(frame)


def parquet_bytes(frame: pd.DataFrame, metadata: Mapping[str, Any]) -> bytes:
    """A table as Parquet, carrying the same project metadata as the published file."""
    return store.parquet_bytes(frame, metadata)


@dataclass(frozen=True, eq=False)
class TableSummary:
    """What the Data & sources page says about one published table."""

    name: str
    title: str
    rows: int
    key: list[str]
    editions: list[str]
    citation: str
    licence: str
    built_at: str
    inputs: list[str]
    schema: pd.DataFrame = field(repr=False)

    def cite(self) -> str:
        """How to cite a figure taken from this table: the original publisher first."""
        if not self.citation:
            return "Cite the original publisher named with each figure."
        when = f", built {self.built_at}" if self.built_at else ""
        return (
            f"{self.citation}. Processed with the digital-divide indicators "
            f"(table {self.name}{when})."
        )


def _edition_names(meta: Mapping[str, Any]) -> list[str]:
    """The editions a table was built from, with the retrieval date, as the build recorded them."""
    editions = meta.get("editions") or {}
    names = []
    for key, ed in sorted(editions.items()):
        retrieved = str(ed.get("retrieved_at") or "")[:10]
        when = f", retrieved {retrieved}" if retrieved else ""
        accepted = ed.get("accepted") or {}
        note = (
            f"; published despite the release review, accepted by {accepted.get('by')} on "
            f"{str(accepted.get('at') or '')[:10]}: {accepted.get('reason')}"
            if accepted
            else ""
        )
        names.append(f"{ed.get('title', key)} ({key}{when}{note})")
    return names


@dataclass(frozen=True)
class Accepted:
    """An edition published despite the release review's findings: who, when, why, what."""

    edition: str
    title: str
    by: str
    at: str
    reason: str
    findings: list[str]


def acceptances(tables: Tables) -> list[Accepted]:
    """Every edition a person published despite the release review, from editions.parquet."""
    editions = tables.get("editions")
    if editions is None or "accepted_by" not in editions.columns:
        return []
    rows = editions[editions["accepted_by"].fillna("").astype(str) != ""]
    return [
        Accepted(
            f"{r['source']}@{r['edition']}",
            str(r["title"]),
            str(r["accepted_by"]),
            built_text(str(r["accepted_at"])),
            str(r["accepted_reason"]),
            str(r["accepted_findings"] or "").splitlines(),
        )
        for r in rows.to_dict("records")
    ]


def _inputs(meta: Mapping[str, Any]) -> list[str]:
    """Input files with the start of their sha256."""
    entries = (meta.get("inputs") or {}).values()
    return [f"{e.get('path', '?')} (sha256 {str(e.get('sha256', ''))[:12]})" for e in entries]


def _type_text(dtype: str, nullable: bool) -> str:
    """'string[pyarrow]' -> 'string'; '(nullable)' where the contract allows missing values."""
    base = dtype.split("[", 1)[0]
    return f"{base} (nullable)" if nullable else base


def built_text(built_at: str) -> str:
    """'2026-11-22T07:30:54+00:00' -> '2026-11-22 07:30 UTC' (as given if it does not parse)."""
    try:
        stamp = pd.Timestamp(built_at)
    except ValueError:
        return built_at
    if pd.isna(stamp):
        return ""
    stamp = stamp.tz_convert("UTC") if stamp.tzinfo else stamp
    return stamp.strftime("%Y-%m-%d %H:%M UTC")


def table_summary(name: str, frame: pd.DataFrame, meta: Mapping[str, Any]) -> TableSummary:
    """Rows, editions, citation, licence, build time, inputs and schema of one table."""
    model = schemas.MODELS[name]
    title = (model.__doc__ or name).strip().splitlines()[0]
    described = schemas.describe(name)
    described = described.assign(
        type=[
            _type_text(d, n) for d, n in zip(described["dtype"], described["nullable"], strict=True)
        ]
    )
    return TableSummary(
        name=name,
        title=title,
        rows=len(frame),
        key=schemas.unique_key(name),
        editions=_edition_names(meta),
        citation=str(meta.get("citation", "")),
        licence=str(meta.get("licence", "")),
        built_at=built_text(str(meta.get("built_at", ""))),
        inputs=_inputs(meta),
        schema=described[["column", "title", "unit", "type", "description"]],
    )


def catalogue(tables: Tables) -> list[TableSummary]:
    """A summary of every published table, in the contract's order (unbuilt tables left out)."""
    out = []
    for name in schemas.MODELS:
        frame = tables.get(name)
        if frame is not None:
            out.append(table_summary(name, frame, tables.metadata(name)))
    return out


def table_download(tables: Tables, name: str, fmt: str) -> tuple[bytes, str, str]:
    """A published table as CSV or Parquet bytes, with file name and media type."""
    if name not in schemas.MODELS or fmt not in ("csv", "parquet"):
        raise ValueError(f"no download {name}.{fmt}")
    frame = tables.get(name)
    if frame is None:
        raise LookupError(f"The {name} table has not been built yet: {queries.BUILD_HINT}.")
    if fmt == "csv":
        text = csv_text(tidy.table_frame(tables, name, frame))
        return text.encode("utf-8"), f"{name}.csv", "text/csv"
    payload = parquet_bytes(frame, tables.metadata(name))
    return payload, f"{name}.parquet", "application/vnd.apache.parquet"


HOLDS = {"confirmed", "within rounding"}


def claim_history(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per claim of each report and source: its value in every edition, oldest first,
    and since which edition it stopped holding (or that it still holds)."""
    rows = []
    keys = ["report", "claim_id", "source"]
    for (rep, claim_id, source), group in frame.groupby(keys, sort=False):
        group = group.sort_values("vintage")
        rows.append(
            {
                "report": rep,
                "claim_id": claim_id,
                "source": source,
                "editions": list(group["vintage"]),
                "values": list(group["recomputed_value"]),
                "statuses": list(group["status"]),
                "verdict": _verdict(group),
            }
        )
    return pd.DataFrame(rows)


def _verdict(group: pd.DataFrame) -> str:
    """'Holds in every edition', 'Stopped holding in Nov 2024', ... from oldest to newest."""
    checked = group[group["status"] != "not computable"]
    if checked.empty:
        return "Not computable in any edition."
    label = {
        v: queries.edition_label(f"{s}@{v}")
        for s, v in zip(group.source, group.vintage, strict=True)
    }
    holds = checked["status"].isin(HOLDS).to_numpy()
    names = [label[v] for v in checked["vintage"]]
    if holds.all():
        within = " only within rounding" if (checked["status"] == "within rounding").any() else ""
        return f"Holds{within} in every edition that can check it ({', '.join(names)})."
    if not holds.any():
        return f"Does not hold in any edition that can check it ({', '.join(names)})."
    last_held = max(i for i, ok in enumerate(holds) if ok)
    if last_held == len(holds) - 1:
        return f"Holds in the newest edition ({names[-1]}); not in {_joined(names, holds, False)}."
    return (
        f"Held until {names[last_held]}; stopped holding in {names[last_held + 1]}"
        f" ({_value_text(checked.iloc[last_held + 1])})."
    )


def _joined(names: list[str], holds: Any, wanted: bool) -> str:
    return ", ".join(n for n, ok in zip(names, holds, strict=True) if bool(ok) == wanted)


def _value_text(row: pd.Series) -> str:
    return f"{claim_value(row, 'recomputed_value')} against {claim_value(row)}"


def history_figure(frame: pd.DataFrame, title: str) -> dict[str, Any]:
    """A small chart of one claim across editions: the recomputed value per edition as dots
    (marked by whether it holds) and the reported value as a line, with the band within which
    an "=" claim holds at the report's rounding. Editions are named by month (the title names
    the source) so the labels fit a phone.

    The value axis spans at least a tenth of the reported value around it, so a value within
    rounding is drawn on the line, not far below it on an axis stretched to three decimals."""
    rows = frame.sort_values("vintage")
    labels = [sources.Edition(v, v).label() for v in rows["vintage"]]
    status = rows["status"].astype(str)
    reported = float(rows["reported_value"].iloc[0])
    tolerance = float(rows["tolerance"].iloc[0] or 0.0)
    equal = str(rows["comparator"].iloc[0]) == "="
    values = rows["recomputed_value"].astype(float)
    traces: list[dict[str, Any]] = []
    # The band and the reported line run across the whole plot (a line through one edition's
    # single category would draw nothing); their legend keys are traces without values.
    shapes: list[dict[str, Any]] = []
    if equal and tolerance > 0:
        shapes.append(
            {
                "type": "rect", "xref": "paper", "x0": 0, "x1": 1, "yref": "y",
                "y0": reported - tolerance, "y1": reported + tolerance,
                # Edged, so that a band a few pixels tall (33.35-33.45 on an axis of 30-37)
                # is still seen around the reported line.
                "fillcolor": "rgba(27,120,55,0.25)", "layer": "below",
                "line": {"width": 1, "color": "rgba(27,120,55,0.8)"},
            }
        )  # fmt: skip
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "x": labels[:1],
                "y": [None],
                "name": f"holds ({reported - tolerance:g}-{reported + tolerance:g})",
                "marker": {
                    "symbol": "square",
                    "size": 12,
                    "color": "rgba(27,120,55,0.35)",
                    "line": {"width": 1, "color": "rgba(27,120,55,0.8)"},
                },
                "hoverinfo": "skip",
            }
        )
    # The colours of the status words in the table (assets/style.css): a value within rounding
    # is amber here as there, not green.
    for kinds, name, colour, symbol in (
        (("confirmed",), "holds", "#006d4e", "circle"),
        (("within rounding",), "within rounding", "#b08800", "diamond"),
        (("revised",), "does not hold", "#b34700", "x"),
    ):
        points = [
            (lab, v)
            for lab, v, s in zip(labels, values, status, strict=True)
            if s in kinds and v == v
        ]
        if points:  # no legend entry for what is not drawn
            traces.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": [lab for lab, _ in points],
                    "y": [v for _, v in points],
                    "name": name,
                    "marker": {"size": 11, "color": colour, "symbol": symbol},
                }
            )
    line = {"color": "#333", "dash": "dash", "width": 2}
    shapes.append(
        {
            "type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y",
            "y0": reported, "y1": reported, "line": line,
        }
    )  # fmt: skip
    traces.append(
        {
            "type": "scatter",
            "mode": "lines",
            "x": labels[:1],
            "y": [None],
            "name": f"reported ({reported:g})",
            "line": line,
            "hoverinfo": "skip",
        }
    )
    known = [v for v in values if v == v] + [reported - tolerance, reported + tolerance]
    low, high = min(known), max(known)
    span = max(high - low, abs(reported) * 0.1, tolerance * 4, 1e-9)
    middle = (low + high) / 2
    # Room for the markers at both ends (they are 11 px on a 150 px plot), and for the reported
    # line, which must never sit on the axis's edge.
    low, high = middle - span * 0.7, middle + span * 0.7
    notes = []
    if not any(v == v for v in values):
        # Nothing to mark: the chart says so where the values would be.
        notes.append(
            {
                "text": "No edition here computes this figure (see the table)",
                "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.85, "showarrow": False,
                "font": {"size": 12, "color": "#555555"},
            }
        )  # fmt: skip
    return {
        "data": traces,
        "layout": {
            "annotations": notes,
            "title": {"text": title, "font": {"size": 13}, "x": 0, "xanchor": "left"},
            "autosize": True,
            "height": 220,
            "margin": {"l": 50, "r": 10, "t": 36, "b": 30},
            "showlegend": True,
            "shapes": shapes,
            "legend": {"orientation": "h", "y": -0.25},
            # Editions oldest first, whichever trace names them first.
            "xaxis": {
                "type": "category",
                "categoryorder": "array",
                "categoryarray": labels,
                "automargin": True,
            },
            "yaxis": {"range": [low, high], "automargin": True, "tickformat": ",.3~g"},
        },
    }

"""Turn ``data/raw`` into validated Parquet tables in ``data/processed``.

Each raw file is read and transformed on its own and the result cached by the file's sha256 (and
the reader code's), so a rebuild reprocesses only what changed, and a rebuild with nothing
changed does nothing. Every reader error and every schema failure is collected into one report;
if there is any, nothing is published.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

import indicators
from indicators import claims as claims_mod
from indicators import entities as entities_mod
from indicators import schemas, store
from indicators.errors import SourceError
from indicators.sources import RAW_FILES, RawFile, itu_aggregates, itu_gender, itu_prices, m49, wdi

Frames = dict[str, pd.DataFrame]
Progress = Callable[[str], None]
FACT_TABLES = ["internet_use", "broadband_price", "bandwidth"]


class BuildError(Exception):
    """The build found problems; ``report`` lists each with its place."""

    def __init__(self, report: list[str]):
        super().__init__(f"{len(report)} problem(s) found; nothing was published")
        self.report = report


@dataclass
class Inputs:
    """The raw files present, their hashes, and what reading them produced."""

    present: dict[str, Path] = field(default_factory=dict)
    sha256: dict[str, str] = field(default_factory=dict)
    frames: dict[str, Frames] = field(default_factory=dict)


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def code_fingerprint() -> str:
    """Hash of the reader and build code, so a changed reader invalidates the cache."""
    package = Path(indicators.__file__).parent
    digest = hashlib.sha256()
    for path in sorted([*package.glob("*.py"), *package.glob("sources/*.py")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _read_m49(path: Path, vintage: str) -> Frames:
    return {"m49": m49.transform(m49.extract(path))}


def _read_wdi(path: Path, vintage: str) -> Frames:
    raw = wdi.extract(path)
    # A fresh WDI download states its own date; trust it over the registry's edition label.
    stated = raw.attrs.get("last_updated")
    edition = stated[:7] if stated else vintage
    return {"internet_use": wdi.transform(raw, edition), "aggregates": wdi.aggregate_names(raw)}


def _read_wdi_meta(path: Path, vintage: str) -> Frames:
    raw = wdi.extract_country_metadata(path)
    return {
        "wdi_meta": wdi.transform_country_metadata(raw),
        "wdi_aggregates": wdi.aggregate_codes(raw),
    }


def _read_itu_aggregates(path: Path, vintage: str) -> Frames:
    raw = itu_aggregates.extract(path)
    return {
        "internet_use": itu_aggregates.transform_internet_use(raw, vintage),
        "bandwidth": itu_aggregates.transform_bandwidth(raw, vintage),
    }


def _read_itu_prices(path: Path, vintage: str) -> Frames:
    raw = itu_prices.extract(path)
    return {
        "broadband_price": itu_prices.transform(raw, vintage),
        "itu_economies": itu_prices.economy_attributes(raw),
    }


READERS: dict[str, Callable[[Path, str], Frames]] = {
    "wdi_internet_2026_07": _read_wdi,
    "wdi_internet_2026_02": _read_wdi,
    "wdi_country_metadata": _read_wdi_meta,
    "itu_aggregates_2019_10": _read_itu_aggregates,
    "itu_aggregates_2024_11": _read_itu_aggregates,
    "itu_prices_2025_12": _read_itu_prices,
    "m49_2021": _read_m49,
    "m49_2026": _read_m49,
}
# Read after the reference lists, because it names economies instead of coding them.
NAMED_BY_ECONOMY = {"itu_gender_2019_12"}


def discover(data: store.DataDir) -> Inputs:
    """The registered raw files present in ``data/raw``, with their sha256."""
    inputs = Inputs()
    for raw in RAW_FILES:
        path = data.raw / raw.path
        if path.exists():
            inputs.present[raw.key] = path
            inputs.sha256[raw.key] = sha256_of(path)
    return inputs


def fingerprint(inputs: Inputs, claims_path: Path) -> dict[str, str]:
    """Everything a build depends on: input hashes, the claims file and the code."""
    return {
        **inputs.sha256,
        "claims": sha256_of(claims_path),
        "code": code_fingerprint(),
    }


def _cache_dir(data: store.DataDir, key: str, digest: str, code: str) -> Path:
    return data.cache / f"{key}-{digest[:16]}-{code}"


def _load_cached(folder: Path) -> Frames | None:
    if not (folder / "_complete").exists():
        return None
    return {p.stem: pd.read_parquet(p) for p in folder.glob("*.parquet")}


def _save_cache(folder: Path, frames: Frames) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    (folder / "_complete").touch()


def read_inputs(data: store.DataDir, inputs: Inputs, progress: Progress) -> list[str]:
    """Read every present file (from cache when unchanged); return the reader errors."""
    errors: list[str] = []
    code = code_fingerprint()
    by_key = {r.key: r for r in RAW_FILES}
    order = [k for k in inputs.present if k not in NAMED_BY_ECONOMY] + [
        k for k in inputs.present if k in NAMED_BY_ECONOMY
    ]
    for i, key in enumerate(order, 1):
        raw = by_key[key]
        folder = _cache_dir(data, key, inputs.sha256[key], code)
        cached = _load_cached(folder)
        if cached is not None:
            inputs.frames[key] = cached
            progress(f"[{i}/{len(order)}] {raw.path}: unchanged, cached")
            continue
        started = time.perf_counter()
        try:
            frames = _read(raw, inputs)
        except SourceError as exc:
            errors.append(str(exc))
            progress(f"[{i}/{len(order)}] {raw.path}: FAILED")
            continue
        _save_cache(folder, frames)
        inputs.frames[key] = frames
        rows = sum(len(f) for f in frames.values())
        progress(
            f"[{i}/{len(order)}] {raw.path}: {rows} rows in {time.perf_counter() - started:.2f} s"
        )
    return errors


def _read(raw: RawFile, inputs: Inputs) -> Frames:
    """Run one file's reader."""
    if raw.key in NAMED_BY_ECONOMY:
        names = _economy_names(inputs)
        rows = itu_gender.transform(itu_gender.extract(inputs.present[raw.key]), raw.vintage, names)
        return {"internet_use": rows}
    return READERS[raw.key](inputs.present[raw.key], raw.vintage)


def _economy_names(inputs: Inputs) -> dict[str, str]:
    """Normalised economy names from both M49 editions, newest last so it wins."""
    names: dict[str, str] = {}
    for key in ("m49_2021", "m49_2026"):
        if key in inputs.frames:
            names.update(m49.name_index(inputs.frames[key]["m49"]))
    return names


def _frame(inputs: Inputs, key: str, name: str) -> pd.DataFrame | None:
    return inputs.frames.get(key, {}).get(name)


def assemble_entities(inputs: Inputs) -> pd.DataFrame:
    """The entities table from whichever reference lists were read."""
    m49_current = _frame(inputs, "m49_2026", "m49")
    m49_2021 = _frame(inputs, "m49_2021", "m49")
    economies = entities_mod.economies_frame(
        m49_current if m49_current is not None else m49_2021,
        m49_2021,
        _frame(inputs, "wdi_country_metadata", "wdi_meta"),
        _frame(inputs, "itu_prices_2025_12", "itu_economies"),
    )
    # Only codes the WDI metadata lists as aggregates become groups; any other code in a data
    # file that no reference list knows is reported as unknown.
    listed = _frame(inputs, "wdi_country_metadata", "wdi_aggregates")
    named = [f["aggregates"] for f in inputs.frames.values() if "aggregates" in f]
    wdi_aggs = None
    if named and listed is not None:
        wdi_aggs = pd.concat(named).drop_duplicates("entity_id")
        wdi_aggs = wdi_aggs[wdi_aggs["entity_id"].isin(listed["entity_id"])]
    return entities_mod.build_entities(economies, entities_mod.groups_frame(wdi_aggs))


def assemble_facts(inputs: Inputs) -> dict[str, pd.DataFrame]:
    """Concatenate each fact table across the files and editions that provide it."""
    out: dict[str, pd.DataFrame] = {}
    for table in FACT_TABLES:
        parts = [f[table] for f in inputs.frames.values() if table in f and len(f[table])]
        if parts:
            out[table] = pd.concat(parts, ignore_index=True)
    return out


def validate(
    tables: dict[str, pd.DataFrame], inputs: Inputs
) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Lazily validate every table against its model and every entity_id against entities."""
    report: list[str] = []
    valid: dict[str, pd.DataFrame] = {}
    for name, frame in tables.items():
        try:
            valid[name] = schemas.MODELS[name].validate(frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            report.extend(_schema_report(name, frame, exc.failure_cases))
    known = set(tables["entities"]["entity_id"]) if "entities" in tables else set()
    for name in FACT_TABLES:
        if name in tables:
            report.extend(_unknown_entities(name, tables[name], known))
    return valid, report


def _file_for(source: str, vintage: str) -> str:
    """The raw file behind a (source, vintage) pair, for the report."""
    for raw in RAW_FILES:
        if raw.source == source and raw.vintage == vintage and "metadata" not in raw.key:
            return raw.path
    return f"{source} {vintage}"


def _schema_report(table: str, frame: pd.DataFrame, failures: pd.DataFrame) -> list[str]:
    """One line per failure: table, the file and key of the offending row, column, check, value."""
    lines = []
    key = schemas.unique_key(table)
    for case in failures.head(50).to_dict("records"):
        where = ""
        index = case.get("index")
        if index is not None and not pd.isna(index) and index in frame.index:
            row = frame.loc[index]
            origin = _file_for(row["source"], row["vintage"]) if "source" in frame else ""
            ident = ", ".join(f"{k}={row[k]}" for k in key if k in frame)
            where = f" [{origin}: {ident}]" if origin else f" [{ident}]"
        lines.append(
            f"{table}.parquet: column {case['column']}: failed {case['check']}"
            f" with value {case['failure_case']!r}{where}"
        )
    if len(failures) > 50:
        lines.append(f"{table}.parquet: ... and {len(failures) - 50} more failures")
    return lines


def _unknown_entities(table: str, frame: pd.DataFrame, known: set[str]) -> list[str]:
    """Codes in a fact table that no reference list defines."""
    unknown = frame[~frame["entity_id"].isin(known)]
    lines = []
    for (source, vintage, code), _ in unknown.groupby(["source", "vintage", "entity_id"]):
        lines.append(
            f"{_file_for(source, vintage)}: unknown country or group code {code!r} "
            f"(not in UN M49, WDI metadata or the ITU economy list) in {table}"
        )
    return lines


def table_metadata(name: str, frame: pd.DataFrame, inputs: Inputs, built_at: str) -> dict[str, Any]:
    """Citation, editions, licence, build time and input hashes for one table's Parquet file."""
    by_key = {r.key: r for r in RAW_FILES}
    if "source" in frame.columns and name != "claims":
        pairs = set(zip(frame["source"], frame["vintage"], strict=True))
        used = [r for r in RAW_FILES if r.key in inputs.present and (r.source, r.vintage) in pairs]
    else:
        used = [by_key[k] for k in inputs.present]
    if name == "entities":
        used = [
            by_key[k] for k in inputs.present if by_key[k].source in ("m49", "wdi", "itu_prices")
        ]
    return {
        "table": name,
        "title": (schemas.MODELS[name].__doc__ or "").strip(),
        "citation": "; ".join(dict.fromkeys(r.citation for r in used)),
        "vintages": {r.key: r.vintage for r in used},
        "licence": "; ".join(dict.fromkeys(f"{r.source}: {r.licence}" for r in used)),
        "built_at": built_at,
        "inputs": {r.key: {"path": r.path, "sha256": inputs.sha256[r.key]} for r in used},
        "package_version": indicators.__version__,
    }


def build(
    data: store.DataDir,
    claims_path: Path | None = None,
    progress: Progress = print,
    force: bool = False,
) -> dict[str, Any]:
    """Read, validate and publish. Returns the build record; raises BuildError on problems."""
    claims_path = claims_path or claims_mod.default_claims_path()
    inputs = discover(data)
    stamp = fingerprint(inputs, claims_path)
    previous = store.build_record(data)
    if not force and previous is not None and previous.get("fingerprint") == stamp:
        progress("nothing changed since the last build; data/processed left as it is")
        return previous
    errors = read_inputs(data, inputs, progress)
    tables = {"entities": assemble_entities(inputs), **assemble_facts(inputs)}
    valid, report = validate(tables, inputs)
    report = errors + report
    if report:
        raise BuildError(report)
    progress("checking report claims")
    valid["claims"] = _checked_claims(claims_path, valid)
    built_at = datetime.now(UTC).isoformat(timespec="seconds")
    record = {
        "built_at": built_at,
        "fingerprint": stamp,
        "tables": {n: len(f) for n, f in valid.items()},
        "inputs": {
            k: {"path": str(inputs.present[k].relative_to(data.raw)), "sha256": inputs.sha256[k]}
            for k in inputs.present
        },
    }
    store.publish(
        data,
        {n: (f, table_metadata(n, f, inputs, built_at)) for n, f in valid.items()},
        record,
    )
    progress(f"published {len(valid)} tables to {data.processed}")
    return record


def _checked_claims(claims_path: Path, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Evaluate the claims file and validate the result."""
    try:
        claims = claims_mod.read_claims(claims_path)
    except SourceError as exc:
        raise BuildError([str(exc)]) from exc
    result = claims_mod.evaluate(claims, dict(tables))
    try:
        return schemas.Claims.validate(result, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise BuildError(_schema_report("claims", result, exc.failure_cases)) from exc


def summary(data: store.DataDir) -> list[dict[str, Any]]:
    """One row per published table: rows, sources, vintages, years, entities."""
    rows = []
    for name in store.published_tables(data):
        frame = store.read_parquet(store.table_path(data, name))
        meta = store.read_metadata(store.table_path(data, name))
        row: dict[str, Any] = {"table": name, "rows": len(frame), "built_at": meta.get("built_at")}
        if "source" in frame.columns:
            pairs = (
                frame[["source", "vintage"]].drop_duplicates().sort_values(["source", "vintage"])
            )
            row["sources"] = ", ".join(f"{s} {v}".strip() for s, v in pairs.itertuples(index=False))
        if "year" in frame.columns and frame["year"].notna().any():
            row["years"] = f"{int(frame['year'].min())}-{int(frame['year'].max())}"
        if "entity_id" in frame.columns:
            row["entities"] = frame["entity_id"].nunique()
        if name == "claims":
            row["status"] = json.dumps(frame["status"].value_counts().to_dict())
        rows.append(row)
    return rows

"""Turn ``data/raw`` into validated Parquet tables in ``data/processed``.

Every file under ``data/raw`` is read once into memory and hashed; its format and edition are
read from those bytes (see :mod:`indicators.etl.raw`), and the reader parses the same bytes, so what
is cached and published under a hash is what that hash names. Each edition's frames are cached
by hash, edition and reader code, so a rebuild reprocesses only what changed and a rebuild with
nothing changed does nothing. Reader errors, what each format guarantees (every economy, every
group row), a plausibility check against the previous edition and every schema failure are
collected into one report; if there is any, nothing is published.

No file name, source key or edition appears here: the build iterates the declarations in
:mod:`indicators.etl.sources` and the entity rule in :mod:`indicators.etl.entities`.
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
from indicators import catalogue
from indicators.contract import schemas, store
from indicators.contract.errors import SourceError
from indicators.etl import entities as entities_mod
from indicators.etl import sources, uptodate
from indicators.etl.raw import Identified, RawError, by_sha, data_files, identify, read_manifest
from indicators.etl.sources.formats import Blob, Context, Edition, Frames, SourceFormat, locate
from indicators.etl.sources.formats import retrieval_year as _retrieval_year
from indicators.metrics import claims as claims_mod

Progress = Callable[[str], None]
# Tables the build makes itself; every other model in the contract is a fact table that some
# source format feeds (a model no format feeds stops the build: it would never be published).
BUILT = ("entities", "claims", "editions")


def fact_tables() -> list[str]:
    """The published fact tables: every model of the contract the build does not make itself."""
    return [name for name in schemas.MODELS if name not in BUILT]


def unfed_tables() -> list[str]:
    """Fact tables that no source format declares it feeds, each as a sentence."""
    fed = {t for fmt in sources.FORMATS for t in fmt.tables}
    return [
        f"schema {name!r} ({schemas.MODELS[name].__name__}) is declared in the contract but no "
        "source format feeds it: add it to a format's tables, or remove the model"
        for name in fact_tables()
        if name not in fed
    ]


class BuildError(Exception):
    """The build found problems; ``report`` lists each with its place."""

    def __init__(self, report: list[str]):
        super().__init__(f"{len(report)} problem(s) found; nothing was published")
        self.report = report


@dataclass
class Input:
    """One edition of one source: the bytes read, where they came from, what reading gave."""

    fmt: SourceFormat
    edition: Edition
    blob: Blob
    relative: str
    entry: dict[str, Any]
    frames: Frames = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.fmt.source}@{self.edition.key}"

    @property
    def max_year(self) -> int:
        return _retrieval_year(self.entry.get("retrieved_at")) + 1


@dataclass
class Inputs:
    """Every edition found under ``data/raw``, and the files skipped with the reason."""

    items: list[Input] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    blobs: list[Blob] = field(default_factory=list)

    def of(self, source: str) -> list[Input]:
        """The editions of a source that were read, newest first."""
        found = [i for i in self.items if i.fmt.source == source and i.frames]
        return sorted(found, key=lambda i: i.edition.key, reverse=True)

    def newest(self) -> dict[str, Frames]:
        """Each source's newest edition's frames (what the format checks compare against)."""
        return {s: eds[0].frames for s in {i.fmt.source for i in self.items} if (eds := self.of(s))}


# ---------------------------------------------------------------------------------------------
# discovering the editions


def read_raw(data: store.DataDir) -> list[Blob]:
    """Every data file under ``data/raw``, read once (this is what is hashed and parsed)."""
    if not data.raw.exists():
        return []
    blobs = []
    for path in data_files(data.raw):
        try:
            blobs.append(Blob.read(path))
        except SourceError as exc:
            raise BuildError([str(exc)]) from exc
    return blobs


def discover(data: store.DataDir, blobs: list[Blob]) -> Inputs:
    """Recognise each file: format and edition from its content, the manifest or its hash."""
    try:
        manifest = read_manifest(data)
    except RawError as exc:
        raise BuildError([str(exc)]) from exc
    recorded = by_sha(manifest)
    paths = _recorded_paths(data, manifest)
    inputs = Inputs(blobs=blobs)
    seen: dict[str, Input] = {}
    by_hash: dict[str, str] = {}
    for blob in blobs:
        relative = str(blob.path.relative_to(data.raw))
        if blob.sha256 in by_hash:
            inputs.skipped.append(
                f"{relative}: the same bytes as {by_hash[blob.sha256]}; read once"
            )
            continue
        by_hash[blob.sha256] = relative
        try:
            item = _identified(blob, recorded.get(blob.sha256), paths.get(relative))
        except (RawError, SourceError) as exc:
            inputs.errors.append(str(exc))
            continue
        entry = recorded.get(blob.sha256) or {"path": relative, "url": blob.path.as_uri()}
        found = Input(item.fmt, item.edition, blob, relative, entry)
        if found.key in seen:
            inputs.errors.append(
                f"{relative} and {seen[found.key].relative} are different files that both "
                f"claim to be {found.key}; remove one with `indicators remove {found.key}`"
            )
            continue
        seen[found.key] = found
        inputs.items.append(found)
    return inputs


def _identified(
    blob: Blob, entry: dict[str, Any] | None, before: dict[str, Any] | None
) -> Identified:
    """What ``add`` or ``fetch`` recorded for these bytes, else what the content says.

    A file changed in place since it was recorded (``before``: the manifest's or the last
    build's entry for its path) is read as the format it was, so a damaged file gets the
    reader's precise error; it is never published under its old edition unless the content
    says so.
    """
    fmt = sources.BY_SOURCE.get(str((entry or {}).get("format")))
    if entry is not None and fmt is not None:
        edition = Edition(entry["edition"], entry.get("edition_text") or entry["edition"])
        return Identified(fmt, edition, blob)
    try:
        return identify(blob, entry)
    except RawError:
        was = sources.BY_SOURCE.get(str((before or {}).get("format")))
        if was is None:
            raise
    key = f"{was.source}@{before['edition']}"  # type: ignore[index]
    was.read(blob, Context(Edition(before["edition"], ""), 9999))  # type: ignore[index]
    raise RawError(
        f"{blob.path}: changed since it was read as {key}, and its edition cannot be read "
        f"from it; add it again with `indicators add PATH --edition YYYY-MM`"
    )


def _recorded_paths(data: store.DataDir, manifest: dict[str, Any]) -> dict[str, Any]:
    """Path -> format and edition, from the last build and the manifest (which wins)."""
    out: dict[str, Any] = {}
    previous = store.build_record(data) or {}
    for key, entry in (previous.get("inputs") or {}).items():
        source, _, edition = key.partition("@")
        out[entry["path"]] = {"format": source, "edition": edition}
    for entry in manifest.values():
        out[entry["path"]] = entry
    return out


def fingerprint(data: store.DataDir, inputs: Inputs, claims_path: list[Path]) -> dict[str, str]:
    """Everything a build depends on: the bytes read by path, the manifest, claims and code."""
    hashes = {str(b.path.relative_to(data.raw)): b.sha256 for b in inputs.blobs}
    return uptodate.stamp(data.raw, hashes, claims_path)


# ---------------------------------------------------------------------------------------------
# reading


def _cache_dir(data: store.DataDir, item: Input, depends: str, code: str) -> Path:
    tag = hashlib.sha256(f"{item.key}|{item.max_year}|{depends}".encode()).hexdigest()[:12]
    return data.cache / f"{item.fmt.source}-{item.blob.sha256[:16]}-{tag}-{code}"


def _load_cached(folder: Path) -> Frames | None:
    if not (folder / "_complete").exists():
        return None
    return {p.stem: pd.read_parquet(p) for p in folder.glob("*.parquet")}


def _save_cache(folder: Path, frames: Frames) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)
    (folder / "_complete").touch()


def _names(inputs: Inputs) -> dict[str, str]:
    """Normalised economy names from every reference edition read so far; newest wins."""
    names: dict[str, str] = {}
    for item in sorted(inputs.items, key=lambda i: i.edition.key):
        for frame in item.frames.values():
            if item.fmt.reference and {"name", "entity_id"} <= set(frame.columns):
                names.update(entities_mod.name_index(frame))
    return names


def _depends(inputs: Inputs, fmt: SourceFormat) -> str:
    """The hashes of what a reader reads after (names change what it matches)."""
    return ",".join(sorted(i.blob.sha256 for i in inputs.items if i.fmt.source in fmt.after))


def read_inputs(data: store.DataDir, inputs: Inputs, progress: Progress) -> list[str]:
    """Read every edition (from cache when unchanged), in declared order; return the errors."""
    errors: list[str] = []
    code = uptodate.code_fingerprint()
    order = sources.reading_order({i.fmt.source for i in inputs.items})
    items = sorted(inputs.items, key=lambda i: (order.index(i.fmt.source), i.edition.key))
    for n, item in enumerate(items, 1):
        where = f"[{n}/{len(items)}] {item.relative} ({item.key})"
        folder = _cache_dir(data, item, _depends(inputs, item.fmt), code)
        cached = _load_cached(folder)
        if cached is not None:
            item.frames = cached
            progress(f"{where}: unchanged, cached")
            continue
        started = time.perf_counter()
        context = Context(item.edition, item.max_year, _names(inputs) if item.fmt.after else {})
        try:
            frames = item.fmt.read(item.blob, context)
        except SourceError as exc:
            errors.append(str(exc))
            progress(f"{where}: FAILED")
            continue
        _save_cache(folder, frames)
        item.frames = frames
        rows = sum(len(f) for f in frames.values())
        progress(f"{where}: {rows} rows in {time.perf_counter() - started:.2f} s")
    return errors


# ---------------------------------------------------------------------------------------------
# what each format guarantees


def check_inputs(inputs: Inputs) -> list[str]:
    """Each format's own completeness check, years, and coverage against the previous edition."""
    report: list[str] = []
    references = inputs.newest()
    for item in inputs.items:
        if not item.frames:
            continue
        report.extend(item.fmt.check(item.frames, references, item.blob))
        report.extend(_check_first_year(item))
    for source in {i.fmt.source for i in inputs.items}:
        editions = inputs.of(source)
        for newer, older in zip(editions, editions[1:], strict=False):
            report.extend(_check_coverage(newer, older))
    return report


def _check_first_year(item: Input) -> list[str]:
    lines = []
    for name, frame in item.frames.items():
        if "year" in frame.columns and len(frame) and frame["year"].min() < item.fmt.first_year:
            early = frame.sort_values("year").iloc[0]
            lines.append(
                f"{item.relative}: year {int(early['year'])} for {early.get('entity_id', '?')} "
                f"is before {item.fmt.first_year}, the first year of {item.fmt.title} ({name})"
            )
    return lines


def _entities_of(item: Input) -> set[str]:
    """The codes an edition covers, over the first table its format declares."""
    frame = item.frames.get(item.fmt.tables[0])
    return set() if frame is None or "entity_id" not in frame else set(frame["entity_id"])


def _check_coverage(newer: Input, older: Input) -> list[str]:
    """An edition covering far fewer economies than the one before it was cut short."""
    new, old = _entities_of(newer), _entities_of(older)
    if not old or len(new) >= (1 - newer.fmt.max_coverage_drop) * len(old):
        return []
    missing = sorted(old - new)
    shown = ", ".join(missing[:12]) + (" ..." if len(missing) > 12 else "")
    return [
        f"{newer.relative}: {newer.key} covers {len(new)} codes against {len(old)} in "
        f"{older.key}, a fall of more than {newer.fmt.max_coverage_drop:.0%}; missing: {shown}"
    ]


# ---------------------------------------------------------------------------------------------
# assembling and validating


def assemble_entities(inputs: Inputs) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """The entities table by the declared rule, and which edition each column came from."""
    editions = {
        source: [(i.key, i.frames) for i in inputs.of(source)]
        for source in {i.fmt.source for i in inputs.items if i.fmt.reference}
    }
    aggregates = [f for i in inputs.items for n, f in i.frames.items() if n == "aggregates"]
    return entities_mod.assemble(editions, aggregates)


def assemble_facts(inputs: Inputs) -> dict[str, pd.DataFrame]:
    """Concatenate each fact table across the editions that provide it."""
    out: dict[str, pd.DataFrame] = {}
    for table in fact_tables():
        parts = [i.frames[table] for i in inputs.items if len(i.frames.get(table, []))]
        if parts:
            frame = pd.concat(parts, ignore_index=True)
            out[table] = frame.sort_values(schemas.unique_key(table), ignore_index=True)
    return out


def validate(
    tables: dict[str, pd.DataFrame], inputs: Inputs
) -> tuple[dict[str, pd.DataFrame], list[str]]:
    """Lazily validate every table against its model and every entity_id against entities."""
    report: list[str] = []
    valid: dict[str, pd.DataFrame] = {}
    files = {i.key: i.relative for i in inputs.items}
    for name, frame in tables.items():
        try:
            valid[name] = schemas.MODELS[name].validate(frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            report.extend(_schema_report(name, frame, exc.failure_cases, files))
    known = set(tables["entities"]["entity_id"]) if "entities" in tables else set()
    for name in fact_tables():
        if name in tables:
            report.extend(_unknown_entities(name, tables[name], known, inputs))
    return valid, report


def _origin(row: pd.Series, files: dict[str, str]) -> str:
    key = f"{row['source']}@{row['vintage']}"
    return files.get(key, key)


def _schema_report(
    table: str, frame: pd.DataFrame, failures: pd.DataFrame, files: dict[str, str]
) -> list[str]:
    """One line per failure: table, the file and key of the offending row, column, check, value."""
    lines = []
    key = schemas.unique_key(table)
    for case in failures.head(50).to_dict("records"):
        where = ""
        index = case.get("index")
        if index is not None and not pd.isna(index) and index in frame.index:
            row = frame.loc[index]
            origin = _origin(row, files) if {"source", "vintage"} <= set(frame.columns) else ""
            ident = ", ".join(f"{k}={row[k]}" for k in key if k in frame)
            where = f" [{origin}: {ident}]" if origin else f" [{ident}]"
        lines.append(
            f"{table}.parquet: column {case['column']}: failed {case['check']}"
            f" with value {case['failure_case']!r}{where}"
        )
    if len(failures) > 50:
        lines.append(f"{table}.parquet: ... and {len(failures) - 50} more failures")
    return lines


def _unknown_entities(
    table: str, frame: pd.DataFrame, known: set[str], inputs: Inputs
) -> list[str]:
    """Codes in a fact table that no reference list defines, with the place of the first."""
    unknown = frame[~frame["entity_id"].isin(known)]
    by_key = {i.key: i for i in inputs.items}
    lines = []
    for (source, vintage, code), _ in unknown.groupby(["source", "vintage", "entity_id"]):
        item = by_key.get(f"{source}@{vintage}")
        place = locate(item.blob, str(code)) if item else ""
        file = item.relative if item else f"{source}@{vintage}"
        lines.append(
            f"{file}{', ' + place if place else ''}: unknown country or group code {code!r} "
            f"in {table} (not in UN M49, WDI metadata or the ITU economy list)"
        )
    return lines


# ---------------------------------------------------------------------------------------------
# provenance


def editions_table(inputs: Inputs, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per edition read: file, hash, where from, citation, what it contributes."""
    rows = []
    for item in sorted(inputs.items, key=lambda i: (i.fmt.source, i.edition.key)):
        if not item.frames:
            continue
        published = [
            t
            for t in item.fmt.tables
            if t in tables and "source" in tables[t] and _rows_of(tables[t], item).any()
        ]
        years = pd.concat(
            [tables[t].loc[_rows_of(tables[t], item), "year"] for t in published] or [pd.Series()]
        )
        rows.append(
            {
                "source": item.fmt.source,
                "edition": item.edition.key,
                "title": item.fmt.edition_title(item.edition),
                "citation": item.fmt.cite(item.edition),
                "licence": item.fmt.licence,
                "path": item.relative,
                "sha256": item.blob.sha256,
                "bytes": len(item.blob.data),
                "url": str(item.entry.get("url") or ""),
                "retrieved_at": str(item.entry.get("retrieved_at") or ""),
                "tables": ",".join(published or [t for t in item.fmt.tables if t in item.frames]),
                "rows": int(sum(_rows_of(tables[t], item).sum() for t in published))
                or int(sum(len(f) for f in item.frames.values())),
                "first_year": int(years.min()) if len(years) else None,
                "last_year": int(years.max()) if len(years) else None,
            }
        )
    frame = pd.DataFrame(rows, columns=schemas.columns("editions"))
    return frame.astype({"first_year": "Int64", "last_year": "Int64"})


def _rows_of(frame: pd.DataFrame, item: Input) -> pd.Series:
    return (frame["source"] == item.fmt.source) & (frame["vintage"] == item.edition.key)


def _provenance(item: Input) -> dict[str, Any]:
    return {
        "title": item.fmt.edition_title(item.edition),
        "citation": item.fmt.cite(item.edition),
        "licence": item.fmt.licence,
        "path": item.relative,
        "sha256": item.blob.sha256,
        "retrieved_at": item.entry.get("retrieved_at"),
        "url": item.entry.get("url"),
    }


def table_metadata(
    name: str,
    frame: pd.DataFrame,
    inputs: Inputs,
    built_at: str,
    derived: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """Citation, editions, licence, build time and input hashes for one table's Parquet file."""
    if name == "entities":
        keys = {k for used in (derived or {}).values() for k in used}
        used = [i for i in inputs.items if i.key in keys]
    elif "source" in frame.columns and "vintage" in frame.columns:
        pairs = set(zip(frame["source"], frame["vintage"], strict=True))
        used = [i for i in inputs.items if (i.fmt.source, i.edition.key) in pairs]
    else:
        used = [i for i in inputs.items if i.frames]
    used = sorted(used, key=lambda i: i.key)
    meta: dict[str, Any] = {
        "table": name,
        "title": (schemas.MODELS[name].__doc__ or "").strip(),
        "citation": "; ".join(dict.fromkeys(i.fmt.cite(i.edition) for i in used)),
        "vintages": {i.key: i.edition.key for i in used},
        "editions": {i.key: _provenance(i) for i in used},
        "licence": "; ".join(
            dict.fromkeys(f"{i.fmt.source}: {i.fmt.licence.rstrip('.')}" for i in used)
        ),
        "built_at": built_at,
        "inputs": {i.key: {"path": i.relative, "sha256": i.blob.sha256} for i in used},
        "package_version": indicators.__version__,
    }
    if derived is not None:
        meta["derived_from"] = derived
    return meta


# ---------------------------------------------------------------------------------------------
# the build


def build(
    data: store.DataDir,
    claims_path: Path | None = None,
    progress: Progress = print,
    force: bool = False,
) -> dict[str, Any]:
    """Read, validate and publish. Returns the build record; raises BuildError on problems."""
    claim_files = uptodate.claim_files(claims_path, data.root)
    inputs = discover(data, read_raw(data))
    if inputs.errors:
        raise BuildError(inputs.errors)
    unfed = unfed_tables()
    if unfed:
        raise BuildError(unfed)
    stamp = fingerprint(data, inputs, claim_files)
    previous = store.build_record(data)
    if not force and previous is not None and previous.get("raw_stamp") == stamp:
        progress("nothing changed since the last build; data/processed left as it is")
        return previous
    for line in inputs.skipped:
        progress(f"skipped {line}")
    report = read_inputs(data, inputs, progress)
    report += check_inputs(inputs)
    entities, derived = assemble_entities(inputs)
    tables = {"entities": entities, **assemble_facts(inputs)}
    valid, schema_report = validate(tables, inputs)
    report += schema_report
    if report:
        raise BuildError(report)
    progress("checking report claims")
    valid["claims"] = _checked_claims(claim_files, valid)
    valid["editions"] = _checked_editions(inputs, valid)
    built_at = datetime.now(UTC).isoformat(timespec="seconds")
    record = {
        "built_at": built_at,
        "raw_stamp": stamp,
        "tables": {n: len(f) for n, f in valid.items()},
        "inputs": {i.key: {"path": i.relative, "sha256": i.blob.sha256} for i in inputs.items},
        "skipped": inputs.skipped,
    }
    store.publish(
        data,
        {
            n: (f, table_metadata(n, f, inputs, built_at, derived if n == "entities" else None))
            for n, f in valid.items()
        },
        record,
    )
    progress(f"published {len(valid)} tables to {data.processed}")
    return record


def _checked_editions(inputs: Inputs, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    frame = editions_table(inputs, tables)
    try:
        return schemas.Editions.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise BuildError(_schema_report("editions", frame, exc.failure_cases, {})) from exc


def _checked_claims(files: list[Path], tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Evaluate the report files' claims and validate the result."""
    try:
        claims = claims_mod.read_claims(files, catalogue.claim_metrics())
    except SourceError as exc:
        raise BuildError([str(exc)]) from exc
    result = claims_mod.evaluate(claims, dict(tables), catalogue.claim_metrics())
    try:
        return schemas.Claims.validate(result, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise BuildError(_schema_report("claims", result, exc.failure_cases, {})) from exc


def summary(data: store.DataDir) -> list[dict[str, Any]]:
    """One row per published table: rows, sources, vintages, years, entities."""
    rows = []
    for name in store.published_tables(data):
        frame = store.read_parquet(store.table_path(data, name))
        meta = store.read_metadata(store.table_path(data, name))
        row: dict[str, Any] = {"table": name, "rows": len(frame), "built_at": meta.get("built_at")}
        if "source" in frame.columns and "vintage" in frame.columns:
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


def edition_rows(data: store.DataDir) -> list[dict[str, Any]]:
    """Every published edition of every source, for ``indicators info``."""
    path = store.table_path(data, "editions")
    if not path.exists():
        return []
    return [
        {str(k): v for k, v in row.items()} for row in store.read_parquet(path).to_dict("records")
    ]

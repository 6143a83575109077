"""Report figure packs: every figure of a report, regenerated from one spec file.

A spec (YAML or TOML) lists figures by id with the chart and its parameters. ``export_pack``
checks every entry first, renders all the figures through one persistent Chromium (kaleido's
sync server), writes PNG, SVG, PDF, the CSV of exactly the plotted data and a Markdown caption
with alt text per figure, plus ``manifest.json``, into a temporary folder, and moves it into
place only when the whole pack is complete.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
import tomllib
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from indicators import catalogue, figures
from indicators.catalogue import queries
from indicators.catalogue.errors import NoData, ParamError
from indicators.contract.store import Tables
from indicators.etl import sources
from indicators.figures import Chart
from indicators.outputs import documents, export, render

# Width x height in CSS pixels; PNGs are written at 3x (a 600 px column becomes 1800 px).
SIZES: dict[str, tuple[int, int]] = {
    "column": (600, 420),
    "page": (1000, 620),
    "slide": (1600, 900),
}
PNG_SCALE = 3
# The plot without its baked caption, for Word and PowerPoint (which carry it as text).
DOC_PNG_SCALE = 2
FORMATS = ("png", "svg", "pdf", "csv", "docx", "pptx")
DEFAULT_FORMATS = ("png", "svg", "pdf", "csv")
DOCUMENTS = ("docx", "pptx")
ENTRY_FIELDS = {"id", "chart", "params", "size", "title"}


CUSTOM_SIZE = re.compile(r"(\d{2,4})x(\d{2,4})")
CUSTOM_RANGE = (200, 4000)  # px, each side


def dimensions(size: str) -> tuple[int, int]:
    """Width and height in CSS px of a preset ('page') or a custom size ('1200x700')."""
    if size in SIZES:
        return SIZES[size]
    match = CUSTOM_SIZE.fullmatch(str(size))
    if match:
        width, height = int(match[1]), int(match[2])
        if all(CUSTOM_RANGE[0] <= v <= CUSTOM_RANGE[1] for v in (width, height)):
            return width, height
    raise ValueError(
        f"{size!r} is not one of {list(SIZES)} nor WIDTHxHEIGHT in px "
        f"({CUSTOM_RANGE[0]}-{CUSTOM_RANGE[1]} each)"
    )


def _size_error(size: Any) -> str | None:
    try:
        dimensions(size)
    except ValueError as exc:
        return str(exc)
    return None


class SpecError(Exception):
    """A problem with the spec or its output folder, naming the entry and the field."""


@dataclass(frozen=True)
class Entry:
    """One figure of a pack."""

    id: str
    chart: str
    params: dict[str, Any]
    size: str | None
    index: int


@dataclass
class PackSpec:
    """A parsed spec file."""

    path: Path
    title: str
    size: str
    formats: tuple[str, ...]
    entries: list[Entry] = field(default_factory=list)


def _parse(path: Path) -> dict[str, Any]:
    """Read a YAML or TOML spec into a mapping."""
    if not path.exists():
        raise SpecError(f"{path}: no such spec file")
    text = path.read_text(encoding="utf-8")
    try:
        loaded = tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text)
    except (yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
        raise SpecError(f"{path}: not valid {path.suffix.lstrip('.').upper()}: {exc}") from exc
    if not isinstance(loaded, dict) or not isinstance(loaded.get("figures"), list):
        raise SpecError(f"{path}: expected a mapping with a 'figures' list")
    return loaded


def _where(path: Path, index: int, entry_id: str | None) -> str:
    return f"{path}: figures[{index}]" + (f" (id {entry_id!r})" if entry_id else "")


def _entry(path: Path, index: int, raw: Any) -> Entry:
    """Check one figure entry's fields."""
    if not isinstance(raw, dict):
        raise SpecError(f"{_where(path, index, None)}: expected a mapping, found {raw!r}")
    where = _where(path, index, raw.get("id"))
    unknown = set(raw) - ENTRY_FIELDS
    if unknown:
        raise SpecError(
            f"{where}: unknown field(s) {sorted(unknown)}; expected {sorted(ENTRY_FIELDS)}"
        )
    for required in ("id", "chart"):
        if not isinstance(raw.get(required), str) or not raw[required]:
            raise SpecError(f"{where}: field '{required}' is required (a string)")
    if not all(c.isalnum() or c in "-_" for c in raw["id"]):
        raise SpecError(f"{where}: field 'id' may hold only letters, digits, '-' and '_'")
    size = raw.get("size")
    if size is not None and _size_error(size):
        raise SpecError(f"{where}: field 'size': {_size_error(size)}")
    params = raw.get("params") or {}
    if not isinstance(params, dict):
        raise SpecError(f"{where}: field 'params' must be a mapping")
    return Entry(raw["id"], raw["chart"], dict(params), size, index)


def load_spec(path: Path) -> PackSpec:
    """Parse and check a spec file's structure (chart ids and parameters are checked later)."""
    path = Path(path)
    raw = _parse(path)
    size = raw.get("size", "page")
    if _size_error(size):
        raise SpecError(f"{path}: field 'size': {_size_error(size)}")
    formats = tuple(raw.get("formats", DEFAULT_FORMATS))
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise SpecError(f"{path}: field 'formats': {bad} not among {list(FORMATS)}")
    entries = [_entry(path, i, e) for i, e in enumerate(raw["figures"])]
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise SpecError(f"{_where(path, entry.index, entry.id)}: field 'id': duplicate id")
        seen.add(entry.id)
    return PackSpec(path, str(raw.get("title", path.stem)), size, formats, entries)


def render_entries(spec: PackSpec, tables: Tables) -> list[tuple[Entry, Chart]]:
    """Render every entry strictly, so a bad id, parameter or empty selection fails up front."""
    out = []
    for entry in spec.entries:
        where = _where(spec.path, entry.index, entry.id)
        if entry.chart not in catalogue.load().charts:
            raise SpecError(
                f"{where}: field 'chart': unknown chart id {entry.chart!r}; "
                "`indicators export --list` shows the available ones"
            )
        try:
            chart = catalogue.render(entry.chart, tables, entry.params, strict=True)
        except ParamError as exc:
            raise SpecError(f"{where}: field 'params': {exc}") from exc
        except NoData as exc:
            raise SpecError(f"{where}: no data: {exc}") from exc
        out.append((entry, chart))
    return out


def _check_writable(out: Path) -> None:
    """The output folder's parent must exist and be writable; the folder itself too if present."""
    parent = out.resolve().parent
    if not parent.is_dir():
        raise SpecError(f"{out}: output folder's parent {parent} does not exist")
    try:  # a real write: permission bits alone say nothing about read-only mounts or root
        tempfile.TemporaryFile(dir=parent).close()
    except OSError as exc:
        raise SpecError(f"{out}: output folder is not writable ({exc.strerror})") from exc
    if out.exists() and not os.access(out, os.W_OK):
        raise SpecError(f"{out}: output folder is not writable")
    if out.exists() and not out.is_dir():
        raise SpecError(f"{out}: exists and is not a folder")


def alt_text(chart: Chart) -> str:
    """What the chart shows, its finding and its source (screen readers, Word, PowerPoint)."""
    return export.alt_text(chart)


def caption_markdown(entry: Entry, chart: Chart, files: list[str]) -> str:
    """The Markdown caption written beside each figure."""
    cap = chart.caption
    finding = chart.finding
    lines = [f"### {cap.title}", "", f"*{cap.subtitle}*", ""]
    lines += [finding, ""] if finding else []
    lines += [f"Source: {cap.source}"]
    lines += ["", *[f"Note: {n}" for n in cap.notes]] if cap.notes else []
    lines += ["", f"Alt text: {alt_text(chart)}", ""]
    if "png" in files:
        lines += [f"![{alt_text(chart)}]({entry.id}.png)", ""]
    return "\n".join(lines)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _size_of(spec: PackSpec, entry: Entry, size: str | None) -> str:
    return size or entry.size or spec.size


def _jobs(
    rendered: list[tuple[Entry, Chart]], formats: tuple[str, ...], sizes: list[str]
) -> Iterator[list[render.Job]]:
    """Every image of the pack, figure by figure: its image formats from one layout, plus the
    bare plot that the Word and PowerPoint files share (one rendering for both)."""
    for (_, chart), size in zip(rendered, sizes, strict=True):
        width, height = dimensions(size)
        jobs = export.image_jobs(chart, formats, width, height, PNG_SCALE)
        if any(f in formats for f in DOCUMENTS):
            bare = figures.bare(chart.figure, width, height)
            jobs.append(render.Job(render.figure_dict(bare), "png", width, height, DOC_PNG_SCALE))
        yield jobs


def _kept(
    jobs: Iterator[list[render.Job]], into: list[list[render.Job]]
) -> Iterator[list[render.Job]]:
    """Pass the groups through, keeping each (the renderer consumes them as they come)."""
    for group in jobs:
        into.append(group)
        yield group


def _write_figure(
    folder: Path,
    entry: Entry,
    chart: Chart,
    formats: tuple[str, ...],
    size: str,
    images: dict[str, bytes],
) -> dict[str, Any]:
    """Write one figure's files from its rendered images; return its manifest record."""
    width, height = dimensions(size)
    files: dict[str, dict[str, Any]] = {}
    written = [f for f in formats if f not in DOCUMENTS]
    for fmt in written:
        path = folder / f"{entry.id}.{fmt}"
        if fmt == "csv":
            path.write_bytes(export.csv_text(chart).encode("utf-8"))
        else:
            path.write_bytes(export.finish(images[fmt], fmt, chart))
    md = folder / f"{entry.id}.md"
    md.write_text(caption_markdown(entry, chart, list(formats)), encoding="utf-8")
    for path in [*(folder / f"{entry.id}.{f}" for f in written), md]:
        files[path.suffix.lstrip(".")] = {
            "path": path.name,
            "sha256": _sha(path),
            "bytes": path.stat().st_size,
        }
    edition = chart.meta.get("edition", "")
    return {
        "id": entry.id,
        "chart": entry.chart,
        "params": chart.meta.get("params", entry.params),
        "size": size,
        "width": width,
        "height": height,
        "png_scale": PNG_SCALE,
        "files": files,
        "title": chart.caption.title,
        "subtitle": chart.caption.subtitle,
        "finding": chart.finding,
        "alt_text": alt_text(chart),
        "citation": chart.caption.source,
        "sources": sorted({queries.split_edition(e)[0] for e in edition.split(",") if e}),
        "vintages": sorted({queries.split_edition(e)[1] for e in edition.split(",") if e}),
        "editions": [e for e in edition.split(",") if e],
        "notes": list(chart.caption.notes),
    }


def _licence(tables: Tables, key: str) -> str:
    source, vintage = queries.split_edition(key)
    editions = tables.get("editions")
    if editions is not None and "licence" in editions.columns:
        row = editions[(editions["source"] == source) & (editions["edition"] == vintage)]
        if len(row):
            return str(row["licence"].iloc[0])
    fmt = sources.BY_SOURCE.get(source)
    return fmt.licence if fmt else ""


def source_rows(tables: Tables, records: list[dict[str, Any]]) -> list[documents.SourceRow]:
    """The editions the figures draw on, with citation, licence and the figures using each."""
    used: dict[str, list[int]] = {}
    for number, record in enumerate(records, 1):
        for key in record["editions"]:
            used.setdefault(key, []).append(number)
    return [
        documents.SourceRow(
            queries.edition_label(key),
            queries.source_line(tables, key),
            _licence(tables, key),
            tuple(numbers),
        )
        for key, numbers in sorted(used.items())
    ]


def _day(timestamp: str | None) -> str | None:
    """'2026-11-23T10:55:06+00:00' -> '23 November 2026' (as a document states a date)."""
    if not timestamp:
        return None
    try:
        return datetime.fromisoformat(timestamp).strftime("%d %B %Y")
    except ValueError:
        return timestamp


def _documents(
    folder: Path,
    spec: PackSpec,
    tables: Tables,
    formats: tuple[str, ...],
    rendered: list[tuple[Entry, Chart]],
    records: list[dict[str, Any]],
    bare_pngs: list[bytes],
    data_built_at: str | None,
) -> dict[str, dict[str, Any]]:
    """Write the pack's Word document and PowerPoint deck; return their manifest records."""
    figs = [
        documents.FigureDoc(
            number=i,
            id=entry.id,
            title=chart.caption.title,
            subtitle=chart.caption.subtitle,
            finding=record["finding"],
            source=chart.caption.source,
            notes=tuple(chart.caption.notes),
            alt_text=record["alt_text"],
            png=png,
            width_px=record["width"],
            height_px=record["height"],
            size=record["size"],
        )
        for i, ((entry, chart), record, png) in enumerate(
            zip(rendered, records, bare_pngs, strict=True), 1
        )
    ]
    keywords = sorted({k for r in records for k in [*r["sources"], *r["editions"]]})
    doc = documents.PackDoc(
        spec.title,
        figs,
        source_rows(tables, records),
        datetime.now(UTC).strftime("%d %B %Y"),
        _day(data_built_at),
        keywords,
    )
    out: dict[str, dict[str, Any]] = {}
    for fmt, make in (("docx", documents.word), ("pptx", documents.slides)):
        if fmt in formats:
            path = folder / f"{spec.path.stem}.{fmt}"
            path.write_bytes(make(doc))
            out[fmt] = {"path": path.name, "sha256": _sha(path), "bytes": path.stat().st_size}
    return out


def _move_into_place(staging: Path, out: Path) -> None:
    """Swap the finished pack in: the old one is kept until the new one is in place."""
    backup = None
    if out.exists():
        backup = out.with_name(f".{out.name}.old-{time.time_ns()}")
        out.rename(backup)
    staging.rename(out)
    if backup is not None:
        shutil.rmtree(backup, ignore_errors=True)


def export_pack(
    spec: PackSpec,
    tables: Tables,
    out: Path,
    formats: tuple[str, ...] | None = None,
    size: str | None = None,
    make_zip: bool = False,
    data_built_at: str | None = None,
    progress: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Write the whole pack to ``out``, or nothing at all."""
    out = Path(out)
    formats = formats or spec.formats
    if size is not None and _size_error(size):
        raise SpecError(f"--size {_size_error(size)}")
    _check_writable(out)
    render.warm_up()  # Chromium starts while the charts are built
    rendered = render_entries(spec, tables)
    sizes = [_size_of(spec, entry, size) for entry, _ in rendered]
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.resolve().parent))
    try:
        started = time.perf_counter()
        # Figures are laid out while Chromium renders the previous ones, as many at once as
        # it has tabs.
        groups: list[list[render.Job]] = []
        results = render.renderer().render_stream(_kept(_jobs(rendered, formats, sizes), groups))
        count = sum(len(g) for g in results)
        progress(f"rendered {count} images in {time.perf_counter() - started:.2f} s")
        records, bare_pngs = [], []
        for i, ((entry, chart), group, images, chosen) in enumerate(
            zip(rendered, groups, results, sizes, strict=True), 1
        ):
            by_format = {job.fmt: raw for job, raw in zip(group, images, strict=True)}
            if any(f in formats for f in DOCUMENTS):
                bare_pngs.append(images[-1])
                if "png" in formats:  # the last job is the bare plot, the png one came first
                    by_format["png"] = images[[j.fmt for j in group].index("png")]
            records.append(_write_figure(staging, entry, chart, formats, chosen, by_format))
            progress(
                f"[{i}/{len(rendered)}] {entry.id} ({entry.chart}, {chosen}): {', '.join(formats)}"
            )
        document_files = {}
        if any(f in formats for f in DOCUMENTS):
            document_files = _documents(
                staging, spec, tables, formats, rendered, records, bare_pngs, data_built_at
            )
        manifest = {
            "title": spec.title,
            "spec": str(spec.path),
            "spec_sha256": _sha(spec.path),
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "data_built_at": data_built_at,
            "formats": list(formats),
            "documents": document_files,
            "figures": records,
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        if make_zip:
            _zip(staging, f"{spec.path.stem}.zip")
        _move_into_place(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def _zip(folder: Path, name: str) -> None:
    """One zip of every file in the pack, inside the pack."""
    files = sorted(p for p in folder.iterdir() if p.is_file())
    with zipfile.ZipFile(folder / name, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, path.name)


def describe_catalogue(tables: Tables) -> str:
    """`indicators export --list`: every chart id with its parameters and their choices."""
    lines = []
    for spec in catalogue.load().charts.values():
        lines.append(f"{spec.id}: {spec.title}")
        lines.append(f"    {spec.description}")
        for param in spec.params:
            options = param.options(tables)
            shown = ", ".join(map(str, options[:12])) + (" ..." if len(options) > 12 else "")
            default = param.default_for(tables)
            lines.append(
                f"    - {param.name} ({param.kind}, default {default!r})"
                + (f": {shown}" if shown else "")
            )
    lines.append(
        f"sizes: {', '.join(f'{k} {w}x{h}' for k, (w, h) in SIZES.items())} or any WIDTHxHEIGHT "
        f"(PNG at {PNG_SCALE}x)"
    )
    return "\n".join(lines)

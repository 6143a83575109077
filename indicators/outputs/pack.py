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
import re
import time
import tomllib
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from indicators import catalogue
from indicators.catalogue import queries
from indicators.catalogue.errors import NoData, ParamError
from indicators.contract.store import Tables
from indicators.figures import Chart, layout
from indicators.outputs import annex, deck, documents, export, folder, office, render, worddoc

# Width x height in CSS pixels; PNGs are written at 3x (a 600 px column becomes 1800 px).
SIZES: dict[str, tuple[int, int]] = {
    "column": (600, 420),
    "page": (1000, 620),
    "slide": (1600, 900),
}
PNG_SCALE = 3
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
    author: str = ""  # the documents' author (Word and PowerPoint properties)
    claims: str = ""  # a report's symbol: its claims checked, as an annex


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
    for name in ("author", "claims"):
        if not isinstance(raw.get(name, ""), str):
            raise SpecError(f"{path}: field '{name}' must be a string")
    return PackSpec(
        path,
        str(raw.get("title", path.stem)),
        size,
        formats,
        entries,
        author=str(raw.get("author", "")),
        claims=str(raw.get("claims", "")),
    )


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


Tagged = list[tuple[str, render.Job]]  # each job with what it is for: a format, 'word', 'slide'


def _jobs(
    rendered: list[tuple[Entry, Chart]],
    formats: tuple[str, ...],
    sizes: list[str],
    figs: list[documents.FigureDoc],
    geometry: office.Geometry | None,
) -> Iterator[Tagged]:
    """Every image of the pack, figure by figure: its image formats from one layout, plus the
    pictures the Word document and the deck draw at their own printed sizes."""
    for (_, chart), size, fig in zip(rendered, sizes, figs, strict=True):
        width, height = dimensions(size)
        tagged = [(j.fmt, j) for j in export.image_jobs(chart, formats, width, height, PNG_SCALE)]
        if geometry is not None and "docx" in formats:
            tagged.append(("word", office.word_job(chart, fig, geometry)))
        if geometry is not None and "pptx" in formats:
            tagged.append(("slide", office.slide_job(chart, fig, geometry)))
        yield tagged


def _kept(jobs: Iterator[Tagged], into: list[Tagged]) -> Iterator[list[render.Job]]:
    """Pass the jobs through, keeping each group with its tags (the renderer consumes them as
    they come)."""
    for group in jobs:
        into.append(group)
        yield [job for _, job in group]


def _write_figure(
    tables: Tables,
    folder: Path,
    entry: Entry,
    chart: Chart,
    formats: tuple[str, ...],
    size: str,
    images: dict[str, bytes],
    drawn: tuple[int, int],
) -> dict[str, Any]:
    """Write one figure's files from its rendered images (drawn at ``drawn`` px); return its
    manifest record."""
    width, height = drawn
    files: dict[str, dict[str, Any]] = {}
    written = [f for f in formats if f not in DOCUMENTS]
    for fmt in written:
        path = folder / f"{entry.id}.{fmt}"
        if fmt == "csv":
            path.write_bytes(export.csv_text(chart, tables).encode("utf-8"))
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
    editions = office.chart_editions(chart)
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
        "sources": sorted({queries.split_edition(e)[0] for e in editions}),
        "vintages": sorted({queries.split_edition(e)[1] for e in editions}),
        "editions": editions,
        "notes": list(chart.caption.notes),
    }


def source_rows(tables: Tables, records: list[dict[str, Any]]) -> list[documents.SourceRow]:
    """The editions the figures draw on, with citation, licence and the figures using each."""
    return office.source_rows(tables, [r["editions"] for r in records])


def _documents(
    folder: Path,
    job: _Pack,
    figs: list[documents.FigureDoc],
    records: list[dict[str, Any]],
    the_annex: documents.Annex | None,
) -> dict[str, dict[str, Any]]:
    """Write the pack's Word document and PowerPoint deck; return their manifest records."""
    used = [r["editions"] for r in records]
    doc = documents.PackDoc(
        job.spec.title,
        figs,
        office.source_rows(job.tables, used),
        office.date_text(),
        office.day(job.data_built_at),
        office.keywords(used),
        author=job.spec.author,
        annex=the_annex,
    )
    out: dict[str, dict[str, Any]] = {}
    for fmt, make in (("docx", worddoc.document), ("pptx", deck.presentation)):
        if fmt in job.formats:
            path = folder / f"{job.spec.path.stem}.{fmt}"
            path.write_bytes(make(doc, job.options))
            out[fmt] = {"path": path.name, "sha256": _sha(path), "bytes": path.stat().st_size}
    return out


def planned_files(
    spec: PackSpec, formats: tuple[str, ...], make_zip: bool = False, report: str = ""
) -> list[str]:
    """Every file the pack will write (the names its manifest will list), before rendering."""
    names = []
    for entry in spec.entries:
        names += [f"{entry.id}.{f}" for f in formats if f not in DOCUMENTS]
        names.append(f"{entry.id}.md")
    names += [f"{spec.path.stem}.{f}" for f in DOCUMENTS if f in formats]
    names += [f"{spec.path.stem}-claims.{f}" for f in ("docx", "xlsx") if report]
    names += [folder.MANIFEST] + ([f"{spec.path.stem}.zip"] if make_zip else [])
    return names


def export_pack(
    spec: PackSpec,
    tables: Tables,
    out: Path,
    formats: tuple[str, ...] | None = None,
    size: str | None = None,
    make_zip: bool = False,
    data_built_at: str | None = None,
    progress: Callable[[str], None] = print,
    force: bool = False,
    options: documents.Options | None = None,
    claims: str | None = None,
) -> dict[str, Any]:
    """Write the whole pack's files into ``out``, or nothing at all; nothing else in ``out``
    is touched (see ``folder``). ``claims``: a report's symbol, whose claims checked against
    the editions are written as an annex (the spec's ``claims`` when given as '')."""
    out = Path(out)
    formats = formats or spec.formats
    options = options or documents.Options()
    if size is not None and _size_error(size):
        raise SpecError(f"--size {_size_error(size)}")
    report = _report(spec, tables, claims)
    try:
        plan = folder.check(out, spec.path, planned_files(spec, formats, make_zip, report), force)
    except folder.FolderError as exc:
        raise SpecError(str(exc)) from exc
    render.warm_up()  # Chromium starts while the charts are built
    rendered = render_entries(spec, tables)
    sizes = [_size_of(spec, entry, size) for entry, _ in rendered]
    staging = folder.stage(plan)
    try:
        manifest = _write_pack(
            _Pack(spec, tables, formats, rendered, sizes, make_zip, data_built_at, options, report),
            staging,
            progress,
        )
        kept = folder.commit(plan)
    except BaseException:
        folder.discard(plan)
        raise
    if kept:
        progress(f"left in place (changed since the previous pack wrote them): {', '.join(kept)}")
    return manifest


def _report(spec: PackSpec, tables: Tables, claims: str | None) -> str:
    """The report whose claims the annex checks ('' for none); SpecError if it is unknown."""
    report = (spec.claims if claims == "" else claims) if claims is not None else spec.claims
    if claims == "" and not report:
        raise SpecError(f"--claims: give a report's symbol, or set 'claims' in {spec.path}")
    if report:
        try:
            annex.check_report(tables, report)
        except LookupError as exc:
            raise SpecError(f"{spec.path}: claims: {exc}") from exc
    return report


@dataclass(frozen=True)
class _Pack:
    """What one export writes."""

    spec: PackSpec
    tables: Tables
    formats: tuple[str, ...]
    rendered: list[tuple[Entry, Chart]]
    sizes: list[str]
    make_zip: bool
    data_built_at: str | None
    options: documents.Options
    report: str


def _write_pack(job: _Pack, staging: Path, progress: Callable[[str], None]) -> dict[str, Any]:
    """Render every figure and write every file of the pack into the staging folder."""
    figs = [
        office.figure_doc(i, entry.id, chart, size, dimensions(size), export.alt_text(chart))
        for i, ((entry, chart), size) in enumerate(zip(job.rendered, job.sizes, strict=True), 1)
    ]
    geometry = _geometry(job)
    if geometry is not None:
        for (entry, chart), fig in zip(job.rendered, figs, strict=True):
            try:
                office.check_fit(chart, fig, geometry, job.formats)
            except office.DoesNotFit as exc:
                where = f"{job.spec.path}: figure {entry.id!r} ({entry.chart})"
                raise SpecError(f"{where}: {exc}, or leave {exc.fmt} out of the formats") from exc
    records = _figures(job, staging, figs, geometry, progress)
    the_annex = annex.claims_annex(job.tables, job.report) if job.report else None
    document_files = {}
    if any(f in job.formats for f in DOCUMENTS):
        document_files = _documents(staging, job, figs, records, the_annex)
    if the_annex is not None:
        document_files.update(_annex_files(staging, job.spec, the_annex, job))
    manifest = {
        "title": job.spec.title,
        "spec": str(job.spec.path),
        "spec_sha256": _sha(job.spec.path),
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "data_built_at": job.data_built_at,
        "formats": list(job.formats),
        "documents": document_files,
        "claims": job.report or None,
        "archive": f"{job.spec.path.stem}.zip" if job.make_zip else None,
        "figures": records,
    }
    (staging / folder.MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    if job.make_zip:
        _zip(staging, f"{job.spec.path.stem}.zip")
    return manifest


def _geometry(job: _Pack) -> office.Geometry | None:
    """What the templates fix about the documents' pictures (None without documents)."""
    if not any(f in job.formats for f in DOCUMENTS):
        return None
    try:
        return office.Geometry.of(job.options, job.formats)
    except (worddoc.TemplateError, deck.TemplateError) as exc:
        raise SpecError(f"--template {exc}") from exc


def _figures(
    job: _Pack,
    staging: Path,
    figs: list[documents.FigureDoc],
    geometry: office.Geometry | None,
    progress: Callable[[str], None],
) -> list[dict[str, Any]]:
    """Render every image and write each figure's files; ``figs`` get their pictures.

    Figures are laid out while Chromium renders the previous ones, as many at once as it has
    tabs."""
    started = time.perf_counter()
    groups: list[Tagged] = []
    jobs = _jobs(job.rendered, job.formats, job.sizes, figs, geometry)
    results = render.renderer().render_stream(_kept(jobs, groups))
    count = sum(len(g) for g in results)
    progress(f"rendered {count} images in {time.perf_counter() - started:.2f} s")
    records = []
    for i, ((entry, chart), group, images, chosen) in enumerate(
        zip(job.rendered, groups, results, job.sizes, strict=True), 1
    ):
        by_tag = {tag: (j, raw) for (tag, j), raw in zip(group, images, strict=True)}
        by_format = {tag: raw for tag, (_, raw) in by_tag.items() if tag in render.IMAGE_FORMATS}
        word, slide = by_tag.get("word", (None, None)), by_tag.get("slide", (None, None))
        figs[i - 1] = office.with_pictures(figs[i - 1], *word, *slide)
        image = next((j for tag, j in group if tag in render.IMAGE_FORMATS), None)
        drawn = (
            (image.width, image.height)
            if image is not None
            else export.printed_size(chart, *dimensions(chosen))
        )
        records.append(
            _write_figure(job.tables, staging, entry, chart, job.formats, chosen, by_format, drawn)
        )
        shown = ", ".join(job.formats)
        if drawn != dimensions(chosen):
            rows = layout.labelled_rows(chart.figure)[0]
            shown += f" (drawn {drawn[0]}x{drawn[1]} px, so that its {rows} rows stay apart)"
        progress(f"[{i}/{len(job.rendered)}] {entry.id} ({entry.chart}, {chosen}): {shown}")
    return records


def _annex_files(
    staging: Path, spec: PackSpec, the_annex: documents.Annex, job: _Pack
) -> dict[str, dict[str, Any]]:
    """The claims annex on its own, as a Word table and an XLSX sheet."""
    out = {}
    generated = office.date_text()
    for key, suffix, payload in (
        ("claims_docx", "docx", annex.word_bytes(the_annex, spec, generated, job.options)),
        ("claims_xlsx", "xlsx", annex.xlsx_bytes(the_annex)),
    ):
        path = staging / f"{spec.path.stem}-claims.{suffix}"
        path.write_bytes(payload)
        out[key] = {"path": path.name, "sha256": _sha(path), "bytes": path.stat().st_size}
    return out


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

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
import shutil
import tempfile
import time
import tomllib
import warnings
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from indicators import charts, export
from indicators.charts import NoData, ParamError, Tables, common
from indicators.figures import Chart

# Width x height in CSS pixels; PNGs are written at 3x (a 600 px column becomes 1800 px).
SIZES: dict[str, tuple[int, int]] = {
    "column": (600, 420),
    "page": (1000, 620),
    "slide": (1600, 900),
}
PNG_SCALE = 3
FORMATS = ("png", "svg", "pdf", "csv")
ENTRY_FIELDS = {"id", "chart", "params", "size", "title"}


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
    if size is not None and size not in SIZES:
        raise SpecError(f"{where}: field 'size': {size!r} is not one of {list(SIZES)}")
    params = raw.get("params") or {}
    if not isinstance(params, dict):
        raise SpecError(f"{where}: field 'params' must be a mapping")
    return Entry(raw["id"], raw["chart"], dict(params), size, index)


def load_spec(path: Path) -> PackSpec:
    """Parse and check a spec file's structure (chart ids and parameters are checked later)."""
    path = Path(path)
    raw = _parse(path)
    size = raw.get("size", "page")
    if size not in SIZES:
        raise SpecError(f"{path}: field 'size': {size!r} is not one of {list(SIZES)}")
    formats = tuple(raw.get("formats", FORMATS))
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
    charts.catalogue()
    out = []
    for entry in spec.entries:
        where = _where(spec.path, entry.index, entry.id)
        if entry.chart not in charts.REGISTRY:
            raise SpecError(
                f"{where}: field 'chart': unknown chart id {entry.chart!r}; "
                "`indicators export --list` shows the available ones"
            )
        try:
            chart = charts.render(entry.chart, tables, entry.params, strict=True)
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


@contextmanager
def chromium_session() -> Iterator[None]:
    """One Chromium for every image of the pack (kaleido's persistent sync server)."""
    import kaleido

    kaleido.start_sync_server(silence_warnings=True)
    try:
        with warnings.catch_warnings():
            # plotly passes its launch options on every call; the running server already has them.
            warnings.filterwarnings("ignore", message="The kopts argument is ignored")
            yield
    finally:
        kaleido.stop_sync_server(silence_warnings=True)


def alt_text(chart: Chart) -> str:
    """A one-paragraph description of the figure for screen readers and Word's alt text."""
    data = chart.data
    parts = [f"{chart.caption.title}. {chart.caption.subtitle}."]
    if "year" in data.columns and data["year"].notna().any():
        parts.append(f"Years {int(data['year'].min())} to {int(data['year'].max())}.")
    value = next(
        (
            c
            for c in (
                "value_pct",
                "value",
                "gap",
                "parity",
                "share",
                "cagr_pct",
                "bandwidth_tbps",
                "per_user_kbps",
            )
            if c in data.columns
        ),
        None,
    )
    label = "name" if "name" in data.columns else "entity_id" if "entity_id" in data else None
    if value and label:
        latest = data.sort_values("year").groupby(label).tail(1) if "year" in data else data
        shown = latest.dropna(subset=[value]).head(8)
        items = [f"{row[label]} {row[value]:.1f}" for _, row in shown.iterrows()]
        if items:
            parts.append("Latest values: " + "; ".join(items) + ".")
    return " ".join(parts)


def caption_markdown(entry: Entry, chart: Chart, files: list[str]) -> str:
    """The Markdown caption written beside each figure."""
    cap = chart.caption
    lines = [f"### {cap.title}", "", f"*{cap.subtitle}*", "", f"Source: {cap.source}"]
    lines += ["", *[f"Note: {n}" for n in cap.notes]] if cap.notes else []
    lines += ["", f"Alt text: {alt_text(chart)}", ""]
    if "png" in files:
        lines += [f"![{alt_text(chart)}]({entry.id}.png)", ""]
    return "\n".join(lines)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_figure(
    folder: Path, entry: Entry, chart: Chart, formats: tuple[str, ...], size: str
) -> dict[str, Any]:
    """Write one figure's files; return its manifest record."""
    width, height = SIZES[size]
    files: dict[str, dict[str, Any]] = {}
    for fmt in formats:
        path = folder / f"{entry.id}.{fmt}"
        scale = PNG_SCALE if fmt == "png" else 1
        path.write_bytes(export.file_bytes(chart, fmt, scale=scale, width=width, height=height))
    md = folder / f"{entry.id}.md"
    md.write_text(caption_markdown(entry, chart, list(formats)), encoding="utf-8")
    for path in [*(folder / f"{entry.id}.{f}" for f in formats), md]:
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
        "citation": chart.caption.source,
        "sources": sorted({common.split_edition(e)[0] for e in edition.split(",") if e}),
        "vintages": sorted({common.split_edition(e)[1] for e in edition.split(",") if e}),
        "notes": list(chart.caption.notes),
    }


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
    if size is not None and size not in SIZES:
        raise SpecError(f"--size {size!r} is not one of {list(SIZES)}")
    _check_writable(out)
    rendered = render_entries(spec, tables)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.resolve().parent))
    try:
        records = []
        with chromium_session():
            for i, (entry, chart) in enumerate(rendered, 1):
                started = time.perf_counter()
                chosen = size or entry.size or spec.size
                records.append(_write_figure(staging, entry, chart, formats, chosen))
                progress(
                    f"[{i}/{len(rendered)}] {entry.id} ({entry.chart}, {chosen}): "
                    f"{', '.join(formats)} in {time.perf_counter() - started:.2f} s"
                )
        manifest = {
            "title": spec.title,
            "spec": str(spec.path),
            "spec_sha256": _sha(spec.path),
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "data_built_at": data_built_at,
            "formats": list(formats),
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
    for spec in charts.catalogue():
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
        f"sizes: {', '.join(f'{k} {w}x{h}' for k, (w, h) in SIZES.items())} (PNG at {PNG_SCALE}x)"
    )
    return "\n".join(lines)

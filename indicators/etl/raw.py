"""The raw folder: which file is which edition, and changes to it made all at once.

``data/raw/<publisher>/`` holds the publishers' files under any name; ``data/raw/manifest.json``
records, per ``source@edition``, where each came from and when. A file's format and edition are
read from its content (or, for the copies whose date was stripped, known by their hash), so a
file's name never decides what it is. ``add``, ``fetch`` and ``remove`` stage the new folder beside
the old one, check it, and swap it in: a failure leaves ``data/raw`` as it was.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from indicators.contract.errors import SourceError
from indicators.contract.store import DataDir
from indicators.etl import sources
from indicators.etl.sources.formats import Blob, Edition, SourceFormat
from indicators.etl.uptodate import MANIFEST, data_files

__all__ = ["MANIFEST", "Change", "Identified", "RawError", "data_files", "identify"]

MANIFEST_VERSION = 2


class RawError(Exception):
    """A problem with the raw folder or a file offered to it; one line a person can act on."""


@dataclass(frozen=True)
class Identified:
    """A raw file recognised as one edition of one format."""

    fmt: SourceFormat
    edition: Edition
    blob: Blob

    @property
    def key(self) -> str:
        return f"{self.fmt.source}@{self.edition.key}"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# ---------------------------------------------------------------------------------------------
# manifest


def read_manifest(data: DataDir) -> dict[str, dict[str, Any]]:
    """``source@edition`` -> entry; {} before the first fetch. RawError if it is damaged."""
    path = data.raw / MANIFEST
    if not path.exists():
        return {}
    try:
        content = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RawError(
            f"{path}: the manifest is damaged ({exc}); restore it, or delete it and run "
            "`indicators fetch` again"
        ) from exc
    if not isinstance(content, dict):
        raise RawError(f"{path}: the manifest is not a JSON object; delete it and fetch again")
    if content.get("version") == MANIFEST_VERSION and isinstance(content.get("files"), dict):
        return dict(content["files"])
    return _from_first_layout(content)


def _from_first_layout(content: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Entries of the manifest written before editions were read from content (keyed by file)."""
    out: dict[str, dict[str, Any]] = {}
    for entry in content.values():
        if not isinstance(entry, dict) or "sha256" not in entry:
            continue
        for fmt in sources.FORMATS:
            known = fmt.known.get(entry["sha256"])
            if known:
                key = f"{fmt.source}@{known.edition.key}"
                out[key] = _entry(fmt, known.edition, entry["path"], entry, entry.get("url", ""))
    return out


def manifest_bytes(entries: dict[str, dict[str, Any]]) -> bytes:
    body = {"version": MANIFEST_VERSION, "files": dict(sorted(entries.items()))}
    return json.dumps(body, indent=2, sort_keys=True).encode()


def _entry(
    fmt: SourceFormat, edition: Edition, path: str, blob: Blob | dict[str, Any], url: str
) -> dict[str, Any]:
    if isinstance(blob, Blob):
        sha, size, retrieved = blob.sha256, len(blob.data), now()
    else:
        sha, size, retrieved = blob["sha256"], blob["bytes"], blob.get("retrieved_at", now())
    return {
        "path": path,
        "url": url,
        "retrieved_at": retrieved,
        "sha256": sha,
        "bytes": size,
        "format": fmt.source,
        "edition": edition.key,
        "edition_text": edition.text,
        "title": fmt.edition_title(edition),
        "citation": fmt.cite(edition),
        "licence": fmt.licence,
    }


# ---------------------------------------------------------------------------------------------
# recognising files


def identify(
    blob: Blob,
    recorded: dict[str, Any] | None = None,
    edition: str | None = None,
    companion: Edition | None = None,
) -> Identified:
    """Format and edition of a file, or RawError saying what is missing.

    The edition comes from, in order: a known copy's hash, the file's content, what an earlier
    ``add --edition`` recorded for these bytes, a companion file in the same download, or
    ``edition`` (which may not contradict the content).
    """
    if not blob.data:
        raise RawError(f"{blob.path}: the file is empty (0 bytes)")
    fmt = sources.recognise(blob)
    if fmt is None:
        raise RawError(
            f"{blob.path}: not a file of any known format (known: {sources.known_names()})"
        )
    stated = fmt.edition_of(blob)
    if edition is not None:
        try:
            given = Edition.given(edition)
        except ValueError as exc:
            raise RawError(f"--edition: {exc}") from exc
        if stated is not None and stated.key != given.key:
            raise RawError(
                f"{blob.path}: the file states edition {stated.key} ({stated.text}); "
                f"--edition {given.key} contradicts it"
            )
        return Identified(fmt, stated or given, blob)
    if stated is None and recorded and recorded.get("format") == fmt.source:
        stated = Edition(recorded["edition"], recorded.get("edition_text") or recorded["edition"])
    stated = stated or companion
    if stated is None:
        raise RawError(
            f"{blob.path}: a {fmt.title} file, but its edition cannot be read from it; "
            "say which it is with `indicators add PATH --edition YYYY-MM`"
        )
    return Identified(fmt, stated, blob)


def by_sha(manifest: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {entry["sha256"]: entry for entry in manifest.values() if "sha256" in entry}


# ---------------------------------------------------------------------------------------------
# changing the raw folder all at once


class Change:
    """A staged copy of ``data/raw`` that is swapped in by :meth:`commit`, or thrown away."""

    def __init__(self, data: DataDir):
        self.data = data
        self.manifest = read_manifest(data)
        data.root.mkdir(parents=True, exist_ok=True)
        self.stage = data.root / f".raw-staging-{time.time_ns()}"
        if data.raw.exists():
            shutil.copytree(data.raw, self.stage, copy_function=_link_or_copy)
        else:
            self.stage.mkdir()
        self.notes: list[str] = []

    def __enter__(self) -> Change:
        return self

    def __exit__(self, *exc: object) -> None:
        shutil.rmtree(self.stage, ignore_errors=True)

    def put(self, item: Identified, url: str) -> str:
        """Stage a recognised file under its publisher folder; returns what happened."""
        key = item.key
        current = self.manifest.get(key)
        same = [e for e in self.manifest.values() if e["sha256"] == item.blob.sha256]
        if same:
            return f"{item.blob.name}: already present as {same[0]['path']}; taken once"
        if current is not None:
            raise RawError(
                f"{item.blob.path} and {current['path']} are different files that both claim "
                f"to be {key}; remove one (`indicators remove {key}`) or correct the edition"
            )
        relative = self._free_name(item)
        target = self.stage / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(item.blob.data)
        self.manifest[key] = _entry(item.fmt, item.edition, relative, item.blob, url)
        return f"{key}: {relative} ({len(item.blob.data):,} bytes)"

    def drop(self, key: str) -> str:
        """Stage the removal of one edition."""
        entry = self.manifest.pop(key, None) or self._unrecorded(key)
        if entry is None:
            known = ", ".join(sorted(self.manifest)) or "none"
            raise RawError(f"{key}: no such edition in {self.data.raw} (present: {known})")
        (self.stage / entry["path"]).unlink(missing_ok=True)
        return f"removed {key} ({entry['path']})"

    def _unrecorded(self, key: str) -> dict[str, Any] | None:
        """A file put into the raw folder by hand, found by reading what it is."""
        for path in data_files(self.stage):
            try:
                item = identify(Blob.read(path))
            except (RawError, SourceError):
                continue
            if item.key == key:
                return {"path": str(path.relative_to(self.stage))}
        return None

    def _free_name(self, item: Identified) -> str:
        """``publisher/name``, with the edition added when another file has that name."""
        name = Path(item.blob.name)
        relative = f"{item.fmt.publisher}/{name.name}"
        if (self.stage / relative).exists():
            relative = f"{item.fmt.publisher}/{name.stem}.{item.edition.key}{name.suffix}"
        return relative

    def commit(self) -> None:
        """Check every staged file is readable, write the manifest, swap the folders."""
        for entry in self.manifest.values():
            path = self.stage / entry["path"]
            if not path.is_file() or path.stat().st_size != entry["bytes"]:
                raise RawError(f"{path}: staged file missing or of the wrong size; nothing changed")
        (self.stage / MANIFEST).write_bytes(manifest_bytes(self.manifest))
        old = self.data.root / f".raw-old-{time.time_ns()}"
        if self.data.raw.exists():
            os.rename(self.data.raw, old)
        os.rename(self.stage, self.data.raw)
        shutil.rmtree(old, ignore_errors=True)


def _link_or_copy(src: str, dst: str) -> str:
    """Stage unchanged files as hard links: the raw files are never edited in place."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)
    return dst


def recover(data: DataDir) -> None:
    """Finish or undo a swap that was cut off between its two renames."""
    if data.raw.exists() or not data.root.exists():
        return
    olds = sorted(data.root.glob(".raw-old-*"))
    if olds:
        os.rename(olds[-1], data.raw)


def read_blob(path: Path) -> Blob:
    """A file's bytes, or RawError naming it."""
    try:
        return Blob.read(path)
    except SourceError as exc:
        raise RawError(str(exc)) from exc

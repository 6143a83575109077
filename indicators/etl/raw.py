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
import re
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from indicators.contract.errors import SourceError
from indicators.contract.store import DataDir
from indicators.etl import sources
from indicators.etl.sources import strict
from indicators.etl.sources.formats import Blob, Edition, SourceFormat
from indicators.etl.uptodate import MANIFEST, data_files, file_sha256

__all__ = ["MANIFEST", "Change", "Identified", "RawError", "data_files", "identify"]

MANIFEST_VERSION = 2


class RawError(Exception):
    """A problem with the raw folder or a file offered to it; one line a person can act on."""


class NotAPublisherFile(RawError):
    """A file of no format the project reads: ``fetch --from`` skips it, ``add`` refuses it."""


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
        files = dict(content["files"])
        for key, entry in files.items():
            _check_entry(path, key, entry)
        return files
    return _from_first_layout(content)


# What every manifest entry holds, and the type it must have.
ENTRY_FIELDS: dict[str, type] = {
    "path": str,
    "sha256": str,
    "bytes": int,
    "format": str,
    "edition": str,
}


def _check_entry(path: Path, key: str, entry: object) -> None:
    """One manifest entry: an object with its path, sha256, size, format and edition."""
    fix = "restore the manifest, or delete it and run `indicators fetch` again"
    if not isinstance(entry, dict):
        kind = type(entry).__name__
        raise RawError(f"{path}: entry {key!r} is not an object (found {kind}); {fix}")
    for name, kind_of in ENTRY_FIELDS.items():
        if name not in entry:
            raise RawError(f"{path}: entry {key!r} has no {name!r}; {fix}")
        value = entry[name]
        if not isinstance(value, kind_of) or isinstance(value, bool):
            raise RawError(
                f"{path}: entry {key!r}, field {name!r}: {value!r} is not a "
                f"{kind_of.__name__}; {fix}"
            )
    if not re.fullmatch(r"[0-9a-f]{64}", entry["sha256"]):
        raise RawError(f"{path}: entry {key!r}, field 'sha256': not a sha256; {fix}")
    if f"{entry['format']}@{entry['edition']}" != key:
        raise RawError(
            f"{path}: entry {key!r} records format {entry['format']!r} and edition "
            f"{entry['edition']!r}, which is not {key!r}; {fix}"
        )


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
    fmt: SourceFormat,
    edition: Edition,
    path: str,
    blob: Blob | dict[str, Any],
    url: str,
    retrieved_at: str | None = None,
) -> dict[str, Any]:
    if isinstance(blob, Blob):
        sha, size, retrieved = blob.sha256, len(blob.data), retrieved_at or now()
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
    """Format and edition of a file, or RawError saying what is missing or wrong.

    The edition comes from, in order: a known copy's hash, the file's content, what an earlier
    ``add --edition`` recorded for these bytes, a companion file in the same download, or
    ``edition`` (which may not contradict the content). A file of a known format that cannot be
    read whole is refused as damaged; an edition dated after this month is refused.
    """
    if not blob.data:
        raise RawError(f"{blob.path}: the file is empty (0 bytes)")
    fmt = sources.recognise(blob)
    if fmt is None:
        damage = sources.damaged_container(blob)
        if damage is not None:
            raise RawError(f"{blob.path}: damaged: {damage}")
        raise NotAPublisherFile(
            f"{blob.path}: not a file of any known format (known: {sources.known_names()})"
        )
    _check_intact(fmt, blob)
    found = _edition(fmt, blob, recorded, edition, companion)
    if found.after():
        raise RawError(
            f"{blob.path}: edition {found.key} ({found.text}) is dated after this month; the "
            "file's date (or the --edition given) is wrong"
        )
    return Identified(fmt, found, blob)


def _check_intact(fmt: SourceFormat, blob: Blob) -> None:
    """A copy of a known format that cannot be read whole is damaged, never unknown."""
    if blob.sha256 in fmt.known:
        return
    try:
        fmt.intact(blob)
    except strict.OtherContent as exc:
        raise NotAPublisherFile(f"{blob.path}: {exc.message}") from exc
    except SourceError as exc:
        raise RawError(
            f"{blob.path}: a {fmt.title} file that cannot be read whole and one way (damaged, "
            f"cut short or ambiguous): {exc}"
        ) from exc


def _edition(
    fmt: SourceFormat,
    blob: Blob,
    recorded: dict[str, Any] | None,
    edition: str | None,
    companion: Edition | None,
) -> Edition:
    """The edition the content states, checked against what is given or recorded."""
    readings: tuple[str, ...] = ()
    ambiguous = ""
    try:
        stated = fmt.edition_of(blob)
    except strict.AmbiguousDate as exc:
        stated, readings, ambiguous = None, exc.readings, str(exc)
    if edition is not None:
        try:
            given = Edition.given(edition)
        except ValueError as exc:
            raise RawError(f"--edition: {exc}") from exc
        if (stated is not None and stated.key != given.key) or (
            readings and given.key not in readings
        ):
            says = stated.key if stated else " or ".join(readings)
            raise RawError(
                f"{blob.path}: the file states edition {says}"
                + (f" ({stated.text})" if stated else "")
                + f"; --edition {given.key} contradicts it"
            )
        return stated or given
    if stated is None and recorded and recorded.get("format") == fmt.source:
        text = recorded.get("edition_text") or recorded["edition"]
        stated = Edition(recorded["edition"], text)
    stated = stated or (companion if not readings else None)
    if stated is None and readings:
        raise RawError(ambiguous)
    if stated is None:
        raise RawError(
            f"{blob.path}: a {fmt.title} file, but its edition cannot be read from it; "
            "say which it is with `indicators add PATH --edition YYYY-MM`"
        )
    return stated


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
        # One time for every file of one command: the release review takes the edition added
        # later as the one under review, and files fetched together are added together.
        self.retrieved_at = now()
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
        changed = self._changed_in_place(item)
        if changed is not None:
            return self._record_again(item, changed, url)
        if current is not None:
            raise RawError(
                f"{item.blob.path} and {current['path']} are different files that both claim "
                f"to be {key}; remove one (`indicators remove {key}`) or correct the edition"
            )
        relative = self._free_name(item)
        target = self.stage / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(item.blob.data)
        self.manifest[key] = _entry(
            item.fmt, item.edition, relative, item.blob, url, self.retrieved_at
        )
        return f"{key}: {relative} ({len(item.blob.data):,} bytes)"

    def _changed_in_place(self, item: Identified) -> str | None:
        """The manifest key of a raw file added again after it was changed where it lies."""
        try:
            relative = str(item.blob.path.resolve().relative_to(self.data.raw.resolve()))
        except ValueError:
            return None
        for key, entry in self.manifest.items():
            if entry["path"] == relative and entry["sha256"] != item.blob.sha256:
                return key
        return None

    def _record_again(self, item: Identified, old_key: str, url: str) -> str:
        """Record a changed raw file as what it now is, at the path it already has."""
        relative = self.manifest.pop(old_key)["path"]
        current = self.manifest.get(item.key)
        if current is not None:
            raise RawError(
                f"{item.blob.path} and {current['path']} are different files that both claim "
                f"to be {item.key}; remove one (`indicators remove {item.key}`)"
            )
        target = self.stage / relative
        target.unlink(missing_ok=True)  # a hard link to the raw file: never write through it
        target.write_bytes(item.blob.data)
        self.manifest[item.key] = _entry(
            item.fmt, item.edition, relative, item.blob, url, self.retrieved_at
        )
        return f"{item.key}: {relative} recorded again as changed ({len(item.blob.data):,} bytes)"

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
        """Check every staged file is what the manifest says, write it, swap the folders."""
        for key, entry in self.manifest.items():
            path = self.stage / entry["path"]
            if not path.is_file():
                raise RawError(
                    f"{self.data.raw / entry['path']}: the file of {key} is missing; put it back, "
                    f"or drop the edition with `indicators remove {key}`; nothing changed"
                )
            if path.stat().st_size != entry["bytes"] or file_sha256(path) != entry["sha256"]:
                raise RawError(changed_message(self.data, key, entry))
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
    """Finish or undo a change that was cut off (run under the data folder's lock).

    Killed between its two renames, a change leaves no ``raw`` but the old one beside it: put
    it back. Killed before or after, it leaves a staging copy or the old folder: remove them.
    """
    if not data.root.exists():
        return
    olds = sorted(data.root.glob(".raw-old-*"))
    if not data.raw.exists() and olds:
        os.rename(olds.pop(), data.raw)
    for leftover in [*olds, *data.root.glob(".raw-staging-*")]:
        shutil.rmtree(leftover, ignore_errors=True)


def changed_message(data: DataDir, key: str, entry: dict[str, Any]) -> str:
    """A raw file whose bytes are no longer those recorded: what to do."""
    path = data.raw / entry["path"]
    return (
        f"{path}: changed since it was recorded as {key} (sha256 {entry['sha256'][:12]}...); put "
        f"the original back, or record it as it is now with `indicators add {path}`"
        " (with --edition if it states no date)"
    )


def read_blob(path: Path) -> Blob:
    """A file's bytes, or RawError naming it."""
    try:
        return Blob.read(path)
    except SourceError as exc:
        raise RawError(str(exc)) from exc


# ---------------------------------------------------------------------------------------------
# acceptances


def record_acceptances(
    data: DataDir, accepted: list[tuple[Identified, str, dict[str, Any]]]
) -> dict[str, dict[str, Any]]:
    """Write each acceptance into its edition's manifest entry (a file put into ``data/raw`` by
    hand gets its entry now); returns the manifest. Run under the data folder's lock."""
    manifest = read_manifest(data)
    for item, relative, acceptance in accepted:
        entry = manifest.get(item.key)
        if entry is None or entry["sha256"] != item.blob.sha256:
            entry = _entry(item.fmt, item.edition, relative, item.blob, item.blob.path.as_uri())
        manifest[item.key] = {**entry, "accepted": acceptance}
    temporary = data.raw / f".manifest-{time.time_ns()}.json"
    temporary.write_bytes(manifest_bytes(manifest))
    os.replace(temporary, data.raw / MANIFEST)
    return manifest

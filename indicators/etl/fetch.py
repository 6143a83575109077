"""Bring publishers' files into ``data/raw``: ``fetch``, ``add`` and ``remove``.

Every route reads each file's format and edition from its content (see :mod:`indicators.etl.raw`),
stages the new raw folder, and swaps it in only when every file was taken: a failed download or an
unreadable file leaves ``data/raw`` and its manifest exactly as they were.
"""

from __future__ import annotations

import csv
import io
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from indicators.contract.errors import SourceError
from indicators.contract.store import DataDir
from indicators.etl import lock, sources
from indicators.etl.raw import (
    Change,
    Identified,
    NotAPublisherFile,
    RawError,
    by_sha,
    data_files,
    identify,
    read_blob,
    read_manifest,
    recover,
)
from indicators.etl.sources.formats import Blob, Edition, is_zip_of_csv, unzip_members

TIMEOUT_S = 60
USER_AGENT = "digital-divide-indicators/0.1 (+fetch)"
Progress = Callable[[str], None]

# Kept for callers of the first interface: fetch errors are raw-folder errors.
FetchError = RawError
__all__ = ["FetchError", "Outcome", "add", "fetch", "read_manifest", "remove"]


@dataclass
class Outcome:
    """What a fetch or add did: files taken, skipped (no publisher file) and refused."""

    taken: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)

    def counts(self) -> str:
        """'9 taken, 2 skipped, 0 refused'."""
        return f"{len(self.taken)} taken, {len(self.skipped)} skipped, {len(self.refused)} refused"


# ---------------------------------------------------------------------------------------------
# downloads


def download(url: str) -> bytes:
    """GET a URL, or RawError naming the URL and the offline alternative."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            return bytes(response.read())
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise RawError(
            f"cannot download {url} ({reason}); offline or behind a firewall? "
            "Copy the files from a local folder with `indicators fetch --from DIR`"
        ) from exc


def _name_of(url: str) -> str:
    path = urllib.parse.urlparse(url).path
    return urllib.parse.unquote(path.rstrip("/").rsplit("/", 1)[-1]) or "download"


def unpack(blob: Blob, retrieved: Edition) -> list[tuple[Blob, Edition | None]]:
    """The files inside a download: zip members, an HTML page's table as CSV, or the file.

    Each comes with the edition a companion gives it: the members of a World Bank zip take the
    data file's 'Last Updated Date'; a table read from a live page is the month it was retrieved.
    """
    if is_zip_of_csv(blob):
        members = unzip_members(blob)
        stated = [e for e in (_stated(m) for m in members) if e is not None]
        companion = stated[0] if len(stated) == 1 else None
        return [(m, companion) for m in members]
    if blob.data.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        table = html_table_csv(blob.data.decode("utf-8", errors="replace"))
        if table is not None:
            name = Path(blob.name).stem or "page"
            return [(Blob(blob.path.with_name(f"{name}.csv"), table), retrieved)]
    return [(blob, None)]


def _stated(blob: Blob) -> Edition | None:
    fmt = sources.recognise(blob)
    try:
        return fmt.edition_of(blob) if fmt else None
    except SourceError:
        return None  # each member is then identified, and refused, on its own


class _Tables(HTMLParser):
    """Rows of every <table> in a page, as lists of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._row is not None and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_table_csv(page: str) -> bytes | None:
    """The table of a page whose header names the M49 and ISO-alpha3 codes, as UTF-8 CSV."""
    parser = _Tables()
    parser.feed(page)
    for rows in parser.tables:
        for i, row in enumerate(rows[:3]):
            if "M49 Code" in row and "ISO-alpha3 Code" in row:
                out = io.StringIO()
                writer = csv.writer(out, lineterminator="\n")
                writer.writerows(r for r in rows[i:] if len(r) == len(row))
                return out.getvalue().encode()
    return None


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href and not href.startswith(("?", "#", "/", "..")) and "://" not in href:
            self.hrefs.append(href)


def mirror_urls(base_url: str, depth: int = 3) -> Iterator[str]:
    """Every file a mirror's directory listings link to (an HTTP server serving a folder)."""
    base = base_url.rstrip("/") + "/"
    page = download(base)
    if not page.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html")):
        raise RawError(f"{base}: not a directory listing; give the mirror's folder URL")
    parser = _Links()
    parser.feed(page.decode("utf-8", errors="replace"))
    for href in parser.hrefs:
        url = urllib.parse.urljoin(base, href)
        if href.endswith("/"):
            if depth > 0:
                yield from mirror_urls(url, depth - 1)
        elif _name_of(url) not in ("manifest.json", "README.md", "SOURCES.md"):
            yield url


# ---------------------------------------------------------------------------------------------
# commands


def _retrieval_edition() -> Edition:
    today = datetime.now(UTC)
    return Edition.of_month(today.year, today.month, f"retrieved {today:%B %Y}")


def _take(
    change: Change,
    blob: Blob,
    origin: str,
    outcome: Outcome,
    edition: str | None = None,
    strict: bool = True,
) -> None:
    """Recognise one file (or the members of a download) and stage it.

    Without ``strict`` (a folder or a mirror), a file that is no publisher file is skipped and
    one that is refused (damaged, undated, dated ahead) is listed; with ``strict`` either stops.
    """
    recorded = by_sha(change.manifest)
    if not blob.data:
        raise RawError(f"{origin}: the file is empty (0 bytes); nothing was changed")
    try:
        members = unpack(blob, _retrieval_edition())
    except SourceError as exc:
        raise RawError(f"{origin}: {exc}") from exc
    for member, companion in members:
        try:
            item: Identified = identify(member, recorded.get(member.sha256), edition, companion)
            outcome.taken.append(change.put(item, origin))
        except NotAPublisherFile as exc:
            if strict:
                raise
            outcome.skipped.append(str(exc).split(" (known: ")[0])
        except RawError as exc:
            if strict:
                raise
            outcome.refused.append(str(exc))


def add(
    data: DataDir,
    targets: list[str],
    edition: str | None = None,
    progress: Progress = print,
    wait: float | None = None,
) -> Outcome:
    """Copy or download files into ``data/raw`` as new editions; all of them, or none."""
    with lock.writer(data, "add", wait):
        return _add(data, targets, edition, progress)


def _add(data: DataDir, targets: list[str], edition: str | None, progress: Progress) -> Outcome:
    recover(data)
    outcome = Outcome()
    with Change(data) as change:
        for target in targets:
            if re.match(r"^https?://", target):
                blob = Blob(Path(_name_of(target)), download(target))
                origin = target
            else:
                path = Path(target)
                if not path.exists():
                    raise RawError(f"{path}: no such file")
                blob = read_blob(path)
                origin = path.resolve().as_uri()
            _take(change, blob, origin, outcome, edition)
        change.commit()
        outcome.manifest = change.manifest
    for line in outcome.taken:
        progress(line)
    return outcome


def fetch(
    data: DataDir,
    from_dir: Path | None = None,
    base_url: str | None = None,
    only: list[str] | None = None,
    progress: Progress = print,
    wait: float | None = None,
) -> Outcome:
    """Take every file of a folder or a mirror, or download each publisher's current files.

    A file that is no publisher file is skipped and listed. A file of a known format that is
    damaged, states no edition or is dated ahead is refused: every offered file is looked at,
    every refusal listed, and then nothing changes. So does a file that cannot be downloaded.
    """
    with lock.writer(data, "fetch", wait):
        return _fetch(data, from_dir, base_url, only, progress)


def _fetch(
    data: DataDir,
    from_dir: Path | None,
    base_url: str | None,
    only: list[str] | None,
    progress: Progress,
) -> Outcome:
    recover(data)
    outcome = Outcome()
    with Change(data) as change:
        for origin, blob in _offered(from_dir, base_url, only):
            strict = from_dir is None and base_url is None
            _take(change, blob, origin, outcome, strict=strict)
        if outcome.refused:
            lines = [f"  refused {line}" for line in outcome.refused]
            lines += [f"  skipped {line}" for line in outcome.skipped]
            listed = "\n".join(lines)
            raise RawError(f"{len(outcome.refused)} file(s) refused:\n{listed}\n{_tally(outcome)}")
        change.commit()
        outcome.manifest = change.manifest
    for i, line in enumerate(outcome.taken, 1):
        progress(f"[{i}/{len(outcome.taken)}] {line}")
    for line in outcome.skipped:
        progress(f"skipped {line}")
    progress(_tally(outcome))
    return outcome


def _tally(outcome: Outcome) -> str:
    offered = len(outcome.taken) + len(outcome.skipped) + len(outcome.refused)
    return f"{offered} file(s) offered: {outcome.counts()}"


def _offered(
    from_dir: Path | None, base_url: str | None, only: list[str] | None
) -> Iterator[tuple[str, Blob]]:
    """(origin, bytes) of every file a fetch is offered."""
    if from_dir is not None:
        folder = Path(from_dir)
        if not folder.is_dir():
            raise RawError(f"{folder}: not a folder (given with --from)")
        files = list(data_files(folder))
        if not files:
            raise RawError(f"{folder}: no files found in the folder given with --from")
        for path in files:
            yield path.resolve().as_uri(), read_blob(path)
        return
    if base_url is not None:
        for url in mirror_urls(base_url):
            yield url, Blob(Path(_name_of(url)), download(url))
        return
    unknown = sorted(set(only or []) - set(sources.BY_SOURCE))
    if unknown:
        raise RawError(f"--only {' '.join(unknown)}: choose among {', '.join(sources.BY_SOURCE)}")
    wanted = [f for f in sources.FORMATS if only is None or f.source in only]
    for url in dict.fromkeys(u for f in wanted for u in f.urls):
        yield url, Blob(Path(_name_of(url)), download(url))


def remove(
    data: DataDir, keys: list[str], progress: Progress = print, wait: float | None = None
) -> Outcome:
    """Drop editions (``source@edition``) from ``data/raw`` and the manifest; all or none."""
    with lock.writer(data, "remove", wait):
        return _remove(data, keys, progress)


def _remove(data: DataDir, keys: list[str], progress: Progress) -> Outcome:
    recover(data)
    outcome = Outcome()
    with Change(data) as change:
        for key in keys:
            if "@" not in key:
                raise RawError(f"{key}: give SOURCE@EDITION, for example wdi@2026-02")
            outcome.taken.append(change.drop(key))
        change.commit()
        outcome.manifest = change.manifest
    for line in outcome.taken:
        progress(line)
    return outcome

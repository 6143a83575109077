"""Download the publishers' files into ``data/raw`` (or copy them from a local mirror)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from indicators.sources import RAW_FILES, RawFile
from indicators.store import DataDir

MANIFEST = "manifest.json"
TIMEOUT_S = 60
USER_AGENT = "digital-divide-indicators/0.1 (+fetch)"


class FetchError(Exception):
    """A file could not be fetched; the message is one line a person can act on."""


def _write_atomic(target: Path, content: bytes) -> None:
    """Write bytes to a temporary file beside ``target``, then rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    with os.fdopen(handle, "wb") as out:
        out.write(content)
    os.replace(tmp, target)


def _download(url: str) -> bytes:
    """GET a URL, or raise FetchError naming the URL and the offline alternative."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:
            return bytes(response.read())
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FetchError(
            f"cannot download {url} ({reason}); offline or behind a firewall? "
            "Copy the files from a local folder with `indicators fetch --from DIR`"
        ) from exc


def _unpack(raw: RawFile, content: bytes) -> bytes:
    """The World Bank serves a zip of the CSV and its metadata; keep the member we want."""
    # .xlsx files are zips too: only the World Bank's CSV downloads are unpacked.
    if raw.source != "wdi" or not content.startswith(b"PK"):
        return content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        stem = "Metadata_Country" if "Metadata_Country" in raw.path else "API_"
        for name in archive.namelist():
            if Path(name).name.startswith(stem) and name.endswith(".csv"):
                return archive.read(name)
    raise FetchError(f"{raw.url}: the zip holds no {stem}*.csv file")


def _url_for(raw: RawFile, base_url: str | None) -> str:
    """The publisher's URL, or the same relative path under a mirror URL."""
    if base_url is None:
        return raw.url
    return urllib.parse.urljoin(base_url.rstrip("/") + "/", urllib.parse.quote(raw.path))


def _entry(raw: RawFile, origin: str, content: bytes) -> dict[str, Any]:
    return {
        "path": raw.path,
        "url": origin,
        "retrieved_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "sha256": hashlib.sha256(content).hexdigest(),
        "bytes": len(content),
        "vintage": raw.vintage,
    }


def fetch(
    data: DataDir,
    from_dir: Path | None = None,
    base_url: str | None = None,
    only: list[str] | None = None,
    progress: Callable[[str], None] = print,
) -> dict[str, Any]:
    """Fetch every registered file (or those in ``only``) and update ``raw/manifest.json``."""
    manifest = read_manifest(data)
    wanted = [r for r in RAW_FILES if only is None or r.key in only or r.source in only]
    for i, raw in enumerate(wanted, 1):
        target = data.raw / raw.path
        if from_dir is not None:
            source = Path(from_dir) / raw.path
            if not source.exists():
                raise FetchError(f"{source}: not found in the folder given with --from")
            content, origin = source.read_bytes(), source.resolve().as_uri()
        else:
            origin = _url_for(raw, base_url)
            content = _unpack(raw, _download(origin))
        if not content:
            raise FetchError(f"{origin}: the file is empty")
        _write_atomic(target, content)
        manifest[raw.key] = _entry(raw, origin, content)
        progress(f"[{i}/{len(wanted)}] {raw.path} ({len(content):,} bytes)")
    _write_atomic(data.raw / MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
    return manifest


def read_manifest(data: DataDir) -> dict[str, Any]:
    """The manifest of fetched files ({} before the first fetch)."""
    path = data.raw / MANIFEST
    return json.loads(path.read_text()) if path.exists() else {}

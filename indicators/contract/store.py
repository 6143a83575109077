"""The only module that reads or writes ``data/processed``.

``data/processed`` is a symbolic link to one complete, validated build under
``data/.versions/``. Publishing writes a new version beside it and swaps the link in one
``rename``, so readers see either the old set of tables or the new one, never a mix, and a
failed build leaves the published files untouched.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import pandas as pd
import pyarrow
import pyarrow.parquet

from indicators.contract.lru import ByteLRU, sizeof
from indicators.contract.paths import DataDir, default_data_dir

__all__ = ["DataDir", "TableCache", "default_data_dir", "publish", "read_metadata"]

META_KEY = b"indicators"
BUILD_FILE = "_build.json"
KEEP_VERSIONS = 2
MEMO_BYTES = 12 * 2**20


class Tables(Protocol):
    """Read access to the published tables (``store.TableCache`` provides it)."""

    def get(self, name: str) -> pd.DataFrame | None: ...

    def metadata(self, name: str) -> dict[str, Any]: ...


def write_parquet(
    frame: pd.DataFrame, path: Path | io.BytesIO, metadata: Mapping[str, Any]
) -> None:
    """Write a frame with the project's key-value metadata added to the Parquet schema."""
    table = pyarrow.Table.from_pandas(frame, preserve_index=False)
    existing = table.schema.metadata or {}
    table = table.replace_schema_metadata(
        {**existing, META_KEY: json.dumps(dict(metadata), sort_keys=True).encode()}
    )
    pyarrow.parquet.write_table(table, path, compression="zstd")


def parquet_bytes(frame: pd.DataFrame, metadata: Mapping[str, Any]) -> bytes:
    """The same Parquet file as ``write_parquet`` writes, in memory (for downloads)."""
    buffer = io.BytesIO()
    write_parquet(frame, buffer, metadata)
    return buffer.getvalue()


def read_metadata(path: Path) -> dict[str, Any]:
    """The project's metadata stored in a Parquet file (citation, vintages, inputs, ...)."""
    meta = pyarrow.parquet.read_schema(path).metadata or {}
    return json.loads(meta.get(META_KEY, b"{}"))


def read_parquet(path: Path) -> pd.DataFrame:
    """Read a Parquet file written by ``write_parquet``."""
    return pd.read_parquet(path)


def publish(
    data: DataDir, tables: dict[str, tuple[pd.DataFrame, dict[str, Any]]], build: dict[str, Any]
) -> Path:
    """Write every table into a new version folder, then point ``processed`` at it atomically."""
    data.versions.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    staging = data.versions / f".staging-{stamp}"
    staging.mkdir()
    try:
        for name, (frame, metadata) in tables.items():
            write_parquet(frame, staging / f"{name}.parquet", metadata)
        (staging / BUILD_FILE).write_text(json.dumps(build, indent=2, sort_keys=True))
        final = data.versions / stamp
        staging.rename(final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _swap_link(data, final)
    _prune(data, keep=final)
    return final


def _swap_link(data: DataDir, target: Path) -> None:
    """Point ``processed`` at ``target`` with one atomic rename of a fresh link."""
    if data.processed.exists() and not data.processed.is_symlink():
        # A plain folder from an older layout or a manual copy: keep it as a version.
        data.processed.rename(data.versions / f"adopted-{time.time_ns()}")
    link = data.root / f".processed-{time.time_ns()}"
    link.symlink_to(os.path.relpath(target, data.root))
    os.replace(link, data.processed)


def _prune(data: DataDir, keep: Path) -> None:
    """Remove old versions, keeping the newest few so a reader mid-load is not cut off."""
    versions = sorted(p for p in data.versions.iterdir() if not p.name.startswith("."))
    for old in versions[:-KEEP_VERSIONS]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)


def build_record(data: DataDir) -> dict[str, Any] | None:
    """The ``_build.json`` of the published version, or None before the first build."""
    path = data.processed / BUILD_FILE
    return json.loads(path.read_text()) if path.exists() else None


def table_path(data: DataDir, name: str) -> Path:
    """Where a published table lives."""
    return data.processed / f"{name}.parquet"


def published_tables(data: DataDir) -> list[str]:
    """Names of the tables in the published version."""
    if not data.processed.exists():
        return []
    return sorted(p.stem for p in data.processed.glob("*.parquet"))


@dataclass
class TableCache:
    """Tables loaded once per process and reloaded when a rebuild publishes a new version."""

    data: DataDir
    _version: str | None = None
    _tables: dict[str, pd.DataFrame | None] = field(default_factory=dict)
    _meta: dict[str, dict[str, Any]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    # Values derived from the tables (choices, an edition's rows, a comparison, a download), some
    # keyed by view: bounded by their size, so a server asked for view after view stays in its
    # memory budget.
    _memo: ByteLRU[tuple[pd.DataFrame, Any]] = field(
        default_factory=lambda: ByteLRU(MEMO_BYTES, size=lambda pair: sizeof(pair[1]))
    )

    def _current_version(self) -> str | None:
        try:
            return (
                os.readlink(self.data.processed)
                if self.data.processed.is_symlink()
                else (str(self.data.processed.stat().st_mtime_ns))
            )
        except OSError:
            return None

    def _refresh(self) -> None:
        version = self._current_version()
        if version != self._version:
            self._tables.clear()
            self._meta.clear()
            self._memo.clear()
            self._version = version

    def _folder(self) -> Path:
        """The version folder this cache reads: the one the link named when last checked, so a
        build that swaps the link between two reads never mixes two versions' tables."""
        if self._version is not None and self.data.processed.is_symlink():
            return self.data.root / self._version
        return self.data.processed

    def get(self, name: str) -> pd.DataFrame | None:
        """The published table, or None if it has not been built."""
        with self._lock:
            self._refresh()
            if name not in self._tables:
                path = self._folder() / f"{name}.parquet"
                self._tables[name] = read_parquet(path) if path.exists() else None
                self._meta[name] = read_metadata(path) if path.exists() else {}
            return self._tables[name]

    def metadata(self, name: str) -> dict[str, Any]:
        """The Parquet key-value metadata of a published table ({} if not built)."""
        self.get(name)
        return self._meta.get(name, {})

    def memo(self, frame: pd.DataFrame, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """``compute()`` once per loaded ``frame`` (a value derived from a published table, such
        as a control's choices); recomputed when a new version replaces the frame. Two threads
        may compute the same value once each, never a stale one."""
        pair = self._memo.get(key, lambda: (frame, compute()), fresh=lambda p: p[0] is frame)
        return pair[1]

    @property
    def version(self) -> str | None:
        with self._lock:
            self._refresh()
            return self._version

"""Where the project's data lives (standard library only, so light commands stay light)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class DataDir:
    """The project's data folder: ``raw/`` (fetched), ``processed/`` (published), caches."""

    root: Path

    @property
    def raw(self) -> Path:
        return self.root / "raw"

    @property
    def processed(self) -> Path:
        return self.root / "processed"

    @property
    def versions(self) -> Path:
        return self.root / ".versions"

    @property
    def cache(self) -> Path:
        return self.root / ".cache"


def default_data_dir() -> DataDir:
    """``$INDICATORS_DATA`` if set, else ``./data``."""
    return DataDir(Path(os.environ.get("INDICATORS_DATA", "data")).resolve())

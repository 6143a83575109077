"""Shared fixtures: the mirror of the publishers' real files, beside the repository root."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MIRROR = Path(os.environ.get("INDICATORS_MIRROR", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The folder of real publisher files (``../shared/data``, or $INDICATORS_MIRROR)."""
    if not MIRROR.is_dir():
        pytest.fail(f"the publishers' files are expected in {MIRROR}; set INDICATORS_MIRROR")
    return MIRROR

"""Shared fixtures: the mirror of the publishers' real files, beside the repository root."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
MIRROR = Path(os.environ.get("INDICATORS_MIRROR", REPO.parent / "shared" / "data"))


def pytest_configure(config):
    """Hermetic tests: the default data folder is an empty one made for the run, so a test that
    leans on the project's own ``data/`` (or on the app's tables without setting them) fails
    here as it would in a fresh clone."""
    import tempfile

    os.environ["INDICATORS_DATA"] = tempfile.mkdtemp(prefix="indicators-empty-data-")


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The folder of real publisher files (``../shared/data``, or $INDICATORS_MIRROR)."""
    if not MIRROR.is_dir():
        pytest.fail(f"the publishers' files are expected in {MIRROR}; set INDICATORS_MIRROR")
    return MIRROR


@pytest.fixture(scope="session")
def published(tmp_path_factory, mirror):
    """The real files fetched from the mirror and built once per session. Tests only read it."""
    from indicators.contract import store
    from indicators.etl.build import build
    from indicators.etl.fetch import fetch

    data = store.DataDir(tmp_path_factory.mktemp("published"))
    fetch(data, from_dir=mirror, progress=lambda _: None)
    build(data, progress=lambda _: None)
    return data


@pytest.fixture(scope="session")
def tables(published):
    """The published tables, loaded once per session."""
    from indicators.contract import store

    return store.TableCache(published)

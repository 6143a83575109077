"""The table cache across a publish: one version at a time, the new one from the next check."""

from __future__ import annotations

import pandas as pd

from indicators.contract import store


def publish(data: store.DataDir, value: float) -> None:
    frames = {
        name: (pd.DataFrame({"value": [value]}), {"edition": str(value)}) for name in ("a", "b")
    }
    store.publish(data, frames, {"built": value})


def test_a_publish_between_two_reads_never_mixes_versions(tmp_path):
    data = store.DataDir(tmp_path)
    publish(data, 1.0)
    cache = store.TableCache(data)
    first = cache.version
    assert cache.get("a")["value"].tolist() == [1.0]
    publish(data, 2.0)  # the link swaps while a request is between its reads
    # The next read re-checks the link: the cache moves to the new version as a whole ...
    assert cache.get("b")["value"].tolist() == [2.0]
    assert cache.get("a")["value"].tolist() == [2.0]
    assert cache.version != first
    # ... and a version already checked is read from its own folder, whatever the link says.
    pinned = store.TableCache(data)
    pinned._version = first
    pinned._tables.clear()
    assert pinned._folder().name == first.rsplit("/", 1)[-1]
    assert store.read_metadata(pinned._folder() / "a.parquet") == {"edition": "1.0"}

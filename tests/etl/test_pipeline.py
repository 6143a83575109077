"""The whole pipeline on the real files: fetch from the mirror, build, publish, re-build."""

from __future__ import annotations

import hashlib
import math
from pathlib import Path

import pandas as pd
import pytest

from indicators.contract import schemas, store
from indicators.etl.build import BuildError, build, summary
from indicators.etl.fetch import fetch

TABLES = sorted(schemas.MODELS)  # every model of the contract is published


def tree_digest(folder) -> dict[str, str]:
    """sha256 of every file under a folder, following the processed link."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory, mirror):
    data = store.DataDir(tmp_path_factory.mktemp("data"))
    fetch(data, from_dir=mirror, progress=lambda _: None)
    lines: list[str] = []
    build(data, progress=lines.append)
    return data, lines


def test_build_publishes_every_table_of_the_contract(built):
    data, lines = built
    assert store.published_tables(data) == TABLES
    assert {"internet_use", "broadband_price", "bandwidth", "claims", "editions"} <= set(TABLES)
    assert any(f"published {len(TABLES)} tables" in line for line in lines)
    assert data.processed.is_symlink()


def test_every_table_carries_citation_vintage_licence_and_input_hashes(built, mirror):
    data, _ = built
    for name in TABLES:
        meta = store.read_metadata(store.table_path(data, name))
        assert meta["citation"] and meta["licence"] and meta["built_at"]
        assert meta["vintages"]
        for key, entry in meta["inputs"].items():
            mirrored = mirror / entry["path"]
            assert entry["sha256"] == hashlib.sha256(mirrored.read_bytes()).hexdigest(), key
            assert meta["editions"][key]["sha256"] == entry["sha256"]
    internet = store.read_metadata(store.table_path(data, "internet_use"))
    assert internet["vintages"]["itu_aggregates@2019-10"] == "2019-10"
    assert "World Development Indicators" in internet["citation"]
    wdi = internet["editions"]["wdi@2026-07"]
    assert wdi["citation"].endswith("(last updated 13 Jul 2026)")
    assert wdi["retrieved_at"].endswith("+00:00")
    entities = store.read_metadata(store.table_path(data, "entities"))
    assert entities["derived_from"]["development_status"] == ["m49@2021"]
    assert entities["derived_from"]["ldc"][0] == "m49@2026-07"


def test_editions_live_side_by_side(built):
    data, _ = built
    use = store.read_parquet(store.table_path(data, "internet_use"))
    world = use[(use.entity_id == "WLD") & (use.year == 2019) & (use.sex == "total")]
    by_edition = world.set_index(["source", "vintage"])["value_pct"].round(1)
    assert by_edition[("itu_aggregates", "2019-10")] == 53.6
    assert by_edition[("itu_aggregates", "2024-11")] == 52.9
    assert by_edition[("wdi", "2026-07")] == 53.9
    assert by_edition[("wdi", "2026-02")] == 53.9


def test_entities_cover_every_code_and_carry_classifications(built):
    data, _ = built
    ent = store.read_parquet(store.table_path(data, "entities")).set_index("entity_id")
    assert ent.loc["NAM", "name"] == "Namibia"
    assert ent.loc["BTN", "ldc"] == False  # noqa: E712  graduated in 2023: current list
    assert ent.loc["DEU", "development_status"] == "developed"
    assert ent.loc["KEN", "wb_region"] == "SSF" and ent.loc["KEN", "itu_region"] == "ITU_AFR"
    assert ent.loc["TWN", "kind"] == "economy"  # only in ITU's economy list
    assert ent.loc["LDC", "kind"] == "group" and ent.loc["ITU_CIS", "grouping"] == "itu_region"
    assert (ent.kind == "economy").sum() >= 250


def test_claims_have_an_honest_status(built):
    data, _ = built
    claims = store.read_parquet(store.table_path(data, "claims"))
    by = claims.set_index(["claim_id", "vintage"])
    # 86.6 / 19.1 in the Oct 2019 edition: more than four times
    assert by.loc[("1", "2019-10"), "recomputed_value"] == pytest.approx(86.6 / 19.1, abs=0.01)
    assert by.loc[("1", "2019-10"), "status"] == "confirmed"
    # The Nov 2024 edition has no developed group
    assert by.loc[("1", "2024-11"), "status"] == "not computable"
    # ITU revised the gender estimates: world 2019 is now (55.5 - 50.4) / 55.5 = 9.2 %
    gap = by.loc[("2a", "2024-11")]
    assert gap["status"] == "revised"
    assert gap["recomputed_value"] == pytest.approx(9.19, abs=0.1)
    assert gap["reported_value"] == 17
    assert by.loc[("2a", "2019-10"), "status"] == "not computable"
    assert set(claims["claim_id"]) >= {"1", "2a", "2b", "2c", "3", "4a", "4b", "4c", "4d"}
    assert not math.isnan(by.loc[("3", "2019-10"), "recomputed_value"])


def test_noop_rebuild_leaves_processed_untouched(built):
    data, _ = built
    before = tree_digest(data.processed)
    target = data.processed.resolve()
    lines: list[str] = []
    build(data, progress=lines.append)
    assert lines == ["nothing changed since the last build; data/processed left as it is"]
    assert data.processed.resolve() == target
    assert tree_digest(data.processed) == before


def test_changed_input_reprocesses_only_that_file(built, mirror, tmp_path):
    data = store.DataDir(tmp_path / "data")
    fetch(data, from_dir=mirror, progress=lambda _: None)
    # Share the cache of the module build so unchanged files are not read again.
    data.cache.symlink_to(built[0].cache)
    wdi = data.raw / "worldbank" / "API_IT.NET.USER.ZS_DS2_en_csv_v2_33086.csv"
    wdi.write_bytes(wdi.read_bytes() + b"\r\n")
    lines: list[str] = []
    build(data, progress=lines.append)
    read = [line for line in lines if line.startswith("[") and "cached" not in line]
    assert len(read) == 1 and "33086.csv (wdi@2026-07)" in read[0]


def test_a_changed_file_without_a_stated_edition_is_not_relabelled(built, mirror, tmp_path):
    """An M49 export edited in place states no date: it is refused, not published as 2026-07."""
    data = store.DataDir(tmp_path / "data")
    fetch(data, from_dir=mirror, progress=lambda _: None)
    build(data, progress=lambda _: None)
    m49 = data.raw / "un" / "UNSD_M49_overview_2026.csv"
    m49.write_bytes(m49.read_bytes() + b"\n")
    with pytest.raises(BuildError) as info:
        build(data, progress=lambda _: None)
    assert "changed since it was read as m49@2026-07" in info.value.report[0]
    assert "--edition" in info.value.report[0]


def test_build_with_nothing_fetched_publishes_claims_and_groups(tmp_path):
    data = store.DataDir(tmp_path / "data")
    build(data, progress=lambda _: None)
    assert store.published_tables(data) == ["claims", "editions", "entities"]
    claims = store.read_parquet(store.table_path(data, "claims"))
    assert (claims["status"] == "not computable").all()
    assert claims["reported_value"].notna().all()
    entities = store.read_parquet(store.table_path(data, "entities"))
    assert {"WLD", "LDC", "DEVELOPED", "ITU_AFR", "HIC"} <= set(entities["entity_id"])


def test_info_summarises_tables(built):
    data, _ = built
    rows = {r["table"]: r for r in summary(data)}
    assert rows["internet_use"]["rows"] > 10_000
    assert "itu_aggregates 2019-10" in rows["internet_use"]["sources"]
    assert rows["bandwidth"]["years"].startswith("20")
    assert isinstance(pd.Timestamp(rows["claims"]["built_at"]), pd.Timestamp)


def test_readme_contract_is_generated_from_the_schemas():
    """The README's table descriptions are the pandera models', regenerated, never hand-kept."""
    from indicators.contract import readme

    text = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert readme.replace_in(text) == text, "run `python -m indicators.contract`"

"""The UN M49 reader on both real editions."""

from __future__ import annotations

import pytest

from indicators.contract.errors import SourceError
from indicators.etl.codes import normalise_name
from indicators.etl.sources import m49


def test_2021_edition_with_development_status(mirror):
    frame = m49.transform(m49.extract(mirror / "un/UNSD_M49_overview_2021.csv"))
    assert len(frame) == 248  # 249 rows; Sark has no ISO code
    assert frame.ldc.sum() == 46 and frame.lldc.sum() == 32 and frame.sids.sum() == 53
    counts = frame.development_status.value_counts().to_dict()
    assert counts == {"developing": 182, "developed": 65}
    rows = frame.set_index("entity_id")
    assert rows.loc["NAM", "name"] == "Namibia"
    assert rows.loc["DZA", "m49"] == "012"
    assert rows.loc["BTN", "ldc"]


def test_2026_edition_semicolons_and_bom(mirror):
    frame = m49.transform(m49.extract(mirror / "un/UNSD_M49_overview_2026.csv"))
    assert len(frame) == 248
    assert frame.ldc.sum() == 44
    rows = frame.set_index("entity_id")
    assert not rows.loc["BTN", "ldc"] and not rows.loc["STP", "ldc"]
    assert rows.loc["TUR", "name"] == "Türkiye"
    assert frame.development_status.isna().all()


def test_name_index_matches_accents_and_case(mirror):
    frame = m49.transform(m49.extract(mirror / "un/UNSD_M49_overview_2026.csv"))
    names = m49.name_index(frame)
    assert names[normalise_name("Türkiye")] == "TUR"
    assert names[normalise_name("Côte d'Ivoire")] == "CIV"
    assert names[normalise_name("CÔTE D’IVOIRE ")] == "CIV"


def test_empty_file(tmp_path):
    path = tmp_path / "m49.csv"
    path.write_bytes(b"")
    with pytest.raises(SourceError, match=r"m49\.csv: file is empty"):
        m49.extract(path)

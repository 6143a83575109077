"""The WDI reader on both real editions and their country metadata."""

from __future__ import annotations

import pytest

from indicators.contract.errors import SourceError
from indicators.etl.sources import wdi

NEW = "worldbank/API_IT.NET.USER.ZS_DS2_en_csv_v2_33086.csv"
OLD = "worldbank/API_IT.NET.USER.ZS_DS2_en_csv_v2_1228.csv"
META = "worldbank/Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_1228.csv"


def values(frame, code):
    rows = frame[frame.entity_id == code]
    return dict(zip(rows.year, rows.value_pct.round(1), strict=True))


def test_newest_edition_with_excel_resaved_preamble(mirror):
    raw = wdi.extract(mirror / NEW)
    assert raw.attrs["last_updated"] == "2026-07-13"
    assert raw.attrs["header_line"] == 5
    use = wdi.transform(raw, "2026-07")
    world = values(use, "WLD")
    assert (world[2019], world[2023], world[2024], world[2025]) == (53.9, 69.2, 71.2, 73.6)
    assert values(use, "LDC")[2019] == 21.2 and values(use, "HIC")[2019] == 87.5
    assert "INX" not in set(use.entity_id)
    assert use.groupby("year").entity_id.nunique()[2025] < 60
    assert not use.duplicated(["entity_id", "year"]).any()


def test_older_edition_without_preamble_and_with_trailing_comma(mirror):
    raw = wdi.extract(mirror / OLD)
    assert raw.attrs["last_updated"] is None
    assert not any(c.startswith("Unnamed") for c in raw.columns)
    use = wdi.transform(raw, "2026-02")
    assert values(use, "WLD")[2019] == 53.9
    assert use.year.max() == 2024


def test_float32_noise_is_rounded_away(mirror):
    use = wdi.transform(wdi.extract(mirror / NEW), "2026-07")
    assert (use.value_pct.round(6) == use.value_pct).all()


def test_transform_does_not_mutate_raw(mirror):
    raw = wdi.extract(mirror / NEW)
    copy = raw.copy()
    wdi.transform(raw, "2026-07")
    assert raw.equals(copy)


def test_country_metadata(mirror):
    meta = wdi.transform_country_metadata(wdi.extract_country_metadata(mirror / META))
    assert len(meta) == 217
    assert meta.income_group.value_counts().to_dict() == {
        "HIC": 86,
        "UMC": 54,
        "LMC": 50,
        "LIC": 25,
    }
    assert set(meta.loc[meta.income_group.isna(), "entity_id"]) == {"ETH", "VEN"}
    assert meta.set_index("entity_id").loc["PAK", "wb_region"] == "MEA"


def test_publisher_layout_with_quotes_and_preamble(tmp_path, mirror):
    # The publisher's own download: quoted fields and the 4-line preamble.
    lines = (mirror / OLD).read_text(encoding="utf-8-sig").splitlines()
    preamble = [
        '"Data Source","World Development Indicators",',
        "",
        '"Last Updated Date","2026-01-28",',
        "",
    ]
    path = tmp_path / "API_IT.NET.USER.ZS_DS2_en_csv_v2_9999.csv"
    path.write_text("\ufeff" + "\r\n".join(preamble + lines[1:]) + "\r\n", encoding="utf-8")
    raw = wdi.extract(path)
    assert raw.attrs["last_updated"] == "2026-01-28"
    assert values(wdi.transform(raw, "x"), "WLD")[2019] == 53.9


def test_header_not_found(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(SourceError, match="no header row starting with 'Country Name'"):
        wdi.extract(path)


def test_wrong_indicator_is_named(tmp_path, mirror):
    text = (
        (mirror / OLD).read_text(encoding="utf-8-sig").replace("IT.NET.USER.ZS", "SP.POP.TOTL", 1)
    )
    path = tmp_path / "w.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(
        SourceError,
        match=r"row 3, column Indicator Code: a WDI file of indicator SP.POP.TOTL \(Individuals "
        r"using the Internet \(% of population\)\), not IT.NET.USER.ZS",
    ):
        wdi.transform(wdi.extract(path), "x")

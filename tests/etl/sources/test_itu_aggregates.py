"""ITU key ICT indicator aggregates: both real editions, a next-edition look-alike, damage."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook

from indicators.contract.errors import SourceError
from indicators.etl.codes import ITU_REGIONS
from indicators.etl.sources import itu_aggregates as itu

OCT2019 = "itu/ITU_Key_2005-2019_ICT_data_with_LDCs_28Oct2019_Final.xls"
NOV2024 = "itu/ITU_regional_global_Key_ICT_indicator_aggregates_Nov_2024.xlsx"
DVPMNT = "By dvpmnt status and spec. reg."
BDT = "By BDT region"

Raw = dict[str, pd.DataFrame]


@pytest.fixture(scope="module")
def raw2019(mirror: Path) -> Raw:
    return itu.extract(mirror / OCT2019)


@pytest.fixture(scope="module")
def raw2024(mirror: Path) -> Raw:
    return itu.extract(mirror / NOV2024)


@pytest.fixture(scope="module")
def internet2019(raw2019: Raw) -> pd.DataFrame:
    return itu.transform_internet_use(raw2019, "2019-10")


@pytest.fixture(scope="module")
def internet2024(raw2024: Raw) -> pd.DataFrame:
    return itu.transform_internet_use(raw2024, "2024-11")


@pytest.fixture(scope="module")
def bandwidth2019(raw2019: Raw) -> pd.DataFrame:
    return itu.transform_bandwidth(raw2019, "2019-10")


@pytest.fixture(scope="module")
def bandwidth2024(raw2024: Raw) -> pd.DataFrame:
    return itu.transform_bandwidth(raw2024, "2024-11")


def _row(frame: pd.DataFrame, entity: str, year: int, sex: str | None = None) -> pd.Series:
    """The one row of `frame` for an entity and year (and sex, if the frame has one)."""
    mask = (frame["entity_id"] == entity) & (frame["year"] == year)
    if sex is not None:
        mask &= frame["sex"] == sex
    rows = frame[mask]
    assert len(rows) == 1, f"{entity} {year} {sex}: {len(rows)} rows"
    return rows.iloc[0]


def _pct(frame: pd.DataFrame, entity: str, year: int, sex: str = "total") -> float:
    """Internet use in % for one group, year and sex, rounded as ITU publishes it."""
    return round(float(_row(frame, entity, year, sex)["value_pct"]), 1)


def _damaged(raw: Raw, sheet: str, excel_row: int, col: int, value: object) -> Raw:
    """A copy of the raw grids with one cell replaced (1-based Excel row, 0-based column)."""
    grid = raw[sheet].copy()
    grid[col] = grid[col].astype(object)
    grid.iat[excel_row - 1, col] = value
    return {**raw, sheet: grid}


def _find(grid: pd.DataFrame, text: str) -> tuple[int, int]:
    """(1-based Excel row, 0-based column) of the first cell whose text starts with `text`."""
    for row, values in enumerate(grid.itertuples(index=False)):
        for col, value in enumerate(values):
            if isinstance(value, str) and value.strip().startswith(text):
                return row + 1, col
    raise AssertionError(f"{text!r} not in the grid")


def _write_workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """A small .xlsx written with openpyxl, one list of rows per sheet."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


# ---------------------------------------------------------------------------------------------
# extract


def test_extract_keeps_raw_grids(raw2019: Raw, raw2024: Raw) -> None:
    assert list(raw2019) == ["Sheet1"]
    assert raw2019["Sheet1"].shape == (189, 31)
    assert list(raw2024) == [DVPMNT, BDT, "By urban-rural area", "By gender", "Internet use by age"]
    grid = raw2024[DVPMNT]
    assert grid.attrs["file"].endswith(Path(NOV2024).name)
    assert grid.attrs["sheet"] == DVPMNT
    # No header row taken and no cleaning: the title is cell A1 and ITU's 'N/A' marks stay.
    assert grid.iat[0, 0].startswith("Key ICT indicators for the world")
    assert (grid == "N/A").any().any()
    assert raw2019["Sheet1"].iat[3, 15] == "2019*"


def test_extract_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    with pytest.raises(SourceError, match="empty") as info:
        itu.extract(path)
    assert "empty.xlsx" in str(info.value)


def test_extract_truncated_file(tmp_path: Path, mirror: Path) -> None:
    path = tmp_path / "truncated.xlsx"
    path.write_bytes((mirror / NOV2024).read_bytes()[:1000])
    with pytest.raises(SourceError, match="cannot be read") as info:
        itu.extract(path)
    assert "truncated.xlsx" in str(info.value)


def test_extract_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="cannot be read"):
        itu.extract(tmp_path / "nowhere.xlsx")


# ---------------------------------------------------------------------------------------------
# published figures


def test_oct2019_internet_headline(internet2019: pd.DataFrame) -> None:
    expected = {"DEVELOPED": 86.6, "LDC": 19.1, "DEVELOPING": 47.0, "WLD": 53.6}
    assert {code: _pct(internet2019, code, 2019) for code in expected} == expected
    assert _row(internet2019, "WLD", 2019, "total")["estimate"]
    # Only the starred 2019 header is an estimate.
    assert set(internet2019.loc[internet2019["estimate"], "year"]) == {2019}
    assert round(_row(internet2019, "WLD", 2005, "total")["users_millions"], 2) == 1100.36
    assert set(internet2019["sex"]) == {"total"}


def test_oct2019_bandwidth_in_gbps_and_kbps(bandwidth2019: pd.DataFrame) -> None:
    assert round(_row(bandwidth2019, "DEVELOPED", 2019)["per_user_kbps"], 1) == 189.1
    assert round(_row(bandwidth2019, "LDC", 2019)["per_user_kbps"], 1) == 21.3
    # Gbit/s already: no conversion.
    assert _row(bandwidth2019, "WLD", 2019)["bandwidth_gbps"] == pytest.approx(485662.39, abs=0.01)
    # The block only fills 2015-2019; the empty 2005-2014 cells are dropped, not NaN rows.
    assert set(bandwidth2019["year"]) == set(range(2015, 2020))


def test_nov2024_internet_headline(internet2024: pd.DataFrame) -> None:
    assert [_pct(internet2024, "WLD", year) for year in (2019, 2023, 2024)] == [52.9, 65.4, 67.6]
    assert _pct(internet2024, "LDC", 2019) == 21.9  # sheet 1; 'By gender' says 21.8
    assert _pct(internet2024, "HIC", 2019) == 87.5
    assert _row(internet2024, "WLD", 2024, "total")["users_millions"] == pytest.approx(5508.8)
    assert internet2024["estimate"].all()  # "All data are ITU estimates"


def test_nov2024_internet_by_sex(internet2024: pd.DataFrame) -> None:
    published = {2019: (50.4, 55.5), 2023: (63.0, 67.7), 2024: (65.3, 69.5)}
    for year, (female, male) in published.items():
        assert (
            _pct(internet2024, "WLD", year, "female"),
            _pct(internet2024, "WLD", year, "male"),
        ) == (
            female,
            male,
        )
    women = internet2024[internet2024["sex"] == "female"]
    assert women["users_millions"].isna().all()
    assert set(women["year"]) == set(range(2019, 2025))
    # The regions sit under a repeated year header below the groups, in the same block.
    assert set(ITU_REGIONS) <= set(women["entity_id"])


def test_nov2024_bandwidth_converted_from_tbps(bandwidth2024: pd.DataFrame) -> None:
    world2019, world2024 = _row(bandwidth2024, "WLD", 2019), _row(bandwidth2024, "WLD", 2024)
    assert world2019["bandwidth_gbps"] == pytest.approx(556_400)
    assert world2019["per_user_kbps"] == pytest.approx(134.9)
    assert world2024["bandwidth_gbps"] == pytest.approx(1_778_500)
    assert world2024["per_user_kbps"] == pytest.approx(322.8)
    assert _row(bandwidth2024, "LDC", 2019)["bandwidth_gbps"] == pytest.approx(4_600)
    assert _row(bandwidth2024, "LDC", 2024)["bandwidth_gbps"] == pytest.approx(30_400)
    # Per-user figures are N/A for SIDS and for Europe: kept as NaN beside the total.
    assert np.isnan(_row(bandwidth2024, "SIDS", 2024)["per_user_kbps"])
    assert np.isnan(_row(bandwidth2024, "ITU_EUR", 2024)["per_user_kbps"])


# ---------------------------------------------------------------------------------------------
# shape of the output, on both editions


@pytest.mark.parametrize("edition", ["2019", "2024"])
def test_six_itu_regions_in_both_editions(edition: str, request: pytest.FixtureRequest) -> None:
    for name in ("internet", "bandwidth"):
        frame = request.getfixturevalue(f"{name}{edition}")
        assert set(ITU_REGIONS) <= set(frame["entity_id"]), name
        assert len(ITU_REGIONS) == 6


@pytest.mark.parametrize("edition", ["2019", "2024"])
def test_columns_types_and_unique_key(edition: str, request: pytest.FixtureRequest) -> None:
    internet = request.getfixturevalue(f"internet{edition}")
    bandwidth = request.getfixturevalue(f"bandwidth{edition}")
    assert list(internet.columns) == itu.INTERNET_COLUMNS
    assert list(bandwidth.columns) == itu.BANDWIDTH_COLUMNS
    assert not internet.duplicated(itu.INTERNET_KEY).any()
    assert not bandwidth.duplicated(itu.BANDWIDTH_KEY).any()
    assert internet["value_pct"].notna().all() and internet["value_pct"].between(0, 100).all()
    assert bandwidth["bandwidth_gbps"].notna().all()
    assert internet["year"].dtype == "int64" and internet["estimate"].dtype == "bool"
    assert set(internet["source"]) == set(bandwidth["source"]) == {"itu_aggregates"}
    assert set(internet["vintage"]) == {f"{edition}-{'10' if edition == '2019' else '11'}"}
    assert set(internet["sex"]) <= {"total", "female", "male"}


def test_transforms_do_not_mutate_input(raw2024: Raw, raw2019: Raw) -> None:
    for raw in (raw2019, raw2024):
        before = {name: grid.copy(deep=True) for name, grid in raw.items()}
        itu.transform_internet_use(raw, "v")
        itu.transform_bandwidth(raw, "v")
        assert list(raw) == list(before)
        for name, grid in raw.items():
            pd.testing.assert_frame_equal(grid, before[name])
            assert grid.attrs == before[name].attrs


def test_blocks_found_wherever_they_sit(raw2019: Raw, internet2019: pd.DataFrame) -> None:
    grid = raw2019["Sheet1"]
    # Three blank rows above and two blank columns before every cell.
    rows = [["", "", *values] for values in grid.itertuples(index=False)]
    shifted = pd.DataFrame([[""] * (grid.shape[1] + 2)] * 3 + rows)
    shifted.attrs = dict(grid.attrs)
    moved = itu.transform_internet_use({"Sheet1": shifted}, "2019-10")
    pd.testing.assert_frame_equal(moved, internet2019)


def test_next_edition_lookalike_loads(tmp_path: Path) -> None:
    """Fewer years, a new year 2025, reordered groups, headers below or inside the title row."""
    units = ["Tbit/s**", None, None, "Per Internet user (kbit/s)"]
    path = _write_workbook(
        tmp_path / "next.xlsx",
        {
            DVPMNT: [
                ["Key ICT indicators for the world and special regions"],
                [],
                ["Individuals using the Internet", "Millions", None, None, "Percentage"],
                [None, 2024, 2025.0, None, 2024, 2025.0],
                ["High-income", 1200, 1210, None, 93.4, 94.0],
                ["World", 5500.0, 5600.0, None, 67.6, 70.1],
                [],
                ["International bandwidth usage", *units],
                [None, 2024, 2025, None, 2024, 2025],
                ["Least Developed Countries (LDCs)", 30.4, "N/A", None, 73.1, "N/A"],
                [],
                ["All data are ITU estimates"],
            ],
            BDT: [
                [None, "Millions", None, None, "Percentage"],
                ["Individuals using the Internet(Millions)", 2024, 2025, None, 2024, 2025],
                ["Africa", 500, 520, None, 37.5, 39.0],
                [],
                [None, *units],
                ["International bandwidth usage(Tbits/s**)", 2024, 2025, None, 2024, 2025],
                ["Africa", 36.6, 40.0, None, 80.1, 85.0],
            ],
            "By gender": [
                [None, "Total", None, None, "Female", None, None, "Male"],
                [None, 2024, 2025, None, 2024, 2025, None, 2024, 2025],
                ["Percentage of individuals using the Internet, by gender"],
                ["World", 67.6, 70.1, None, 65.3, 68.0, None, 69.5, 72.0],
                [],
                [None, 2024, 2025, None, 2024, 2025, None, 2024, 2025],
                ["Africa", 37.5, 39.0, None, 31.4, 33.0, None, 43.4, 45.0],
            ],
        },
    )
    raw = itu.extract(path)
    internet = itu.transform_internet_use(raw, "2025-11")
    assert _pct(internet, "WLD", 2025) == 70.1
    assert _pct(internet, "ITU_AFR", 2025, "male") == 45.0
    assert _row(internet, "HIC", 2025, "total")["users_millions"] == 1210
    assert len(internet) == 6 + 8  # 3 groups x 2 years total; 2 groups x 2 years x 2 sexes
    # 'All data are ITU estimates' is only on the first sheet here.
    estimated = internet.loc[internet["estimate"], ["entity_id", "sex"]].drop_duplicates()
    assert sorted(map(tuple, estimated.to_numpy())) == [("HIC", "total"), ("WLD", "total")]
    bandwidth = itu.transform_bandwidth(raw, "2025-11")
    assert _row(bandwidth, "ITU_AFR", 2025)["bandwidth_gbps"] == pytest.approx(40_000)
    assert len(bandwidth[bandwidth["entity_id"] == "LDC"]) == 1  # 2025 is N/A


# ---------------------------------------------------------------------------------------------
# damaged input


def test_renamed_sheet(tmp_path: Path, raw2024: Raw) -> None:
    path = tmp_path / "renamed.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for name, grid in raw2024.items():
            new_name = "Regions" if name == BDT else name
            grid.to_excel(writer, sheet_name=new_name, header=False, index=False)
    raw = itu.extract(path)
    for transform in (itu.transform_internet_use, itu.transform_bandwidth):
        with pytest.raises(SourceError) as info:
            transform(raw, "2024-11")
        assert info.value.sheet == BDT
        assert "missing or renamed" in str(info.value)
        assert "'Regions'" in str(info.value) and "renamed.xlsx" in str(info.value)


def test_unknown_workbook(tmp_path: Path) -> None:
    raw = itu.extract(_write_workbook(tmp_path / "other.xlsx", {"Data": [["Hello", 1]]}))
    with pytest.raises(SourceError, match="not a known edition") as info:
        itu.transform_internet_use(raw, "x")
    assert "['Data']" in str(info.value)


def test_missing_block(raw2024: Raw) -> None:
    row, col = _find(raw2024[BDT], "Individuals using the Internet")
    raw = _damaged(raw2024, BDT, row, col, "Internet users(Millions)")
    with pytest.raises(SourceError, match="'Individuals using the Internet'") as info:
        itu.transform_internet_use(raw, "2024-11")
    assert info.value.sheet == BDT
    row, col = _find(raw2024[DVPMNT], "International bandwidth")
    raw = _damaged(raw2024, DVPMNT, row, col, "Bandwidth")
    with pytest.raises(SourceError, match="'International bandwidth'"):
        itu.transform_bandwidth(raw, "2024-11")


def test_non_numeric_cell_names_sheet_row_and_column(raw2024: Raw) -> None:
    # World, 2019, % of population: Excel cell AK127 (column index 36).
    assert raw2024[DVPMNT].iat[126, 36] == 52.9
    raw = _damaged(raw2024, DVPMNT, 127, 36, "abc")
    with pytest.raises(SourceError) as info:
        itu.transform_internet_use(raw, "2024-11")
    error = info.value
    assert (error.sheet, error.row, error.column, error.value) == (DVPMNT, 127, "AK", "abc")
    assert f"sheet '{DVPMNT}', row 127, column AK" in str(error)
    assert "(found 'abc')" in str(error)


def test_non_numeric_cell_in_legacy_xls(raw2019: Raw) -> None:
    # LDCs, 2019 estimate, kbit/s per user: Excel cell AE55.
    assert round(raw2019["Sheet1"].iat[54, 30], 1) == 21.3
    raw = _damaged(raw2019, "Sheet1", 55, 30, "abc")
    with pytest.raises(SourceError, match="row 55, column AE"):
        itu.transform_bandwidth(raw, "2019-10")


def test_percentage_above_100(raw2019: Raw) -> None:
    # World, 2019 estimate, % of population: Excel cell AE75.
    assert round(raw2019["Sheet1"].iat[74, 30], 1) == 53.6
    raw = _damaged(raw2019, "Sheet1", 75, 30, 140)
    with pytest.raises(SourceError, match="outside 0-100") as info:
        itu.transform_internet_use(raw, "2019-10")
    assert (info.value.row, info.value.column, info.value.value) == (75, "AE", 140.0)


def test_percentage_above_100_in_sex_split(raw2024: Raw) -> None:
    row, _col = _find(raw2024["By gender"], "Percentage of individuals using the Internet")
    raw = _damaged(raw2024, "By gender", row + 1, 8, 140.0)  # World, female, first year
    with pytest.raises(SourceError, match="outside 0-100") as info:
        itu.transform_internet_use(raw, "2024-11")
    assert (info.value.sheet, info.value.row, info.value.column) == ("By gender", row + 1, "I")


def test_unknown_row_label(raw2024: Raw) -> None:
    assert raw2024[DVPMNT].iat[126, 0] == "World"
    raw = _damaged(raw2024, DVPMNT, 127, 0, "Wrold")
    with pytest.raises(SourceError, match="unknown row label") as info:
        itu.transform_internet_use(raw, "2024-11")
    assert (info.value.row, info.value.column, info.value.value) == (127, "A", "Wrold")


@pytest.mark.parametrize("mark", ["N/A", "..", "-", "", "  "])
def test_missing_marks_are_dropped(raw2024: Raw, mark: str) -> None:
    internet = itu.transform_internet_use(_damaged(raw2024, DVPMNT, 127, 36, mark), "v")
    world = internet[(internet["entity_id"] == "WLD") & (internet["sex"] == "total")]
    assert 2019 not in set(world["year"]) and 2018 in set(world["year"])


def test_estimate_follows_the_note(raw2024: Raw) -> None:
    raw = raw2024
    for sheet in (DVPMNT, BDT):
        row, col = _find(raw[sheet], "All data are ITU estimates")
        raw = _damaged(raw, sheet, row, col, "")
    internet = itu.transform_internet_use(raw, "2024-11")
    by_sex = internet.groupby("sex")["estimate"].agg(["any", "all"])
    assert not by_sex.loc["total", "any"]  # no note left on the sheets with totals
    assert by_sex.loc["female", "all"] and by_sex.loc["male", "all"]


# ---------------------------------------------------------------------------------------------
# strict reading: a year past the limit, a year given twice, a sex outside the vocabulary

SHEET = "By dvpmnt status and spec. reg."


def _internet_header(raw: Raw, last: bool = False) -> tuple[int, int]:
    """(1-based row, 0-based column) of a 2024 header cell over the Internet users: over the
    millions (column U), or with ``last`` over the percentages (column AP)."""
    title_row, _ = _find(raw[SHEET], "Individuals using the Internet")
    header = raw[SHEET].iloc[title_row]  # the year-header row is just below the title
    columns = [c for c, v in enumerate(header) if v == 2024]
    return title_row + 1, columns[-1 if last else 0]


def test_a_year_header_past_the_limit_names_its_cell(raw2024: Raw) -> None:
    """Before, this ended in KeyError: 'value'."""
    row, col = _internet_header(raw2024, last=True)
    damaged = {**raw2024}
    for column in _internet_header(raw2024)[1], col:
        damaged = _damaged(damaged, SHEET, row, column, 2030)
    with pytest.raises(SourceError) as info:
        itu.transform_internet_use(damaged, "2024-11", max_year=2027)
    err = info.value
    assert (err.sheet, err.row, err.column) == (SHEET, row + 1, "AP")
    assert "year 2030 is after 2027, the year after the file was retrieved" in str(err)
    assert err.value == 67.6


def test_a_year_in_one_run_of_a_block_only_is_refused(raw2024: Raw) -> None:
    """2030 over the millions and 2024 over the percentages: the millions would be dropped."""
    row, col = _internet_header(raw2024)
    with pytest.raises(SourceError) as info:
        itu.transform_internet_use(_damaged(raw2024, SHEET, row, col, 2030), "2024-11")
    assert (info.value.row, info.value.column) == (row, "U")
    assert "year 2030 heads one run of year columns and not the other" in str(info.value)


def test_a_year_given_twice_in_a_header_is_refused(raw2024: Raw) -> None:
    row, col = _internet_header(raw2024)
    damaged = _damaged(raw2024, SHEET, row, col, 2023)  # ..., 2022, 2023, 2023 | 2005, ...
    with pytest.raises(SourceError) as info:
        itu.transform_internet_use(damaged, "2024-11")
    assert (info.value.row, info.value.column) == (row, "U")
    assert "year 2023 appears twice in this header (columns T and U)" in str(info.value)


def test_a_sex_outside_the_vocabulary_is_refused(raw2024: Raw) -> None:
    row, col = _find(raw2024["By gender"], "Female")
    damaged = _damaged(raw2024, "By gender", row, col, "Females and girls")
    with pytest.raises(SourceError) as info:
        itu.transform_internet_use(damaged, "2024-11")
    assert "a sex outside the format's vocabulary" in str(info.value)
    assert info.value.value == "Females and girls"

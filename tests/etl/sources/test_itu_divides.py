"""The divides beyond the four in ITU's workbooks: Internet use by area and by age, network
coverage, phone ownership, and urban and rural use by economy. Every number is compared with the
workbook's own cell, read here with openpyxl (.xlsx) or python-calamine (.xls), not the reader."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl import Workbook
from python_calamine import CalamineWorkbook

from indicators.contract import schemas
from indicators.contract.errors import SourceError
from indicators.etl.sources import itu_aggregates as itu
from indicators.etl.sources import itu_gender, m49

OCT2019 = "itu/ITU_Key_2005-2019_ICT_data_with_LDCs_28Oct2019_Final.xls"
NOV2024 = "itu/ITU_regional_global_Key_ICT_indicator_aggregates_Nov_2024.xlsx"
DEC2019 = "itu/ITU_Individuals_using_Internet_by_gender_urban_rural_Dec2019.xls"
DVPMNT = "By dvpmnt status and spec. reg."
BDT = "By BDT region"
AREAS = "By urban-rural area"
AGES = "Internet use by age"
SEX = "By gender"
LABELS = {  # the workbook's row labels
    "WLD": "World",
    "LIC": "Low-income",
    "HIC": "High-income",
    "LDC": "Least Developed Countries (LDCs)",
    "ITU_AFR": "Africa",
    "ITU_EUR": "Europe",
}

Raw = dict[str, pd.DataFrame]
Cells = list[list[object]]


# ---------------------------------------------------------------------------------------------
# the workbook read independently of the reader


@pytest.fixture(scope="module")
def book(mirror: Path) -> dict[str, Cells]:
    """Every sheet of the Nov 2024 workbook as rows of cell values (openpyxl)."""
    wb = openpyxl.load_workbook(mirror / NOV2024, read_only=True, data_only=True)
    return {name: [list(r) for r in wb[name].iter_rows(values_only=True)] for name in wb.sheetnames}


def _is_year(value: object, year: int) -> bool:
    return str(value).strip().rstrip("*").removesuffix(".0") == str(year)


def cell(rows: Cells, title: str, label: str, year: int, run: int) -> object:
    """The cell of the row labelled ``label`` under the block whose title starts with
    ``title``, in the column of the ``run``-th header cell (0-based) that reads ``year``; the
    header is the nearest row within two of the title holding the year more than once."""
    top = next(i for i, r in enumerate(rows) if str(r[0] or "").startswith(title))
    near = sorted(range(max(0, top - 2), top + 3), key=lambda i: abs(i - top))
    header = next(rows[i] for i in near if sum(_is_year(v, year) for v in rows[i]) >= 2)
    column = [i for i, v in enumerate(header) if _is_year(v, year)][run]
    row = next(r for r in rows[top + 1 :] if str(r[0] or "").strip() == label)
    return row[column]


@pytest.fixture(scope="module")
def raw2019(mirror: Path) -> Raw:
    return itu.extract(mirror / OCT2019)


@pytest.fixture(scope="module")
def raw2024(mirror: Path) -> Raw:
    return itu.extract(mirror / NOV2024)


@pytest.fixture(scope="module")
def areas(raw2024: Raw) -> pd.DataFrame:
    return itu.transform_internet_use_by_location(raw2024, "2024-11")


@pytest.fixture(scope="module")
def ages(raw2024: Raw) -> pd.DataFrame:
    return itu.transform_internet_use_by_age(raw2024, "2024-11")


@pytest.fixture(scope="module")
def coverage(raw2024: Raw) -> pd.DataFrame:
    return itu.transform_network_coverage(raw2024, "2024-11")


@pytest.fixture(scope="module")
def owners(raw2024: Raw) -> pd.DataFrame:
    return itu.transform_mobile_phone_ownership(raw2024, "2024-11")


def one(frame: pd.DataFrame, entity: str, year: int, column: str, **match: str) -> object:
    rows = frame[(frame["entity_id"] == entity) & (frame["year"] == year)]
    for key, value in match.items():
        rows = rows[rows[key] == value]
    assert len(rows) == 1, (entity, year, match, len(rows))
    return rows[column].iloc[0]


# ---------------------------------------------------------------------------------------------
# Internet use by area and by age: every group, year and part equals its cell


def test_internet_use_by_area_equals_every_cell(areas: pd.DataFrame, book) -> None:
    title = "Percentage of individuals using the Internet, by urban"
    checked = 0
    for code, label in LABELS.items():
        for year in range(2021, 2025):
            for run, area in enumerate(("total", "urban", "rural")):
                want = cell(book[AREAS], title, label, year, run)
                assert one(areas, code, year, "value_pct", location=area) == want
                checked += 1
    assert checked == 6 * 4 * 3
    # Facts and Figures 2024: 83 per cent urban, 48 per cent rural (rounded)
    assert one(areas, "WLD", 2024, "value_pct", location="urban") == 82.9
    assert one(areas, "WLD", 2024, "value_pct", location="rural") == 47.5
    # 14 groups (world, 4 income, LDC/LLDC/SIDS, 6 regions) x 4 years x 3 areas
    assert len(areas) == 14 * 4 * 3 and areas["estimate"].all()
    assert set(areas["sex"]) == {"total"} and list(areas.columns) == itu.LOCATION_COLUMNS


def test_the_area_block_total_equals_the_main_sheets(areas: pd.DataFrame, book) -> None:
    """The urban/rural sheet prints the whole population's use beside the areas: the same cells
    as the main sheets' Internet-use blocks (whose second run of years is the percentage)."""
    for code, label in LABELS.items():
        sheet = BDT if code.startswith("ITU_") else DVPMNT
        main = cell(book[sheet], "Individuals using the Internet", label, 2024, 1)
        assert one(areas, code, 2024, "value_pct", location="total") == main


def test_internet_use_by_age_equals_every_cell(ages: pd.DataFrame, book) -> None:
    title = "Percentage of individuals using the Internet, by age"
    for code, label in LABELS.items():
        for year in range(2021, 2025):
            for run, age in enumerate(("total", "youth", "rest")):
                want = cell(book[AGES], title, label, year, run)
                assert one(ages, code, year, "value_pct", age=age) == want
    assert one(ages, "WLD", 2024, "value_pct", age="youth") == 78.5
    assert one(ages, "ITU_AMS", 2024, "value_pct", age="youth") == 94.8
    assert len(ages) == 14 * 4 * 3 and list(ages.columns) == itu.AGE_COLUMNS


# ---------------------------------------------------------------------------------------------
# network coverage


TECHNOLOGY_TITLES = {
    "mobile_cellular": "Population covered by a mobile-cellular network",
    "3g": "Population covered by at least a 3G mobile network",
    "lte": "Population covered by at least an LTE/WiMAX mobile network",
    "5g": "Population covered by at least a 5G mobile network",
}


def test_coverage_totals_equal_the_main_sheets_cells(coverage: pd.DataFrame, book) -> None:
    for technology, title in TECHNOLOGY_TITLES.items():
        for code, label in LABELS.items():
            sheet = book[BDT if code.startswith("ITU_") else DVPMNT]
            for year in (2021, 2024):
                pct = one(
                    coverage, code, year, "coverage_pct", technology=technology, location="total"
                )
                assert pct == cell(sheet, title, label, year, 1), (technology, code, year)
                millions = one(
                    coverage,
                    code,
                    year,
                    "covered_millions",
                    technology=technology,
                    location="total",
                )
                assert millions == cell(sheet, title, label, year, 0), (technology, code, year)


def test_coverage_by_area_equals_the_area_sheet(coverage: pd.DataFrame, book) -> None:
    for technology, title in TECHNOLOGY_TITLES.items():
        for code, label in LABELS.items():
            for run, area in enumerate(("total", "urban", "rural")):
                want = cell(book[AREAS], title, label, 2024, run)
                got = one(
                    coverage, code, 2024, "coverage_pct", technology=technology, location=area
                )
                assert got == want, (technology, code, area)
    # Facts and Figures 2024: 5G for 51 per cent of the world, 84 in high-income and 4 in
    # low-income economies; 67 per cent urban and 29 per cent rural
    fiveg = coverage[(coverage["technology"] == "5g") & (coverage["year"] == 2024)]
    at = fiveg.set_index(["entity_id", "location"])["coverage_pct"]
    assert (at["WLD", "total"], at["HIC", "total"], at["LIC", "total"]) == (51.2, 83.8, 3.5)
    assert (at["WLD", "urban"], at["WLD", "rural"]) == (67.1, 29.2)
    # N/A before 5G: no row, not a zero
    assert (
        fiveg["year"].min() == 2024
        and coverage.loc[coverage["technology"] == "5g", "year"].min() == 2020
    )


def test_area_sheet_totals_are_the_main_sheets_rows(coverage: pd.DataFrame) -> None:
    """The total appears once per group, year and technology: the main sheets' row, with the
    millions (the area sheet repeats the percentage without them)."""
    totals = coverage[coverage["location"] == "total"]
    assert not totals.duplicated(["entity_id", "year", "technology"]).any()
    recent = totals[totals["year"] >= 2015]
    assert recent["covered_millions"].notna().all()
    areas = coverage[coverage["location"] != "total"]
    assert areas["covered_millions"].isna().all()
    assert set(coverage["technology"]) == set(schemas.TECHNOLOGIES)


def test_oct2019_coverage_equals_its_cells(raw2019: Raw, mirror: Path) -> None:
    """The Oct 2019 sheet states 'Per 100 inhabitants' once over every rate column, coverage
    included; 2019 is starred as an estimate."""
    frame = itu.transform_network_coverage(raw2019, "2019-10")
    rows = CalamineWorkbook.from_path(str(mirror / OCT2019)).get_sheet_by_index(0).to_python()
    title = "Population covered by at least a 3G mobile network"
    top = next(i for i, r in enumerate(rows) if str(r[0]).startswith(title))
    developed = next(r for r in rows[top:] if str(r[0]).strip() == "Developed")
    header = rows[3]  # the sheet's one year header, above every block
    column = [i for i, v in enumerate(header) if _is_year(v, 2019)][1]
    got = one(frame, "DEVELOPED", 2019, "coverage_pct", technology="3g", location="total")
    assert got == developed[column] == pytest.approx(97.918, abs=0.001)
    assert bool(one(frame, "DEVELOPED", 2019, "estimate", technology="3g", location="total"))
    assert not one(frame, "DEVELOPED", 2018, "estimate", technology="3g", location="total")
    assert set(frame["technology"]) == {"mobile_cellular", "3g", "lte"}
    assert set(frame["location"]) == {"total"} and frame["year"].between(2015, 2019).all()


def test_oct2019_has_no_area_age_or_ownership_blocks(raw2019: Raw) -> None:
    for transform, columns in (
        (itu.transform_internet_use_by_location, itu.LOCATION_COLUMNS),
        (itu.transform_internet_use_by_age, itu.AGE_COLUMNS),
        (itu.transform_mobile_phone_ownership, itu.OWNERSHIP_COLUMNS),
    ):
        out = transform(raw2019, "2019-10")
        assert out.empty and list(out.columns) == columns


# ---------------------------------------------------------------------------------------------
# phone ownership


def test_ownership_equals_its_cells(owners: pd.DataFrame, book) -> None:
    title = "Individuals owning a mobile phone"
    split = "Percentage of individuals owning a mobile phone"
    for code, label in LABELS.items():
        sheet = book[BDT if code.startswith("ITU_") else DVPMNT]
        assert one(owners, code, 2024, "value_pct", sex="total") == cell(
            sheet, title, label, 2024, 1
        )
        assert one(owners, code, 2024, "owners_millions", sex="total") == cell(
            sheet, title, label, 2024, 0
        )
        for run, sex in ((1, "female"), (2, "male")):
            assert one(owners, code, 2023, "value_pct", sex=sex) == cell(
                book[SEX], split, label, 2023, run
            )
    assert one(owners, "WLD", 2024, "value_pct", sex="total") == 79.7
    assert owners.loc[owners["sex"] == "total", "year"].min() == 2019  # N/A before
    assert owners.loc[owners["sex"] != "total", "year"].min() == 2021


# ---------------------------------------------------------------------------------------------
# a block whose layout differs is refused, naming the place


def _damaged(raw: Raw, sheet: str, row: int, col: int, value: object) -> Raw:
    """A copy of the raw grids with one cell replaced (0-based row and column)."""
    grid = raw[sheet].copy()
    grid[col] = grid[col].astype(object)
    grid.iat[row, col] = value
    grid.attrs = dict(raw[sheet].attrs)
    return {**raw, sheet: grid}


def _at(grid: pd.DataFrame, text: str, after: int = 0) -> tuple[int, int]:
    """(0-based row, column) of the first cell at or below ``after`` that reads ``text``."""
    for row in range(after, len(grid)):
        for col, value in enumerate(grid.iloc[row]):
            if isinstance(value, str) and " ".join(value.split()) == text:
                return row, col
    raise AssertionError(f"{text!r} not in the grid")


def test_an_area_label_that_is_not_urban_or_rural_is_refused(raw2024: Raw) -> None:
    row, col = _at(
        raw2024[AREAS],
        "Rural",
        _at(raw2024[AREAS], "Percentage of individuals using the Internet, by urban/rural area")[0],
    )
    raw = _damaged(raw2024, AREAS, row, col, "Peri-urban")
    with pytest.raises(SourceError) as info:
        itu.transform_internet_use_by_location(raw, "2024-11")
    assert info.value.sheet == AREAS and info.value.row == row + 2  # the year header below it
    assert info.value.column == "L" and info.value.value == "Peri-urban"
    assert "expected one of total | urban | rural" in info.value.message


def test_another_youth_band_is_refused(raw2024: Raw) -> None:
    row, col = _at(raw2024[AGES], "Youth (15-24)")
    raw = _damaged(raw2024, AGES, row, col, "Youth (15-29)")
    with pytest.raises(SourceError, match=r"row 5, column G: .*total \| youth \| rest"):
        itu.transform_internet_use_by_age(raw, "2024-11")


def test_coverage_in_another_unit_is_refused(raw2024: Raw) -> None:
    """The main sheet states 'Percentage' once over the coverage blocks' rate columns."""
    top, _ = _at(raw2024[DVPMNT], "Population covered by a mobile-cellular network")
    row, col = _at(raw2024[DVPMNT], "Percentage", top)
    raw = _damaged(raw2024, DVPMNT, row, col, "Per household")
    with pytest.raises(SourceError) as info:
        itu.transform_network_coverage(raw, "2024-11")
    assert (info.value.sheet, info.value.column) == (DVPMNT, "W")
    assert "expected a percentage over these columns" in info.value.message


def test_a_coverage_block_naming_no_known_technology_is_refused(raw2024: Raw) -> None:
    row, col = _at(raw2024[DVPMNT], "Population covered by at least a 5G mobile network")
    raw = _damaged(raw2024, DVPMNT, row, col, "Population covered by at least a 6G mobile network")
    with pytest.raises(SourceError) as info:
        itu.transform_network_coverage(raw, "2024-11")
    assert (info.value.row, info.value.column) == (row + 1, "A")
    assert "names no technology" in info.value.message


def test_a_percentage_above_100_by_area_is_refused(raw2024: Raw) -> None:
    top, _ = _at(
        raw2024[AREAS], "Percentage of individuals using the Internet, by urban/rural area"
    )
    row, _ = _at(raw2024[AREAS], "World", top)
    raw = _damaged(raw2024, AREAS, row, 9, 182.9)
    with pytest.raises(SourceError, match="percentage outside 0-100") as info:
        itu.transform_internet_use_by_location(raw, "2024-11")
    assert (info.value.row, info.value.column, info.value.value) == (row + 1, "J", 182.9)


def test_the_nov_2024_layout_without_the_area_block_is_refused(raw2024: Raw) -> None:
    row, col = _at(
        raw2024[AREAS], "Percentage of individuals using the Internet, by urban/rural area"
    )
    raw = _damaged(raw2024, AREAS, row, col, "Internet users by place")
    with pytest.raises(SourceError, match="required block not found") as info:
        itu.transform_internet_use_by_location(raw, "2024-11")
    assert "by urban" in str(info.value) and AREAS in str(info.value)


def test_blocks_are_found_by_title_in_any_sheet(tmp_path: Path) -> None:
    """A next edition that moves the area and age blocks to sheets of other names, with 2025."""
    book = Workbook()
    book.remove(book.active)
    main = book.create_sheet(DVPMNT)
    for row in [
        [None, "Millions", None, None, "Percentage"],
        ["Population covered by at least a 5G mobile network", 2024, 2025, None, 2024, 2025],
        ["World", 4179.9, 4400.0, None, 51.2, 53.0],
        [],
        ["All data are ITU estimates"],
    ]:
        main.append(row)
    regions = book.create_sheet(BDT)
    for row in [
        [None, "Millions", None, None, "Percentage"],
        [
            "Population covered by at least a 5G mobile network/Millions",
            2024,
            2025,
            None,
            2024,
            2025,
        ],
        ["Africa", 134, 160, None, 11.0, 12.9],
    ]:
        regions.append(row)
    places = book.create_sheet("Urban and rural")
    for row in [
        ["Percentage of individuals using the Internet, by urban/rural area"],
        [None, "Total", None, None, "Urban", None, None, "Rural"],
        [None, 2024, 2025, None, 2024, 2025, None, 2024, 2025],
        ["World", 67.6, 69.0, None, 82.9, 84.0, None, 47.5, 50.0],
        [],
        ["Population covered by at least a 5G mobile network (%)"],
        [None, "Total", None, None, "Urban", None, None, "Rural"],
        [None, 2024, 2025, None, 2024, 2025, None, 2024, 2025],
        ["World", 51.2, 53.0, None, 67.1, 68.0, None, 29.2, 33.0],
    ]:
        places.append(row)
    book.save(tmp_path / "next.xlsx")
    raw = itu.extract(tmp_path / "next.xlsx")
    areas = itu.transform_internet_use_by_location(raw, "2025-11")
    assert one(areas, "WLD", 2025, "value_pct", location="rural") == 50.0
    assert not areas["estimate"].any()  # the note is on the other sheet
    coverage = itu.transform_network_coverage(raw, "2025-11")
    assert (
        one(coverage, "WLD", 2025, "covered_millions", technology="5g", location="total") == 4400.0
    )
    assert one(coverage, "ITU_AFR", 2025, "coverage_pct", technology="5g", location="total") == 12.9
    assert one(coverage, "WLD", 2025, "coverage_pct", technology="5g", location="rural") == 33.0
    world = coverage[(coverage["entity_id"] == "WLD") & (coverage["location"] == "total")]
    assert world["estimate"].all()  # the note is on the main sheet only


def test_transforms_do_not_mutate_their_input(raw2024: Raw) -> None:
    before = {name: grid.copy() for name, grid in raw2024.items()}
    for transform in (
        itu.transform_internet_use_by_location,
        itu.transform_internet_use_by_age,
        itu.transform_network_coverage,
        itu.transform_mobile_phone_ownership,
    ):
        transform(raw2024, "2024-11")
    for name, grid in raw2024.items():
        pd.testing.assert_frame_equal(grid, before[name])


# ---------------------------------------------------------------------------------------------
# urban and rural use by economy (Dec 2019)


@pytest.fixture(scope="module")
def economies(mirror: Path) -> pd.DataFrame:
    names = m49.name_index(m49.transform(m49.extract(mirror / "un/UNSD_M49_overview_2026.csv")))
    return itu_gender.transform_location(itu_gender.extract(mirror / DEC2019), "2019-12", names)


def test_economies_urban_and_rural_equal_the_cells(economies: pd.DataFrame, mirror: Path) -> None:
    rows = CalamineWorkbook.from_path(str(mirror / DEC2019)).get_sheet_by_index(0).to_python()
    # The columns from the two header rows' words: Urban and Rural above Total, Male, Female.
    h = next(i for i, r in enumerate(rows) if "Economy name" in r)
    top, sub = rows[h - 1], rows[h]
    name, year = sub.index("Economy name"), sub.index("year")
    columns = {}
    for area, word, end in (("urban", "Urban", top.index("Rural")), ("rural", "Rural", len(sub))):
        for sex in ("Total", "Male", "Female"):
            columns[area, sex.lower()] = sub.index(sex, top.index(word), end)
    for economy, code in (("Algeria", "DZA"), ("Uzbekistan", "UZB"), ("Australia", "AUS")):
        row = next(r for r in rows if str(r[name]).strip() == economy)
        for (area, sex), col in columns.items():
            got = one(economies, code, int(row[year]), "value_pct", location=area, sex=sex)
            assert got == float(row[col]), (economy, area, sex)
    assert one(economies, "DZA", 2018, "value_pct", location="rural", sex="female") == 25.9


def test_economies_keep_their_own_year_and_areas(economies: pd.DataFrame) -> None:
    totals = economies[economies["sex"] == "total"]
    both = totals.pivot_table(index="entity_id", columns="location", values="value_pct").dropna()
    assert len(both) == 43 and totals["location"].value_counts().to_dict() == {
        "urban": 46,
        "rural": 43,
    }
    # Argentina's survey covers urban areas only: its urban rate is its only one.
    assert set(economies.loc[economies["entity_id"] == "ARG", "location"]) == {"urban"}
    years = totals.drop_duplicates("entity_id").set_index("entity_id")["year"]
    assert (years["PER"], years["PAN"], years["AUS"]) == (2018, 2015, 2017)
    assert list(economies.columns) == schemas.columns("internet_use_by_location")
    assert set(economies["source"]) == {"itu_gender_country"} and not economies["estimate"].any()

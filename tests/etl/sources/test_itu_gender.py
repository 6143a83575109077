"""ITU country-level internet use by sex, Dec 2019 workbook."""

from __future__ import annotations

import copy
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from indicators.contract.errors import SourceError
from indicators.etl.sources import itu_gender, m49

FILE = "itu/ITU_Individuals_using_Internet_by_gender_urban_rural_Dec2019.xls"


@pytest.fixture(scope="module")
def names(mirror: Path) -> dict[str, str]:
    return m49.name_index(m49.transform(m49.extract(mirror / "un/UNSD_M49_overview_2026.csv")))


@pytest.fixture(scope="module")
def raw(mirror: Path) -> pd.DataFrame:
    return itu_gender.extract(mirror / FILE)


@pytest.fixture(scope="module")
def use(raw: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    return itu_gender.transform(raw, "2019-12", names)


def _edited(raw: pd.DataFrame, row: int, col: int, value: object) -> pd.DataFrame:
    """A copy of the raw grid with one cell changed (0-based grid position)."""
    grid = raw.astype(object)
    grid.iat[row, col] = value
    grid.attrs = dict(raw.attrs)
    return grid


def _values(use: pd.DataFrame, entity: str) -> dict[str, float]:
    rows = use[use["entity_id"] == entity]
    return dict(zip(rows["sex"], rows["value_pct"], strict=True))


def test_columns_and_key(use: pd.DataFrame) -> None:
    assert list(use.columns) == itu_gender.COLUMNS
    assert not use.duplicated(itu_gender.KEY).any()
    assert set(use["source"]) == {"itu_gender_country"}
    assert use["users_millions"].isna().all()
    assert not use["estimate"].any()
    assert use["value_pct"].between(0, 100).all()


def test_coverage(use: pd.DataFrame) -> None:
    economies = use.drop_duplicates("entity_id")
    assert len(economies) == 112
    assert economies["year"].value_counts().to_dict() == {
        2015: 1,
        2016: 8,
        2017: 18,
        2018: 77,
        2019: 8,
    }
    assert use["sex"].value_counts().to_dict() == {"total": 112, "female": 104, "male": 104}
    # SOURCES.md: India and China are not in the list.
    assert not {"IND", "CHN"} & set(use["entity_id"])


def test_values_read_from_the_sheet(use: pd.DataFrame) -> None:
    # Rows 4 and 60 of the sheet.
    assert _values(use, "DZA") == {"total": 49.0, "male": 55.1, "female": 42.9}
    assert _values(use, "KOR") == {"total": 96.0, "male": 97.2, "female": 94.8}
    assert use.loc[use["entity_id"] == "KOR", "year"].unique().tolist() == [2018]
    # Cuba (2019) has no sex split.
    assert _values(use, "CUB") == {"total": 62.7}


def test_itu_spellings_map_to_iso3(use: pd.DataFrame) -> None:
    assert {"CIV", "HKG", "MAC", "TWN", "XKX", "PSE", "IRN", "BOL"} <= set(use["entity_id"])


def test_transform_does_not_mutate(raw: pd.DataFrame, names: dict[str, str]) -> None:
    before = raw.copy(deep=True)
    attrs = copy.deepcopy(raw.attrs)
    itu_gender.transform(raw, "2019-12", names)
    pd.testing.assert_frame_equal(raw, before)
    assert raw.attrs == attrs


def test_footnote_markers_in_names(raw: pd.DataFrame, names: dict[str, str]) -> None:
    grid = _edited(raw, 3, 1, "Algeria 1")
    grid.iat[58, 1] = "Kenya*"
    use = itu_gender.transform(grid, "2019-12", names)
    assert {"DZA", "KEN"} <= set(use["entity_id"])


def test_unknown_economy(raw: pd.DataFrame, names: dict[str, str]) -> None:
    with pytest.raises(SourceError) as info:
        itu_gender.transform(_edited(raw, 10, 1, "Atlantis"), "2019-12", names)
    assert (info.value.row, info.value.column, info.value.value) == (11, "B", "Atlantis")
    assert "row 11, column B" in str(info.value)


def test_value_above_100(raw: pd.DataFrame, names: dict[str, str]) -> None:
    with pytest.raises(SourceError) as info:
        itu_gender.transform(_edited(raw, 5, 8, "140"), "2019-12", names)
    assert (info.value.row, info.value.column, info.value.value) == (6, "I", "140")
    assert "0-100" in info.value.message


def test_non_numeric_value(raw: pd.DataFrame, names: dict[str, str]) -> None:
    with pytest.raises(SourceError) as info:
        itu_gender.transform(_edited(raw, 7, 4, "n.a."), "2019-12", names)
    assert (info.value.row, info.value.column) == (8, "E")


def test_duplicate_economy(raw: pd.DataFrame, names: dict[str, str]) -> None:
    with pytest.raises(SourceError) as info:
        itu_gender.transform(_edited(raw, 4, 1, "Algeria"), "2019-12", names)
    assert (info.value.row, info.value.column, info.value.value) == (5, "B", "Algeria")
    assert "DZA already given in row 4" in info.value.message


def test_columns_found_by_header_text(tmp_path: Path, names: dict[str, str]) -> None:
    """No spacer columns, a footnote straight after the data: still read by header text."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Internet by sex"
    for row in [
        ["Individuals using the Internet, by gender (%)"],
        [None, "Latest", "All", "Gender"],
        ["Economy name", "year", "Individuals", "Male", "Female"],
        ["Korea (Rep. of)", 2018, "96.0", "97.2", "94.8"],
        ["Kenya", 2016, 16.6, "...", "..."],
        ["Source: ITU World Telecommunication/ICT Indicators database."],
    ]:
        sheet.append(row)
    book.save(tmp_path / "gender.xlsx")
    use = itu_gender.transform(itu_gender.extract(tmp_path / "gender.xlsx"), "t", names)
    assert _values(use, "KOR") == {"total": 96.0, "male": 97.2, "female": 94.8}
    assert _values(use, "KEN") == {"total": 16.6}


def test_missing_header(raw: pd.DataFrame, names: dict[str, str]) -> None:
    with pytest.raises(SourceError, match="gender / female"):
        itu_gender.transform(_edited(raw, 2, 8, "Women"), "2019-12", names)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.xls"
    path.write_bytes(b"")
    with pytest.raises(SourceError, match=r"empty\.xls"):
        itu_gender.extract(path)


def test_truncated_file(tmp_path: Path, mirror: Path) -> None:
    path = tmp_path / "truncated.xls"
    path.write_bytes((mirror / FILE).read_bytes()[:1000])
    with pytest.raises(SourceError, match=r"truncated\.xls"):
        itu_gender.extract(path)


def test_a_column_given_twice_is_refused(raw: pd.DataFrame, names: dict[str, str]) -> None:
    """A second 'Male' under 'Gender' (in the spacer column K): which holds the data is a guess."""
    damaged = _edited(raw, 2, 10, "Male")
    with pytest.raises(SourceError) as info:
        itu_gender.transform(damaged, "2019-12", names)
    err = info.value
    assert (err.row, err.column) == (3, "K")
    assert "column 'gender / male' appears twice (columns G and K)" in str(err)

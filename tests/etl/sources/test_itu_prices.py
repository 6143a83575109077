"""ITU ICT Price Baskets: the real Dec 2025 workbook and small workbooks written here."""

from __future__ import annotations

import copy
from pathlib import Path

import openpyxl
import pandas as pd
import pandera.pandas as pa
import pytest

from indicators.contract import schemas
from indicators.contract.errors import SourceError
from indicators.etl.sources import itu_prices

FILE = "itu/ITU_ICTPriceBaskets_2008-2025.xlsx"


@pytest.fixture(scope="module")
def raw(mirror: Path) -> dict[str, pd.DataFrame]:
    return itu_prices.extract(mirror / FILE)


@pytest.fixture(scope="module")
def prices(raw: dict[str, pd.DataFrame]) -> pd.DataFrame:
    return itu_prices.transform(raw, "2025-12")


def _median(
    prices: pd.DataFrame,
    entity: str,
    allowance: float,
    basket: str,
    year: int,
    sample: str = "annual",
) -> float:
    rows = prices[
        (prices["entity_id"] == entity)
        & (prices["basket"] == basket)
        & (prices["allowance_gb"] == allowance)
        & (prices["unit"] == "pct_gni_pc")
        & (prices["statistic"] == "median")
        & (prices["year"] == year)
        & (prices["sample"] == sample)
    ]
    assert len(rows) == 1
    return round(float(rows["value"].iloc[0]), 2)


def _economies_with_data(prices: pd.DataFrame, basket: str, allowance: float, year: int) -> int:
    rows = prices[
        (prices["statistic"] == "value")
        & (prices["basket"] == basket)
        & (prices["allowance_gb"] == allowance)
        & (prices["unit"] == "pct_gni_pc")
        & (prices["year"] == year)
    ]
    return rows["entity_id"].nunique()


def test_columns_and_key(prices: pd.DataFrame) -> None:
    assert list(prices.columns) == itu_prices.COLUMNS
    assert not prices.duplicated(itu_prices.KEY).any()
    assert set(prices["unit"]) == {"pct_gni_pc", "usd", "ppp"}
    assert set(prices["statistic"]) == {"value", "median"}
    assert set(prices["sample"]) == {"annual", "last_2_years", "last_4_years", "last_5_years"}
    assert set(prices.loc[prices["statistic"] == "value", "sample"]) == {"annual"}
    assert prices["year"].dtype == "int64"
    assert prices["value"].notna().all()


@pytest.mark.parametrize(
    ("year", "expected"), [(2019, 3.10), (2023, 2.66), (2024, 2.57), (2025, 2.53)]
)
def test_world_median_fixed_broadband(prices: pd.DataFrame, year: int, expected: float) -> None:
    assert _median(prices, "WLD", 5.0, "fixed_broadband", year) == expected


def test_world_median_mobile_data_only(prices: pd.DataFrame) -> None:
    assert _median(prices, "WLD", 2.0, "mobile_broadband", 2024) == 1.11
    assert _median(prices, "WLD", 5.0, "mobile_broadband", 2025) == 1.38


# The medians sheet's "last 5 years" block (columns AH-AM): over the economies priced in each
# year 2021-2025, so it differs from the annual medians (3.51, 3.22, 2.66, 2.57, 2.53).
SAME_ECONOMIES_WORLD = {2021: 3.48, 2022: 2.99, 2023: 2.66, 2024: 2.49, 2025: 2.41}


def test_world_fixed_broadband_over_the_same_economies(prices: pd.DataFrame) -> None:
    for year, expected in SAME_ECONOMIES_WORLD.items():
        same = _median(prices, "WLD", 5.0, "fixed_broadband", year, "last_5_years")
        annual = _median(prices, "WLD", 5.0, "fixed_broadband", year)
        assert same == expected
        assert (same == annual) == (year == 2023)
    assert _median(prices, "LDC", 5.0, "fixed_broadband", 2025, "last_5_years") == 18.32
    assert _median(prices, "WLD", 5.0, "fixed_broadband", 2022, "last_4_years") == 3.10
    assert _median(prices, "WLD", 5.0, "fixed_broadband", 2024, "last_2_years") == 2.54


def test_each_window_covers_its_years(prices: pd.DataFrame) -> None:
    medians = prices[prices["statistic"] == "median"]
    years = medians.groupby("sample")["year"].agg(lambda y: sorted(set(y)))
    assert years["last_5_years"] == [2021, 2022, 2023, 2024, 2025]
    assert years["last_4_years"] == [2022, 2023, 2024, 2025]
    assert years["last_2_years"] == [2024, 2025]
    assert years["annual"] == list(range(2008, 2026))


@pytest.mark.parametrize(("group", "expected"), [("LDC", 21.11), ("LIC", 29.91), ("HIC", 1.00)])
def test_group_medians_fixed_broadband_2025(prices: pd.DataFrame, group: str, expected: float):
    assert _median(prices, group, 5.0, "fixed_broadband", 2025) == expected


def test_median_groups(prices: pd.DataFrame) -> None:
    groups = set(prices.loc[prices["statistic"] == "median", "entity_id"])
    assert groups == {
        "WLD",
        "LDC",
        "LLDC",
        "SIDS",
        "HIC",
        "UMC",
        "LMC",
        "LIC",
        "ITU_AFR",
        "ITU_AMS",
        "ITU_ARB",
        "ITU_ASP",
        "ITU_CIS",
        "ITU_EUR",
    }


@pytest.mark.parametrize(("year", "expected"), [(2019, 173), (2023, 194), (2024, 195)])
def test_fixed_broadband_coverage(prices: pd.DataFrame, year: int, expected: int) -> None:
    assert _economies_with_data(prices, "fixed_broadband", 5.0, year) == expected


@pytest.mark.parametrize(("year", "expected"), [(2021, 189), (2023, 207), (2024, 206)])
def test_mobile_2gb_coverage(prices: pd.DataFrame, year: int, expected: int) -> None:
    assert _economies_with_data(prices, "mobile_broadband", 2.0, year) == expected


def test_experimental_follows_basket_history(prices: pd.DataFrame) -> None:
    def flags(allowance: float, year: int) -> set[bool]:
        rows = prices[
            (prices["basket"] == "mobile_broadband")
            & (prices["allowance_gb"] == allowance)
            & (prices["year"] == year)
        ]
        return set(rows["experimental"])

    assert flags(2.0, 2024) == {False}
    assert flags(2.0, 2025) == {True}
    assert flags(5.0, 2024) == {True}
    assert flags(5.0, 2025) == {False}
    fixed = prices[prices["basket"] == "fixed_broadband"]
    assert not fixed["experimental"].any()


def test_mobile_cellular_has_no_allowance(prices: pd.DataFrame) -> None:
    cellular = prices[prices["basket"] == "mobile_cellular"]
    assert len(cellular) > 0
    assert cellular["allowance_gb"].isna().all()


def test_transform_does_not_mutate(raw: dict[str, pd.DataFrame]) -> None:
    before = copy.deepcopy(raw)
    itu_prices.transform(raw, "2025-12")
    itu_prices.economy_attributes(raw)
    for sheet, grid in raw.items():
        pd.testing.assert_frame_equal(grid, before[sheet])
        assert grid.attrs == before[sheet].attrs


def test_economy_attributes(raw: dict[str, pd.DataFrame]) -> None:
    attrs = itu_prices.economy_attributes(raw)
    assert list(attrs.columns) == [
        "entity_id",
        "name",
        "itu_region",
        "ldc",
        "lldc",
        "sids",
        "income_group",
    ]
    assert len(attrs) == 221
    assert attrs["entity_id"].is_unique
    twn = attrs.set_index("entity_id").loc["TWN"]
    assert twn["name"] == "Taiwan, Province of China"
    assert pd.isna(twn["itu_region"])  # 'Other Economies'
    assert twn["income_group"] == "HIC"
    assert set(attrs["itu_region"].dropna()) == {
        "ITU_AFR",
        "ITU_AMS",
        "ITU_ARB",
        "ITU_ASP",
        "ITU_CIS",
        "ITU_EUR",
    }
    assert attrs["income_group"].isna().sum() == 9  # AIA, COK, FLK, GUF, NIU, SHN, TKL, VEN, WLF
    afg = attrs.set_index("entity_id").loc["AFG"]
    assert (afg["ldc"], afg["lldc"], afg["sids"], afg["itu_region"]) == (
        True,
        True,
        False,
        "ITU_ASP",
    )


# Small workbooks ------------------------------------------------------------------------------

ECONOMY_HEADER = [
    "IsoCode",
    "Economy",
    "Code",
    "Basket name",
    "Unit",
    "ITURegion",
    "LDC",
    "LLDC",
    "SIDS",
    "Income_2025",
    2024,
    2025,
]


# Region, the three development flags and income group of an economy's rows.
BURUNDI = ["Africa", 1, 1, 0, "Low income"]
ARUBA = ["Other Economies", 0, 0, 1, "High income"]


def _sheets() -> dict[str, list[list[object]]]:
    """A miniature of the real workbook's three sheets, row by row from Excel row 1."""
    economies = [
        ECONOMY_HEADER,
        ["BDI", "Burundi", "i154_FBB5_GNI", "FBB 5GB", "GNIpc", *BURUNDI, 900.5, "NA"],
        ["BDI", "Burundi", "i271mb_2GB$", "MBB 2GB", "USD", *BURUNDI, 3.5, 4.0],
        ["ABW", "Aruba", "i154_FBB5_GNI", "FBB 5GB", "GNIpc", *ARUBA, 2.5, 2.6],
    ]
    # As in the real sheet, a block's labels sit above the column left of its years.
    medians = [
        [None, None, None, None, None, None, None, "Use this to compare last 2 years"],
        [None, None, None, None, "Annual medians", None, None, "Medians last 2 years"],
        ["Code", "Unit", "Grouping", "Group", 2024, 2025, None, None, 2024, 2025],
        ["i154_FBB5_GNI", "GNIpc", "World", "World", 2.57, 2.53, None, None, 2.54, 2.52],
        ["i154_FBB5_GNI", "GNIpc", "LDC", "LDC", 20.0, 21.11, None, None, 19.0, 19.85],
        ["i154_FBB5_GNI", "GNIpc", "LDC", "0", 2.0, 2.1, None, None, 9.99, 9.99],
        ["i154_FBB5_GNI", "GNIpc", "ITURegion", "Other Economies", 2.2, 2.3, None, None, 9.9, 9.9],
        ["i154_FBB5_GNI", "GNIpc", "Income_2025", "Low income", 29.0, 29.91, None, None, 28, 28.39],
    ]
    history = [
        [],
        [None, "Table for mapping historical price baskets"],
        [],
        [None, "Basket name (generic)", "Basket name", "Codes", 2024, 2025],
        [None, "Fixed-broadband basket", "FBB 5GB", "i154_FBB5*", "x", "x"],
        [None, "Data-only mobile broadband", "MBB 2GB", "i271mb_2GB*", "x", "exp"],
        [],
        [None, None, None, "Note: replace * by _GNIpc, _PPP or $"],
    ]
    return {"economies_2008-2025": economies, "medians": medians, "BasketHistory": history}


def _write(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def _error(tmp_path: Path, sheets: dict[str, list[list[object]]]) -> SourceError:
    raw = itu_prices.extract(_write(tmp_path / "prices.xlsx", sheets))
    with pytest.raises(SourceError) as info:
        itu_prices.transform(raw, "test")
    return info.value


def test_small_workbook(tmp_path: Path) -> None:
    raw = itu_prices.extract(_write(tmp_path / "prices.xlsx", _sheets()))
    out = (
        itu_prices.transform(raw, "test")
        .set_index(["entity_id", "basket", "unit", "statistic", "year"])
        .sort_index()
    )
    assert out.loc[("BDI", "fixed_broadband", "pct_gni_pc", "value", 2024), "value"] == 900.5
    assert ("BDI", "fixed_broadband", "pct_gni_pc", "value", 2025) not in out.index  # NA
    mobile = out.loc[("BDI", "mobile_broadband", "usd", "value")]
    assert mobile["allowance_gb"].tolist() == [2.0, 2.0]
    assert mobile["experimental"].tolist() == [False, True]
    medians = out.xs("median", level="statistic")
    # Non-members of LDC and 'Other Economies' are dropped, in every block.
    assert sorted(set(medians.index.get_level_values("entity_id"))) == ["LDC", "LIC", "WLD"]
    world = medians.loc[("WLD", "fixed_broadband", "pct_gni_pc")].set_index("sample", append=True)
    assert world["value"].to_dict() == {
        (2024, "annual"): 2.57,
        (2025, "annual"): 2.53,
        (2024, "last_2_years"): 2.54,
        (2025, "last_2_years"): 2.52,
    }
    assert (out.xs("value", level="statistic")["sample"] == "annual").all()
    attrs = itu_prices.economy_attributes(raw)
    assert attrs["entity_id"].tolist() == ["BDI", "ABW"]
    assert attrs["itu_region"].isna().tolist() == [False, True]


def test_renamed_sheet(tmp_path: Path) -> None:
    sheets = _sheets()
    sheets["Medians 2025"] = sheets.pop("medians")
    with pytest.raises(SourceError) as info:
        itu_prices.extract(_write(tmp_path / "prices.xlsx", sheets))
    assert info.value.sheet == "medians"
    assert "Medians 2025" in str(info.value)


def test_non_numeric_value(tmp_path: Path) -> None:
    sheets = _sheets()
    sheets["economies_2008-2025"][2][11] = "n/a"
    err = _error(tmp_path, sheets)
    assert (err.sheet, err.row, err.column, err.value) == ("economies_2008-2025", 3, "L", "n/a")
    assert "sheet 'economies_2008-2025', row 3, column L" in str(err)


def test_non_numeric_median(tmp_path: Path) -> None:
    sheets = _sheets()
    sheets["medians"][3][4] = "2,57"
    err = _error(tmp_path, sheets)
    assert (err.sheet, err.row, err.column, err.value) == ("medians", 4, "E", "2,57")


def test_duplicate_row(tmp_path: Path) -> None:
    sheets = _sheets()
    sheets["economies_2008-2025"].append(list(sheets["economies_2008-2025"][1]))
    err = _error(tmp_path, sheets)
    assert "duplicate" in err.message
    assert (err.sheet, err.row) == ("economies_2008-2025", 2)
    assert "[5]" in err.message


def test_negative_price(tmp_path: Path) -> None:
    sheets = _sheets()
    sheets["economies_2008-2025"][3][10] = -1.0
    err = _error(tmp_path, sheets)
    assert (err.row, err.column, err.value) == (4, "K", -1.0)


def test_unknown_code(tmp_path: Path) -> None:
    sheets = _sheets()
    sheets["economies_2008-2025"][2][2] = "i271mb_3GB$"
    err = _error(tmp_path, sheets)
    assert (err.row, err.column, err.value) == (3, "Code", "i271mb_3GB$")


def test_colliding_codes_are_refused(tmp_path: Path) -> None:
    sheets = _sheets()
    row = ["BDI", "Burundi", "i154_Mob$", "Cellular", "USD", "Africa", 1, 1, 0, "Low income"]
    sheets["economies_2008-2025"] += [[*row, 1.0, None], [*row[:2], "i154_MobLow$", *row[3:], 2.0]]
    err = _error(tmp_path, sheets)
    assert "['i154_Mob$', 'i154_MobLow$'] both give mobile_cellular in usd" in err.message
    assert (err.sheet, err.row, err.column) == ("economies_2008-2025", 5, "K")


def test_inconsistent_economy_attributes(tmp_path: Path) -> None:
    sheets = _sheets()
    sheets["economies_2008-2025"][2][9] = "Lower middle income"
    raw = itu_prices.extract(_write(tmp_path / "prices.xlsx", sheets))
    with pytest.raises(SourceError) as info:
        itu_prices.economy_attributes(raw)
    assert (info.value.row, info.value.value) == (3, "LMC")
    assert "income_group differs" in info.value.message


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    with pytest.raises(SourceError, match=r"empty\.xlsx"):
        itu_prices.extract(path)


def test_truncated_file(tmp_path: Path, mirror: Path) -> None:
    path = tmp_path / "truncated.xlsx"
    path.write_bytes((mirror / FILE).read_bytes()[:1000])
    with pytest.raises(SourceError, match=r"truncated\.xlsx"):
        itu_prices.extract(path)


def _medians(blocks: list[tuple[list[str], list[int]]], annual: list[int]) -> list[list[object]]:
    """A medians sheet: annual medians, then one block per (labels, years) after a blank column,
    its labels stacked above the column left of its years, as in the real workbook."""
    top: list[object] = [None] * 4 + ["Annual medians. Not to be used for year-on-year comparison"]
    top += [None] * (len(annual) - 1)
    labels = [top, [None] * len(top)]
    header: list[object] = ["Code", "Unit", "Grouping", "Group", *annual]
    world: list[object] = ["i154_FBB5_GNI", "GNIpc", "World", "World", *[2.5] * len(annual)]
    for i, (texts, years) in enumerate(blocks):
        for row, text in zip(labels, [*texts, None], strict=False):
            row += [None, text, *[None] * len(years)]
        header += [None, None, *years]
        world += [None, None, *[round(2 + i / 10 + k / 100, 2) for k in range(len(years))]]
    return [*labels, header, world]


def _window_error(tmp_path: Path, blocks: list[tuple[list[str], list[int]]]) -> SourceError:
    sheets = _sheets()
    sheets["medians"] = _medians(blocks, [2024, 2025])
    return _error(tmp_path, sheets)


LAST_3 = "Medians based on economies with data available for the last 3 years"


def test_a_next_edition_with_other_windows(tmp_path: Path) -> None:
    sheets = _sheets()
    blocks = [
        (["Use this to compare last three years", LAST_3], [2023, 2024, 2025]),
        (["Use this to compare last 6 years"], list(range(2020, 2026))),
    ]
    sheets["medians"] = _medians(blocks, list(range(2019, 2026)))
    raw = itu_prices.extract(_write(tmp_path / "prices.xlsx", sheets))
    medians = itu_prices.transform(raw, "test").query("statistic == 'median'")
    by_sample = medians.groupby("sample")["year"].agg(list).to_dict()
    assert by_sample == {
        "annual": list(range(2019, 2026)),
        "last_3_years": [2023, 2024, 2025],
        "last_6_years": list(range(2020, 2026)),
    }
    last_3 = medians[medians["sample"] == "last_3_years"]
    assert last_3["value"].tolist() == [2.0, 2.01, 2.02]
    assert (medians.loc[medians["sample"] == "annual", "value"] == 2.5).all()


def test_a_block_label_without_a_window_names_its_cell(tmp_path: Path) -> None:
    err = _window_error(tmp_path, [(["Use this to compare recent years"], [2024, 2025])])
    assert (err.sheet, err.row, err.column) == ("medians", 1, "H")
    assert err.value == "Use this to compare recent years"
    assert "cannot read the window" in err.message and "last 5 years" in err.message
    assert str(err).startswith("prices.xlsx, sheet 'medians', row 1, column H: cannot read")


def test_a_block_without_a_label(tmp_path: Path) -> None:
    err = _window_error(tmp_path, [([""], [2024, 2025])])
    assert (err.sheet, err.row, err.column, err.value) == ("medians", 3, "I", 2024)
    assert "without a block label" in err.message


def test_a_window_that_does_not_match_its_years(tmp_path: Path) -> None:
    err = _window_error(tmp_path, [([LAST_3], [2024, 2025])])
    assert (err.row, err.column, err.value) == (1, "H", LAST_3)
    assert "3 years but its block has the year columns [2024, 2025]" in err.message


def test_block_labels_that_disagree(tmp_path: Path) -> None:
    err = _window_error(tmp_path, [(["Use this to compare last 2 years", LAST_3], [2024, 2025])])
    assert (err.row, err.column, err.value) == (2, "H", LAST_3)
    assert "H1 says 2 years" in err.message


def test_two_blocks_for_one_window(tmp_path: Path) -> None:
    last_2 = ["Use this to compare last 2 years"]
    err = _window_error(tmp_path, [(last_2, [2024, 2025]), (last_2, [2024, 2025])])
    assert (err.row, err.column) == (1, "L")
    assert "a second block of medians for last_2_years" in err.message


def test_the_first_block_must_be_the_annual_one(tmp_path: Path) -> None:
    sheets = _sheets()
    sheets["medians"][1][4] = "Medians based on economies with data available for the last 2 years"
    err = _error(tmp_path, sheets)
    assert (err.sheet, err.row, err.column) == ("medians", 2, "E")
    assert "should be the annual one" in err.message


def test_the_contract_declares_the_sample(prices: pd.DataFrame) -> None:
    assert "sample" in itu_prices.KEY
    schemas.BroadbandPrice.validate(prices.head(50), lazy=True)
    bad = prices.head(3).assign(sample=["annual", "last five years", "annual"])
    bad.loc[0, "sample"] = "last_5_years"  # an economy value cannot be constant-sample
    with pytest.raises(pa.errors.SchemaErrors) as info:
        schemas.BroadbandPrice.validate(bad, lazy=True)
    failures = info.value.failure_cases
    assert "last five years" in set(failures.loc[failures["column"] == "sample", "failure_case"])
    assert any("belong to the annual sample" in str(check) for check in failures["check"])


# Strict reading: a column or year given twice, a year past the limit, values outside the
# format's vocabularies ------------------------------------------------------------------------


def _economies_edited(tmp_path: Path, edit) -> SourceError:
    sheets = copy.deepcopy(_sheets())
    for row in sheets["economies_2008-2025"]:
        edit(row)
    return _error(tmp_path, sheets)


def test_a_header_column_given_twice(tmp_path: Path) -> None:
    err = _economies_edited(
        tmp_path, lambda row: row.append("LDC" if row[0] == "IsoCode" else row[6])
    )
    assert (err.sheet, err.row, err.column) == ("economies_2008-2025", 1, "M")
    assert "column 'LDC' appears twice (columns G and M)" in str(err)


def test_a_year_given_twice(tmp_path: Path) -> None:
    err = _economies_edited(tmp_path, lambda row: row.append(2025 if row[0] == "IsoCode" else 1.0))
    assert (err.row, err.column) == (1, "M")
    assert "year 2025 appears again in this header (columns L and M)" in str(err)


def test_a_year_past_the_limit(tmp_path: Path) -> None:
    sheets = copy.deepcopy(_sheets())
    sheets["economies_2008-2025"][0][11] = 2030
    raw = itu_prices.extract(_write(tmp_path / "prices.xlsx", sheets))
    with pytest.raises(SourceError) as info:
        itu_prices.transform(raw, "test", max_year=2027)
    assert (info.value.row, info.value.column) == (3, "L")
    assert "year 2030 is after 2027" in str(info.value)


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        (6, "yes", "expected one of '0', '1'"),
        (4, "EUR", "unit outside the format's vocabulary"),
        (5, "Oceania", "unknown ITU region; expected one of"),
        (9, "Lower-middle income", "unknown income group; expected one of"),
    ],
)
def test_a_value_outside_the_vocabulary(tmp_path: Path, column: int, value: str, expected: str):
    sheets = copy.deepcopy(_sheets())
    sheets["economies_2008-2025"][1][column] = value
    raw = itu_prices.extract(_write(tmp_path / "prices.xlsx", sheets))
    with pytest.raises(SourceError) as info:
        itu_prices.transform(raw, "test")
        itu_prices.economy_attributes(raw)
    assert expected in str(info.value) and info.value.row == 2

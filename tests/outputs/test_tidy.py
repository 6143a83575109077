"""Downloads people can use directly: names beside codes, values as each publisher prints them
(full precision stays in the Parquet), and no CSV or XLSX cell that a spreadsheet would run."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from indicators import catalogue
from indicators.contract import schemas
from indicators.etl import sources
from indicators.etl.sources.formats import Printed
from indicators.outputs import export, takeaway, tidy

REPO = Path(__file__).resolve().parents[2]


def test_printed_rounds_to_places_and_significant_digits():
    values = pd.Series([16.82022389756357, 556400.00000001, None, 0.0])
    assert Printed(decimals=1).round(values).tolist()[:2] == [16.8, 556400.0]
    assert Printed(decimals=-2).round(pd.Series([4649.9, 1778549.0])).tolist() == [4600, 1778500]
    wdi = Printed(significant=6).round(pd.Series([16.799999, 84.999992, 0.00472257123, 0.0]))
    assert wdi.tolist() == [16.8, 85.0, 0.00472257, 0.0]
    assert Printed(decimals=1).round(values).isna().tolist() == [False, False, True, False]
    assert [str(v) for v in Printed(decimals=2).round(pd.Series([-0.001]))] == ["0.0"]
    assert [str(v) for v in Printed(significant=2).round(pd.Series([-0.0]))] == ["0.0"]
    with pytest.raises(ValueError):
        Printed(decimals=1, significant=3)


def test_every_edition_declares_how_each_value_column_is_printed(tables):
    """A walk over what the build recorded: a value column with data and no rule is a gap."""
    for table in ("internet_use", "broadband_price", "bandwidth"):
        frame = tables.get(table)
        for key in (frame["source"] + "@" + frame["vintage"]).unique():
            rows = frame[(frame["source"] + "@" + frame["vintage"]) == key]
            rules = tidy.printed(tables, table, key)
            for column in tidy.value_columns(table):
                if rows[column].notna().any():
                    assert column in rules, (table, key, column)
    fact = [f for f in sources.FORMATS if set(f.tables) & {"internet_use", "bandwidth"}]
    assert {f.source for f in fact} == {"wdi", "itu_aggregates", "itu_gender_country"}


def test_full_tables_carry_names_and_the_publishers_precision(tables):
    parquet = tables.get("internet_use")
    world = parquet[
        (parquet["entity_id"] == "WLD")
        & (parquet["vintage"] == "2019-10")
        & (parquet["year"] == 2005)
    ]
    assert world["value_pct"].iloc[0] == pytest.approx(16.82022389756357)  # every digit kept
    ready = tidy.table_frame(tables, "internet_use", parquet)
    row = ready.loc[world.index[0]]
    assert (row["name"], row["grouping"], row["value_pct"]) == ("World", "world", 16.8)
    assert row["users_millions"] == 1100.0  # the sheet's '#,##0'
    afg = ready[(ready["entity_id"] == "AFG") & (ready["vintage"] == "2026-07")]
    assert afg.set_index("year").loc[2018, "value_pct"] == 16.8  # WDI's float32 16.79999924
    assert (ready["name"] != "").all()
    groups = set(tables.get("entities").query("kind == 'group'")["entity_id"])
    assert (ready.loc[ready["entity_id"].isin(groups), "grouping"] != "").all()
    prices = tidy.table_frame(tables, "broadband_price", tables.get("broadband_price"))
    assert (prices["value"] == prices["value"].round(2)).all()


def test_every_chart_rounds_every_float_column_and_names_its_codes(tables):
    """A walk over the catalogue: a new chart column with no precision declared fails here."""
    for spec in catalogue.load().charts.values():
        chart = catalogue.render(spec.id, tables, {})
        assert tidy.unrounded(chart.data) == [], spec.id
        ready = tidy.chart_frame(chart, tables)
        for code, (name, grouping) in tidy.CODE_COLUMNS.items():
            if code in ready.columns:
                assert list(ready.columns).index(name) == list(ready.columns).index(code) + 1
                assert grouping in ready.columns and (ready[name] != "").all(), spec.id
        for column in ready.columns:
            if column in tidy.DERIVED_COLUMNS and ready[column].notna().any():
                digits = ready[column].dropna().map(lambda v: len(f"{abs(v):.10g}".strip("0.")))
                assert digits.max() <= 5, (spec.id, column)  # four digits (and a point)


def test_chart_csv_of_a_gap_names_both_entities(tables):
    chart = catalogue.render(
        "internet_gap",
        tables,
        {"entity_a": "HIC", "entity_b": "LDC", "edition": "itu_aggregates@2024-11"},
    )
    text = export.csv_text(chart, tables)
    assert text.startswith("# Internet use: High income vs Least developed countries (LDCs)\n")
    frame = pd.read_csv(io.StringIO(text), comment="#")
    assert set(frame["name_a"]) == {"High income"} and set(frame["grouping_a"]) == {"income"}
    assert set(frame["name_b"]) == {"Least developed countries (LDCs)"}


def test_compared_editions_round_each_row_as_its_own_edition(tables):
    chart = catalogue.render(
        "internet_by_group",
        tables,
        {"grouping": "development", "edition": "itu_aggregates@2019-10"},
    )
    ready = tidy.chart_frame(chart, tables)
    assert (ready["value_pct"] == ready["value_pct"].round(1)).all()
    assert (chart.data["value_pct"] != chart.data["value_pct"].round(1)).any()


def test_text_cells_never_start_a_formula_in_csv_or_xlsx(tables):
    frame = pd.DataFrame({"entity_id": ["WLD", "=1+1"], "note": ["-cmd", "ok"], "v": [-1.5, 2.0]})
    ready = tidy.with_names(frame, tables)
    text = tidy.csv_text(ready, ["=caption"])
    assert text.splitlines()[0] == "# '=caption"
    assert "\nWLD,World,world,'-cmd,-1.5\n" in text and "\n'=1+1,,,ok,2.0\n" in text
    assert [tidy.cell(v) for v in ("=SUM(A1)", -1.5, None, "Kenya")] == [
        "'=SUM(A1)",
        -1.5,
        None,
        "Kenya",
    ]


def test_xlsx_cells_hold_no_formula(tables):
    book = load_workbook(io.BytesIO(takeaway.xlsx_bytes(tables, "claims")))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    meta = [r[:2] for r in book["metadata"].iter_rows(values_only=True)]
    assert ("Values", tidy.PRINTED_NOTE) in meta


def test_every_csv_writer_goes_through_the_escaping_one():
    """No module writes CSV on its own: `to_csv` appears only in the tidy writer."""
    modules = [*(REPO / "indicators").rglob("*.py"), *(REPO / "pages").rglob("*.py")]
    writers = [
        path.relative_to(REPO).as_posix()
        for path in modules
        if re.search(r"\.to_csv\(", path.read_text(encoding="utf-8"))
    ]
    assert writers == ["indicators/outputs/tidy.py"]


def test_value_columns_come_from_the_contract():
    assert tidy.value_columns("internet_use") == ["value_pct", "users_millions"]
    assert tidy.value_columns("broadband_price") == ["value"]
    assert "allowance_gb" in schemas.unique_key("broadband_price")

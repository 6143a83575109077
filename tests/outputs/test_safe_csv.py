"""CSV downloads cannot smuggle a formula into a spreadsheet; numbers stay numbers."""

from __future__ import annotations

import io

import pandas as pd

from indicators.dashboard import callbacks, claims_view
from indicators.dashboard.state import STATE
from indicators.outputs import safe_csv


def test_text_cells_that_start_a_formula_are_escaped():
    names = ["=HYPERLINK(1)", "+1", "-cmd", "@SUM(A1)", "\tx", "\rx", "Kenya"]
    frame = pd.DataFrame({"name": names, "value": [-1.5, 2.0, -0.1, 0.0, 3.0, 3.5, 4.0]})
    out = safe_csv.escape_formulas(frame)
    assert out["name"].tolist() == [*("'" + n for n in names[:-1]), "Kenya"]
    assert out["value"].tolist() == frame["value"].tolist()
    assert frame["name"].iloc[0] == "=HYPERLINK(1)"  # the input is left as it was
    text = claims_view.csv_text(frame)
    assert "\n'=HYPERLINK(1),-1.5\n" in text


def test_chart_csv_download_keeps_negative_numbers_and_names_the_view(tables):
    before = STATE.tables()
    STATE.set_tables(tables)
    try:
        ids = [{"param": "sort"}, {"param": "region"}]
        sent, status = callbacks.download_panel("gender_countries", "csv", ["gap", "all"], ids)
    finally:
        STATE.set_tables(before)
    assert status is None
    assert sent["filename"] == "gender_countries_itu-gender-country-2019-12_all_gap.csv"
    body = sent["content"]
    raw = __import__("base64").b64decode(body).decode() if sent.get("base64") else body
    data = pd.read_csv(io.StringIO(raw), comment="#")
    assert (data["gap_pp"] < 0).any()  # women ahead somewhere: negative, and still numbers
    assert not data["name"].astype(str).str.startswith(safe_csv.FORMULA_STARTS).any()

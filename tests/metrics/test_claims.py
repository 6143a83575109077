"""Report files: claims checked against every edition, several reports at once, clear errors."""

from __future__ import annotations

import math
import shutil

import pandas as pd
import pytest

from indicators import catalogue
from indicators.contract import store
from indicators.contract.errors import SourceError
from indicators.dashboard import claims_view
from indicators.etl.build import BuildError, build
from indicators.metrics import claims

REPORT = """\
title: A test report
symbol: TEST/1
date: '2026-01-01'
cite_as: Test author, TEST/1 (1 January 2026)
claims:
- id: world
  statement: Half the world was online in 2019.
  citation: para. 1
  metric: level
  source: itu_aggregates
  edition: 2024-11
  params: {year: 2019, entity_a: WLD}
  comparator: "="
  value: 52.9
  rounding: 0.05
"""


def test_shipped_reports_are_checked_against_every_edition(tables):
    frame = tables.get("claims")
    assert set(frame["report"]) == {"A/75/62-E/2020/11", "ITU Facts and Figures 2024"}
    claim2 = frame[(frame.report == "A/75/62-E/2020/11") & (frame.claim_id == "2a")]
    assert set(claim2["vintage"]) == {"2019-10", "2024-11"}
    assert claim2.set_index("vintage")["report_edition"].to_dict() == {
        "2019-10": True,
        "2024-11": False,
    }
    # Claim 4 reads "fixed and mobile": both baskets are checked.
    assert {"4c", "4c-mobile", "4d", "4d-mobile"} <= set(frame["claim_id"])
    ff = frame[(frame.report == "ITU Facts and Figures 2024") & frame.report_edition]
    # Every statement holds in the report's own edition but two, whose notes say why: a ratio
    # the rounded rates put at 2.84 for the report's 2.9, and 94.8 per cent for 'at least 95'.
    unconfirmed = ff[ff["status"] != "confirmed"].set_index("claim_id")["status"].to_dict()
    assert unconfirmed == {"urban-rural-lic": "within rounding", "youth-americas": "revised"}
    assert ff.set_index("claim_id").loc["parity", "recomputed_value"] == pytest.approx(65.3 / 69.5)


def test_within_rounding_needs_the_inputs_precision():
    """87.5 / 21.9 = 3.995 against 'more than 4': the one-decimal inputs allow 3.984-4.007."""
    got = claims.with_rounding(lambda a, b: a / b, {"HIC": 87.5, "LDC": 21.9})
    status, note = claims._status(got, {"comparator": ">", "reported_value": 4, "tolerance": 0})
    assert status == "within rounding"
    assert "3.984 to 4.007" in note and "HIC 87.5, LDC 21.9" in note
    # Unrounded inputs (the Oct 2019 workbook holds full floats) leave no room: revised.
    exact = claims.with_rounding(lambda a, b: a / b, {"HIC": 87.51234567, "LDC": 21.91234567})
    status, _ = claims._status(exact, {"comparator": ">", "reported_value": 4, "tolerance": 0})
    assert status == "revised"
    assert claims._decimals(21.9) == 1 and claims._decimals(16.79999924) == 6


def test_several_reports_from_a_folder_and_data_claims(published, tmp_path):
    data = store.DataDir(tmp_path / "data")
    shutil.copytree(published.root, data.root, symlinks=True)
    (data.root / "claims").mkdir()
    (data.root / "claims" / "test.yaml").write_text(REPORT)
    build(data, progress=lambda _: None)
    frame = store.read_parquet(store.table_path(data, "claims"))
    assert {"A/75/62-E/2020/11", "TEST/1"} <= set(frame["report"])
    mine = frame[frame.report == "TEST/1"].set_index("vintage")
    assert mine.loc["2024-11", "status"] == "confirmed", mine.loc["2024-11", "note"]
    assert mine.loc["2024-11", "report_edition"]
    assert mine.loc["2024-11", "citation"] == "Test author, TEST/1 (1 January 2026), para. 1"
    # --claims DIR: only those reports.
    only = tmp_path / "only"
    only.mkdir()
    (only / "test.yaml").write_text(REPORT)
    build(data, claims_path=only, progress=lambda _: None)
    frame = store.read_parquet(store.table_path(data, "claims"))
    assert set(frame["report"]) == {"TEST/1"}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda t: t.replace("value: 52.9", "value: [52.9"), "not valid YAML"),
        (lambda t: t.replace("  rounding: 0.05\n", ""), "row 6, column rounding: the claim has no"),
        (lambda t: t.replace("metric: level", "metric: level\n  colour: red"), "unknown field"),
        (lambda t: t.replace("entity_a: WLD", "entity: WLD"), "unknown parameter(s) ['entity']"),
        (lambda t: t.replace("metric: level", "metric: median"), "unknown metric"),
        (lambda t: t.replace("cite_as: Test author, TEST/1 (1 January 2026)\n", ""), "cite_as"),
        (lambda t: t + t[t.index("- id") :], "claim 'world' of TEST/1 appears twice"),
    ],
)
def test_bad_report_files_are_named(tmp_path, change, expected):
    path = tmp_path / "test.yaml"
    path.write_text(change(REPORT))
    with pytest.raises(SourceError) as info:
        claims.read_claims(path, catalogue.claim_metrics())
    assert str(info.value).startswith("test.yaml")
    assert expected in str(info.value)


def test_a_metric_takes_the_parameters_its_topic_declares(tmp_path):
    """A location, age group or technology is a parameter of the metrics that declare it."""
    path = tmp_path / "test.yaml"
    area = REPORT.replace("metric: level", "metric: use_by_location").replace(
        "entity_a: WLD}", "entity_a: WLD, location: urban}"
    )
    path.write_text(area)
    frame = claims.read_claims(path, catalogue.claim_metrics())
    assert (
        frame.loc[0, "location"] == "urban" and frame.loc[0, "table"] == "internet_use_by_location"
    )
    path.write_text(REPORT.replace("entity_a: WLD}", "entity_a: WLD, location: urban}"))
    with pytest.raises(SourceError, match=r"unknown parameter\(s\) \['location'\]"):
        claims.read_claims(path, catalogue.claim_metrics())


def test_a_bad_report_file_publishes_nothing(published, tmp_path):
    data = store.DataDir(tmp_path / "data")
    shutil.copytree(published.root, data.root, symlinks=True)
    path = tmp_path / "bad.yaml"
    path.write_text(REPORT.replace("value: 52.9", "value: lots"))
    with pytest.raises(BuildError) as info:
        build(data, claims_path=path, progress=lambda _: None)
    assert "bad.yaml, row 6, column value: not a number" in info.value.report[0]


def test_the_first_claims_layout_still_reads(tmp_path):
    """A claims CSV (the layout before report files) is still accepted, one report per file."""
    row = {
        "claim_id": "x",
        "statement": "s",
        "citation": "c",
        "metric": "level",
        "table": "internet_use",
        "source": "wdi",
        "vintage": "latest",
        "year": "2019",
        "entity_a": "WLD",
        "comparator": "=",
        "reported_value": "53.9",
        "tolerance": "0.05",
        "note": "",
    }
    path = tmp_path / "old.csv"
    pd.DataFrame([row]).to_csv(path, index=False)
    frame = claims.read_claims(path, catalogue.claim_metrics())
    assert frame.loc[0, "report"] == "old" and frame.loc[0, "vintage"] == ""
    assert math.isclose(frame.loc[0, "reported_value"], 53.9)


def test_history_says_since_which_edition_a_claim_stopped_holding(tables):

    history = claims_view.claim_history(tables.get("claims")).set_index(["report", "claim_id"])
    claim3 = history.loc[("A/75/62-E/2020/11", "3"), "verdict"]
    assert claim3 == (
        "Held until ITU key ICT indicators, Oct 2019; stopped holding in ITU key ICT "
        "indicators, Nov 2024 (37.5% against 33.4%)."
    )
    ldc = history.loc[("A/75/62-E/2020/11", "2c"), "verdict"]
    assert (
        ldc == "Does not hold in any edition that can check it (ITU key ICT indicators, Nov 2024)."
    )
    ff = history.loc[("ITU Facts and Figures 2024", "share"), "verdict"]
    assert ff.startswith("Holds in every edition that can check it")
    figure = claims_view.history_figure(
        tables.get("claims").query("claim_id == '3'"), "Claim 3 across editions"
    )
    dots = {t["name"]: t for t in figure["data"]}
    assert dots["holds"]["x"] == ["Oct 2019"]
    assert figure["layout"]["xaxis"]["categoryarray"] == ["Oct 2019", "Nov 2024"]
    assert dots["does not hold"]["y"] == [pytest.approx(37.513, abs=1e-3)]
    # The reported line runs across the plot (also where one edition is drawn), keyed in the
    # legend by a trace of its style.
    (line,) = [s for s in figure["layout"]["shapes"] if s["type"] == "line"]
    assert (line["y0"], line["y1"], line["x0"], line["x1"]) == (33.4, 33.4, 0, 1)
    assert dots["reported (33.4)"]["line"] == line["line"]


def test_history_chart_draws_a_value_within_rounding_on_the_reported_line(tables):
    """A claim held within rounding sits on the reported line, not far below it on an axis
    stretched to three decimals; the band says where an "=" claim holds; nothing undrawn is in
    the legend."""
    claims = tables.get("claims")
    within = claims[claims["status"] == "within rounding"].iloc[0]
    rows = claims[
        (claims["report"] == within["report"]) & (claims["claim_id"] == within["claim_id"])
    ]
    figure = claims_view.history_figure(rows, "within rounding")
    low, high = figure["layout"]["yaxis"]["range"]
    reported = float(within["reported_value"])
    assert high - low >= 0.1 * abs(reported)
    assert low < float(within["recomputed_value"]) < high and low < reported < high
    statuses = ("holds", "within rounding", "does not hold")
    shown = [t for t in figure["data"] if t["name"] in statuses]
    assert shown and all(t["y"] for t in shown)  # no legend entry for a status not drawn
    equal = claims[(claims["comparator"] == "=") & (claims["tolerance"] > 0)].iloc[0]
    rows = claims[(claims["report"] == equal["report"]) & (claims["claim_id"] == equal["claim_id"])]
    drawn = claims_view.history_figure(rows, "band")
    (band,) = [s for s in drawn["layout"]["shapes"] if s["type"] == "rect"]
    tol = float(equal["tolerance"])
    assert (band["x0"], band["x1"]) == (0, 1)  # across the plot, however many editions
    assert band["y1"] == pytest.approx(float(equal["reported_value"]) + tol)
    assert band["y0"] == pytest.approx(float(equal["reported_value"]) - tol)
    assert drawn["data"][0]["name"].startswith("holds (")  # its legend key
    assert band["line"]["width"] >= 1  # edged: seen even a few pixels tall
    assert not drawn["layout"]["annotations"]


def test_history_chart_with_nothing_to_mark_says_so(tables):
    """A claim no edition here computes draws its reported line and says, in the plot, why
    there are no marks."""
    claims = tables.get("claims")
    empty = [
        rows
        for _, rows in claims.groupby(["report", "claim_id", "source"])
        if (rows["status"] == "not computable").all()
    ]
    assert empty  # 2b: ITU's income-group gender parity, in no published edition
    figure = claims_view.history_figure(empty[0], "none")
    (note,) = figure["layout"]["annotations"]
    assert note["text"].startswith("No edition here computes this figure")


def test_a_claim_not_computable_says_why_in_the_readers_words(tables):
    """The reason names economies and groups as the page does, not by their codes."""
    claims = tables.get("claims")
    missing = claims[claims["note"].str.contains("Not computable: no value for", regex=False)]
    assert len(missing)
    reasons = missing["note"].str.split("Not computable: ").str[-1]
    assert not reasons.str.contains(r"\b(?:DEVELOPED|HIC|WLD|LDC)\b|sex=").any(), reasons.tolist()
    assert reasons.str.contains(r"Developed countries|High income|World").any()

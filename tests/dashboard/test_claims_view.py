"""Report check and Data & sources: chart links, formatted claims, table catalogue, downloads."""

from __future__ import annotations

import io
import json
import re
from contextvars import copy_context
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pyarrow.parquet
import pytest
from dash._callback_context import context_value
from dash._utils import AttributeDict

from indicators.contract import schemas, store
from indicators.dashboard import claims_view
from indicators.dashboard.state import STATE
from tests.helpers import text_of


@pytest.fixture(scope="module")
def view(tables):
    shown = claims_view.claims_view(tables.get("claims"), claims_view.claim_specs())
    return shown.set_index(["claim_id", "edition"])


def query(href: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}


def test_ratio_claims_link_to_the_gap_chart_in_their_edition():
    row = {"metric": "ratio", "source": "itu_aggregates", "vintage": "2019-10", "year": 2019}
    href = claims_view.claim_href(row, {"entity_a": "DEVELOPED", "entity_b": "LDC"})
    assert href.startswith("/internet?")
    assert query(href) == {
        "internet-gap.entity_a": "DEVELOPED",
        "internet-gap.entity_b": "LDC",
        "internet-gap.mode": "ratio",
        "internet-gap.edition": "itu_aggregates@2019-10",
    }


def test_other_metrics_link_to_their_pages():
    base = {"source": "itu_aggregates", "vintage": "2024-11", "year": 2019}
    cagr = claims_view.claim_href({**base, "metric": "cagr"}, {"start_year": 2015.0})
    assert query(cagr) == {
        "bandwidth-growth.start_year": "2015",
        "bandwidth-growth.end_year": "2019",
        "bandwidth-growth.edition": "itu_aggregates@2024-11",
        "bandwidth-growth.grouping": "itu_region",
    }
    assert claims_view.claim_href({**base, "metric": "relative_gender_gap"}) == "/gender"
    assert claims_view.claim_href({**base, "metric": "count_meeting"}) == "/affordability"
    assert claims_view.claim_href({**base, "metric": "unknown"}) == ""
    # Without the claim's entities the link still reaches the page.
    assert claims_view.claim_href({**base, "metric": "ratio"}) == "/internet"
    no_edition = claims_view.claim_href(
        {**base, "metric": "ratio", "vintage": ""}, {"entity_a": "HIC", "entity_b": "LDC"}
    )
    assert "edition" not in no_edition


def test_claims_view_formats_values_and_statuses(view):
    first = view.loc[("1", "ITU key ICT indicators, Oct 2019 (the report's edition)")]
    assert first["reported"] == "more than 4×" and first["recomputed"] == "4.53×"
    assert first["status_class"] == "status-confirmed"
    assert "entity_a=DEVELOPED" in first["href"]
    # 3.995 must not print as 4.00 beside 'more than 4'; from one-decimal inputs (87.5 / 21.9)
    # it straddles 4 within their rounding, so it is neither confirmed nor revised.
    proxy = view.loc[("1-hic", "ITU key ICT indicators, Nov 2024")]
    assert proxy["recomputed"] == "3.995×" and proxy["status"] == "within rounding"
    assert "3.984 to 4.007" in proxy["note"] and "HIC 87.5, LDC 21.9" in proxy["note"]
    gap = view.loc[("2a", "ITU key ICT indicators, Nov 2024")]
    assert (gap["reported"], gap["recomputed"]) == ("17%", "9.2%")
    assert (
        view.loc[("2a", "ITU key ICT indicators, Oct 2019 (the report's edition)"), "recomputed"]
        == "—"
    )
    assert (
        view.loc[("2a", "ITU key ICT indicators, Oct 2019 (the report's edition)"), "status_class"]
        == "status-not-computable"
    )
    growth = view.loc[("3", "ITU key ICT indicators, Oct 2019 (the report's edition)")]
    assert (growth["reported"], growth["recomputed"]) == ("33.4%", "33.4%")
    assert "bandwidth-growth.end_year=2019" in growth["href"]
    count = view.loc[("4d", "ITU ICT Price Baskets, Dec 2025")]
    assert (count["reported"], count["recomputed"]) == ("at least 10 economies", "41 economies")


def test_status_counts_and_shared_citation(tables):
    claims = tables.get("claims")
    counts = claims_view.status_counts(claims)
    assert list(counts) == ["confirmed", "within rounding", "revised", "not computable"]
    # Editions older than a report that cannot compute one of its claims are no finding: they
    # are left out of the counts (Oct 2019 for Facts and Figures 2024's income groups).
    left_out = claims[~claims.index.isin(claims_view.relevant(claims).index)]
    assert len(left_out) > 0 and (left_out["status"] == "not computable").all()
    assert (left_out["vintage"] < left_out["report_date"].str[:7]).all()
    assert sum(counts.values()) == len(claims) - len(left_out)
    # The page's rows say which are left out, so that what it lists adds up to its counts.
    shown = claims_view.claims_view(claims, claims_view.claim_specs())["status_text"]
    assert shown.str.endswith(claims_view.NOT_COUNTED).sum() == len(left_out)
    counted = shown[~shown.str.endswith(claims_view.NOT_COUNTED)]
    for status, n in counts.items():
        assert counted.str.startswith(status).sum() == n, status
    # A claim its own edition does not support was not revised: the page says so.
    own = claims["report_edition"] & (claims["status"] == "revised")
    assert own.any()  # Facts and Figures 2024: youth in the Americas, 94.8 against 'at least 95'
    assert shown[own.to_numpy()].str.endswith(claims_view.OWN_EDITION_MISS).all()
    same = claims.assign(citation="A/75/62-E/2020/11")
    assert claims_view.shared_citation(same) == "A/75/62-E/2020/11"
    mixed = claims.assign(citation=[f"report {i}" for i in range(len(claims))])
    assert claims_view.shared_citation(mixed) == ""


def test_catalogue_summarises_every_table(tables):
    items = {item.name: item for item in claims_view.catalogue(tables)}
    assert list(items) == list(schemas.MODELS)
    assert list(items)[:4] == [
        "entities",
        "internet_use",
        "broadband_price",
        "bandwidth",
    ]
    bandwidth = items["bandwidth"]
    assert bandwidth.rows == 190
    assert bandwidth.key == ["source", "vintage", "entity_id", "year"]
    assert [e.split(", retrieved ")[0] for e in bandwidth.editions] == [
        "ITU key ICT indicators, Oct 2019 (itu_aggregates@2019-10",
        "ITU key ICT indicators, Nov 2024 (itu_aggregates@2024-11",
    ]
    assert all(re.search(r"retrieved \d{4}-\d{2}-\d{2}\)$", e) for e in bandwidth.editions)
    assert "ITU terms of use" in bandwidth.licence
    assert bandwidth.built_at.endswith("UTC")
    schema = bandwidth.schema.set_index("column")
    assert schema.loc["per_user_kbps", "unit"] == "kbit/s"
    assert schema.loc["per_user_kbps", "type"] == "float64 (nullable)"
    assert list(bandwidth.schema.columns) == ["column", "title", "unit", "type", "description"]
    assert bandwidth.cite().startswith("ITU, Key ICT indicators")


def test_downloads_round_trip(tables):
    payload, name, media = claims_view.table_download(tables, "bandwidth", "parquet")
    assert (name, media) == ("bandwidth.parquet", "application/vnd.apache.parquet")
    back = pyarrow.parquet.read_table(io.BytesIO(payload))
    assert back.num_rows == 190
    meta = json.loads(back.schema.metadata[store.META_KEY])
    assert meta["vintages"]["itu_aggregates@2024-11"] == "2024-11"
    text, name, _ = claims_view.table_download(tables, "claims", "csv")
    assert name == "claims.csv"
    assert len(pd.read_csv(io.BytesIO(text))) == len(tables.get("claims"))
    with pytest.raises(ValueError):
        claims_view.table_download(tables, "../etc/passwd", "csv")
    with pytest.raises(ValueError):
        claims_view.table_download(tables, "claims", "xlsx")


def test_download_of_an_unbuilt_table_names_the_command(tmp_path):
    empty = store.TableCache(store.DataDir(tmp_path))
    with pytest.raises(LookupError, match="indicators build"):
        claims_view.table_download(empty, "bandwidth", "csv")


@pytest.fixture
def pages(tables):
    """The report and data page modules, reading the built tables."""
    import sys

    import app  # noqa: F401  registers the pages

    before = STATE.tables()
    STATE.set_tables(tables)
    yield sys.modules["pages.report"], sys.modules["pages.data"]
    STATE.set_tables(before)


def test_report_page_shows_each_claim_across_editions_and_switches_report(pages):
    report_page, _ = pages
    text = text_of(report_page.layout())
    claims = STATE.tables().get("claims")
    mine = claims[claims.report == "A/75/62-E/2020/11"]
    # The first report by default: every claim and edition, each with its chart link.
    assert "A/75/62-E/2020/11 (13 January 2020), para. 3" in text
    assert "Facts and Figures 2019" in text
    assert text.count("Open chart") == len(mine)
    assert "3.995×" in text
    assert "stopped holding in ITU key ICT indicators, Nov 2024 (37.5% against 33.4%)" in text
    assert "(the report's edition)" in text
    # The switch: the other report, by the link the page offers.
    layout = report_page.layout(**{"report.symbol": "ITU Facts and Figures 2024"})
    text = text_of(layout)
    assert "5.5 billion people are online" in text and "Claim parity" in text
    assert "para. 3" not in text
    notice = text_of(report_page.layout(**{"report.symbol": "A/99/1"}))
    assert "No report “A/99/1”; showing A/75/62-E/2020/11." in notice
    report_page.layout(**{"report.x": ["a", "b"]})
    download = report_page.download_claims(1)
    assert download["filename"] == "claims.csv"
    assert download["content"].startswith("report,report_date,claim_id,statement")


def test_data_page_lists_tables_and_serves_downloads(pages):
    _, data_page = pages
    text = text_of(data_page.layout(view="<script>"))
    for name in ("entities", "internet_use", "broadband_price", "bandwidth", "claims"):
        assert f"{name}.parquet" in text and f"{name}.csv" in text
    assert "How to cite" in text and "per_user_kbps" in text
    assert "Release review" in text and "Every published edition passed the release review" in text

    def click() -> dict:
        prop = '{"fmt":"csv","table":"bandwidth","type":"data-download-button"}.n_clicks'
        context_value.set(AttributeDict(triggered_inputs=[{"prop_id": prop, "value": 1}]))
        return data_page.download_table([None, 1])

    sent = copy_context().run(click)
    assert sent["filename"] == "bandwidth.csv" and sent["base64"]


def test_a_claims_figures_keep_the_decimals_the_report_printed(tables):
    """Facts and Figures 2024 gives the parity score as 0.94 and 0.70: the table, the summary
    and the annex print them so, reported and recomputed, not '0.9' and '0.7' beside a claim
    that says 0.94."""
    claims = tables.get("claims")
    specs = claims_view.claim_specs()
    shown = claims_view.claims_view(claims, specs).set_index("claim_id")
    for claim_id, printed in (("parity", "0.94"), ("parity-ldc", "0.70")):
        rows = shown.loc[[claim_id]]
        assert set(rows["reported"]) == {printed}, claim_id
        assert printed in set(rows["recomputed"]), claim_id  # its own edition confirms it
    summary = claims_view.summary_rows(claims[claims["claim_id"] == "parity"])
    assert summary["reported"].tolist() == ["0.94"]
    assert "0.94 (confirmed)" in summary["latest_edition"].iloc[0]

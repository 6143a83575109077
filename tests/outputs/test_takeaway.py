"""Take-away files opened as a reader would: XLSX with its metadata sheet, the zip with CSV and
README; how-to-cite lines with retrieval dates; the embed address of a view."""

from __future__ import annotations

import io
import zipfile
from contextvars import copy_context
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from dash._callback_context import context_value
from dash._utils import AttributeDict
from openpyxl import load_workbook

from indicators.etl.fetch import read_manifest
from indicators.outputs import takeaway


@pytest.fixture(scope="module")
def retrieved(published) -> str:
    """The day the WDI Jul 2026 file was fetched, as the manifest records it."""
    return read_manifest(published)["wdi@2026-07"]["retrieved_at"][:10]


def sheet_rows(book, name: str) -> list[tuple]:
    return [tuple(r) for r in book[name].iter_rows(values_only=True)]


def test_xlsx_holds_the_full_table_and_its_metadata(tables, retrieved):
    book = load_workbook(io.BytesIO(takeaway.xlsx_bytes(tables, "internet_use")), read_only=True)
    assert book.sheetnames == ["data", "metadata"]
    frame = tables.get("internet_use")
    data = sheet_rows(book, "data")
    columns = list(frame.columns)
    at = columns.index("entity_id") + 1
    assert list(data[0]) == [*columns[:at], "name", "grouping", *columns[at:]]
    assert len(data) == len(frame) + 1
    got = pd.DataFrame(data[1:], columns=data[0])
    mda = got[(got["entity_id"] == "MDA") & (got["year"] == 2019) & (got["source"] == "wdi")]
    want = frame[
        (frame["entity_id"] == "MDA") & (frame["year"] == 2019) & (frame["source"] == "wdi")
    ]
    assert set(mda["name"]) == {"Republic of Moldova"} and set(mda["grouping"].fillna("")) == {""}
    # WDI prints 6 significant digits: 73.32610321 in the Jul 2026 file is 73.3261
    assert sorted(mda["value_pct"]) == [57.7605, 73.3261]
    assert sorted(want["value_pct"]) == pytest.approx([57.7605, 73.3261], abs=1e-4)
    world = got[(got["entity_id"] == "WLD") & (got["vintage"] == "2019-10")]
    assert set(world["grouping"]) == {"world"}
    assert world["value_pct"].iloc[0] == 16.8  # the sheet's '0.0' of 16.82022389756357
    meta = sheet_rows(book, "metadata")
    flat = [str(c) for row in meta for c in row if c is not None]
    assert ("Table", "internet_use") in [r[:2] for r in meta]
    assert "% of population" in flat and "value_pct" in flat  # fields and units
    assert "2026-07" in flat and "WDI Internet use, Jul 2026" in flat  # editions
    jul = recorded(tables, "wdi", "2026-07")
    assert jul.citation in flat and jul.licence in flat  # citations and licences
    edition_rows = [r for r in meta if r and r[0] == "wdi" and r[1] == "2026-07"]
    assert edition_rows and edition_rows[0][5] == retrieved  # retrieved date
    cites = [r[1] for r in meta if r and r[0] == "How to cite"]
    assert f"{jul.citation}, retrieved {retrieved}." in cites


def test_zip_holds_the_csv_and_a_readme(tables, retrieved):
    archive = zipfile.ZipFile(io.BytesIO(takeaway.zip_bytes(tables, "bandwidth")))
    assert sorted(archive.namelist()) == ["bandwidth/README.md", "bandwidth/bandwidth.csv"]
    frame = pd.read_csv(archive.open("bandwidth/bandwidth.csv"))
    assert len(frame) == len(tables.get("bandwidth"))
    columns = list(tables.get("bandwidth").columns)
    assert list(frame.columns) == [*columns[:3], "name", "grouping", *columns[3:]]
    world = frame[(frame["entity_id"] == "WLD") & (frame["year"] == 2024)]
    assert world[["name", "bandwidth_gbps", "per_user_kbps"]].values.tolist() == [
        ["World", 1778500.0, 322.8]
    ]
    readme = archive.read("bandwidth/README.md").decode()
    assert "## How to cite" in readme and "## Fields" in readme and "## Editions" in readme
    assert "| per_user_kbps | Bandwidth per Internet user | kbit/s |" in readme
    assert f"(updated 28 October 2019), retrieved {retrieved}." in readme


def test_how_to_cite_lines_carry_the_retrieval_date(tables, retrieved):
    lines = takeaway.cite_lines(tables, "broadband_price")
    prices = recorded(tables, "itu_prices", "2025-12")
    assert lines[0] == f"{prices.citation}, retrieved {retrieved}."
    assert lines[-1].startswith("Processed with the digital-divide indicators (table broadband")
    # M49's own citation names when its file was retrieved: no second date after it.
    m49 = recorded(tables, "m49", "2026-07")
    cited = [line for line in takeaway.cite_lines(tables, "entities") if "M49" in line]
    assert cited and all(line.count("retrieved") == 1 for line in cited), cited
    assert f"{m49.citation}." in cited


def recorded(tables, source, edition):
    """An edition's provenance as the build recorded it."""
    return tables.get("editions").set_index(["source", "edition"]).loc[(source, edition)]


class WithEditions:
    """The real tables plus an ``editions`` table as the build will publish it."""

    def __init__(self, tables, editions):
        self.tables, self.editions = tables, editions

    def get(self, name):
        return self.editions if name == "editions" else self.tables.get(name)

    def metadata(self, name):
        return self.tables.metadata(name)


def test_the_editions_table_is_used_when_published(tables):
    editions = pd.DataFrame(
        {
            "source": ["itu_aggregates", "itu_aggregates", "wdi"],
            "edition": ["2019-10", "2024-11", "2026-07"],
            "title": ["Oct 2019", "Nov 2024", "Jul 2026"],
            "citation": ["ITU 2019 as recorded", "ITU 2024 as recorded", "WDI as recorded"],
            "licence": ["ITU", "ITU", "CC BY 4.0"],
            "sha256": ["a", "b", "c"],
            "retrieved_at": ["2026-10-01T08:00:00+00:00", "2026-10-02T08:00:00+00:00", None],
        }
    )
    lines = takeaway.cite_lines(WithEditions(tables, editions), "bandwidth")
    assert lines[:2] == [
        "ITU 2019 as recorded, retrieved 2026-10-01.",
        "ITU 2024 as recorded, retrieved 2026-10-02.",
    ]


class Unrecorded(WithEditions):
    """Tables whose metadata recorded no retrieval date (files put in data/raw by hand)."""

    def metadata(self, name):
        meta = dict(self.tables.metadata(name))
        meta["editions"] = {
            k: {**v, "retrieved_at": None} for k, v in meta.get("editions", {}).items()
        }
        return meta


def test_an_unrecorded_retrieval_date_is_said_to_be_unrecorded(tables):
    bare = Unrecorded(tables, None)
    assert takeaway.cite_lines(bare, "bandwidth")[0].endswith("retrieval date not recorded.")


def test_unknown_or_unbuilt_tables_are_refused(tables, tmp_path):
    from indicators.contract import store

    with pytest.raises(ValueError, match="no table"):
        takeaway.download(tables, "nope", "xlsx")
    with pytest.raises(ValueError):
        takeaway.download(tables, "bandwidth", "docx")
    with pytest.raises(LookupError, match="indicators build"):
        takeaway.download(store.TableCache(store.DataDir(tmp_path)), "bandwidth", "zip")


def test_embed_url_keeps_the_view_and_hides_the_controls():
    href = (
        "http://host:8050/internet?internet-groups.grouping=itu_region"
        "&internet-gap.edition=itu_aggregates@2024-11&embed=0#top"
    )
    url = takeaway.embed_url(href)
    parts = urlsplit(url)
    assert parts.path == "/internet" and parts.fragment == ""
    assert parse_qs(parts.query) == {
        "internet-groups.grouping": ["itu_region"],
        "internet-gap.edition": ["itu_aggregates@2024-11"],
        "embed": ["1"],
    }
    snippet = takeaway.embed_snippet('http://host/x?a="b"')
    assert snippet.startswith('<iframe src="http://host/x?a=%22b%22&amp;embed=1"')
    assert 'style="border:0"' in snippet


def test_data_page_serves_xlsx_and_zip(tables):
    import sys

    import app  # noqa: F401  registers the pages
    from indicators.dashboard.state import STATE

    before = STATE.tables()
    STATE.set_tables(tables)
    data_page = sys.modules["pages.data"]
    try:

        def click(fmt: str) -> dict:
            prop = f'{{"fmt":"{fmt}","table":"claims","type":"data-download-button"}}.n_clicks'
            context_value.set(AttributeDict(triggered_inputs=[{"prop_id": prop, "value": 1}]))
            return data_page.download_table([1])

        for fmt in ("xlsx", "zip"):
            sent = copy_context().run(click, fmt)
            assert sent["filename"] == f"claims.{fmt}" and sent["base64"]
        from tests.helpers import text_of

        text = text_of(data_page.layout())
        assert "claims.xlsx" in text and "claims.zip" in text and ", retrieved " in text
    finally:
        STATE.set_tables(before)

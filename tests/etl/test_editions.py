"""A made-up next edition of each format is added without code and published beside the others."""

from __future__ import annotations

import io
import shutil

import openpyxl
import pandas as pd
import pytest

from indicators.catalogue import queries
from indicators.cli import main
from indicators.contract import store
from indicators.etl.fetch import read_manifest
from tests.helpers import next_wdi

AGGREGATES = "itu/ITU_regional_global_Key_ICT_indicator_aggregates_Nov_2024.xlsx"
PRICES = "itu/ITU_ICTPriceBaskets_2008-2025.xlsx"
M49 = "un/UNSD_M49_overview_2026.csv"
GENDER = "itu/ITU_Individuals_using_Internet_by_gender_urban_rural_Dec2019.xls"
UNCHANGED = ["entities", "broadband_price", "bandwidth"]


@pytest.fixture
def data(published, tmp_path):
    """A copy of the session's build of today's nine files."""
    copy = store.DataDir(tmp_path / "data")
    shutil.copytree(published.root, copy.root, symlinks=True)
    return copy


def tables_of(data) -> dict[str, pd.DataFrame]:
    return {n: store.read_parquet(store.table_path(data, n)) for n in store.published_tables(data)}


def add(data, *args) -> None:
    assert main(["--data-dir", str(data.root), "add", *map(str, args)]) == 0
    assert main(["--data-dir", str(data.root), "build"]) == 0


def workbook_with(path, replace: dict[str, str], rename: dict[str, str] | None = None) -> bytes:
    """A copy of a workbook with text replaced in every cell (and sheets renamed)."""
    book = openpyxl.load_workbook(path)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    for old, new in replace.items():
                        cell.value = cell.value.replace(old, new)
    for old, new in (rename or {}).items():
        book[old].title = new
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_new_wdi_download_is_a_new_edition_and_nothing_else_changes(data, mirror, tmp_path):
    before = tables_of(data)
    new = tmp_path / "API_IT.NET.USER.ZS_DS2_en_csv_v2_77777.csv"
    new.write_bytes(next_wdi(mirror, world_2019="54.1"))
    add(data, new)
    after = tables_of(data)
    for name in UNCHANGED:
        pd.testing.assert_frame_equal(before[name], after[name])
    use = after["internet_use"]
    pd.testing.assert_frame_equal(
        before["internet_use"].reset_index(drop=True),
        use[use.vintage != "2026-09"].reset_index(drop=True),
    )
    world = use[(use.entity_id == "WLD") & (use.year == 2019) & (use.source == "wdi")]
    assert world.set_index("vintage")["value_pct"].to_dict()["2026-09"] == 54.1
    # Its own date and citation: in the editions table, the Parquet metadata and captions.
    cache = store.TableCache(data)
    citation = queries.source_line(cache, "wdi@2026-09")
    assert citation.endswith("(last updated 20 Sep 2026)")
    assert "wdi@2026-09" in queries.editions(cache, "internet_use", ("wdi",))
    assert queries.edition_label("wdi@2026-09") == "WDI Internet use, Sep 2026"
    meta = store.read_metadata(store.table_path(data, "internet_use"))
    assert meta["editions"]["wdi@2026-09"]["citation"] == citation
    assert meta["editions"]["wdi@2026-09"]["path"] == f"worldbank/{new.name}"
    editions = after["editions"].set_index(["source", "edition"])
    assert editions.loc[("wdi", "2026-09"), "last_year"] == 2025


def test_a_wdi_edition_with_an_added_year(data, mirror, tmp_path):
    """A next edition carrying one more year column: its own year (2026 in a Sep 2026 file)."""
    text = next_wdi(mirror).decode("utf-8-sig").split("\r\n")
    header = next(i for i, line in enumerate(text) if line.startswith("Country Name"))
    year = 2026
    text[header] += f",{year}"
    for i in range(header + 1, len(text)):
        if text[i]:
            text[i] += ",75.5" if ",WLD," in text[i] else ","
    new = tmp_path / "wdi.csv"
    new.write_bytes("\r\n".join(text).encode())
    add(data, new)
    use = tables_of(data)["internet_use"]
    assert use[(use.vintage == "2026-09") & (use.entity_id == "WLD")]["year"].max() == year


def test_next_itu_aggregates_workbook(data, mirror, tmp_path):
    new = tmp_path / "ITU_regional_global_Key_ICT_indicator_aggregates_Nov_2025.xlsx"
    new.write_bytes(
        workbook_with(mirror / AGGREGATES, {"Version November 2024": "Version November 2025"})
    )
    add(data, new)
    tables = tables_of(data)
    use = tables["internet_use"]
    world = use[(use.entity_id == "WLD") & (use.year == 2019) & (use.sex == "total")]
    assert (
        world.set_index(["source", "vintage"])["value_pct"][("itu_aggregates", "2025-11")] == 52.9
    )
    assert ("itu_aggregates", "2025-11") in set(
        zip(tables["bandwidth"].source, tables["bandwidth"].vintage, strict=True)
    )
    cited = queries.source_line(store.TableCache(data), "itu_aggregates@2025-11")
    assert cited.endswith("(version November 2025, for Facts and Figures 2024)")


def test_next_price_basket_release(data, mirror, tmp_path):
    new = tmp_path / "ITU_ICTPriceBaskets_2008-2026.xlsx"
    new.write_bytes(
        workbook_with(
            mirror / PRICES,
            {"Dec 2025 release": "Dec 2026 release"},
            rename={"economies_2008-2025": "economies_2008-2026"},
        )
    )
    before = tables_of(data)
    add(data, new)
    tables = tables_of(data)
    assert set(tables["broadband_price"].vintage) == {"2025-12", "2026-12"}
    # Regions come from the newest release; the same content gives the same groups.
    pd.testing.assert_frame_equal(before["entities"], tables["entities"])
    meta = store.read_metadata(store.table_path(data, "entities"))
    assert meta["derived_from"]["itu_region"] == ["itu_prices@2026-12"]


def test_groups_follow_the_newest_m49_edition_never_an_older_one(data, mirror, tmp_path):
    text = (mirror / M49).read_bytes().decode("utf-8-sig")
    row = next(line for line in text.splitlines() if line.split(";")[11:12] == ["BGD"])
    cells = row.split(";")
    assert cells[12] == "x"  # Bangladesh is an LDC in the 2026 list
    graduated = text.replace(row, ";".join([*cells[:12], "", *cells[13:]]))
    newer = tmp_path / "m49-newer.csv"
    newer.write_text(graduated, encoding="utf-8-sig")
    add(data, newer, "--edition", "2026-11")
    ent = tables_of(data)["entities"].set_index("entity_id")
    assert not ent.loc["BGD", "ldc"]
    # An older edition that still lists it changes nothing about today's groups.
    older = tmp_path / "m49-older.csv"
    older.write_text(text.replace("Bangladesh", "Bangladesh "), encoding="utf-8-sig")
    before = tables_of(data)["entities"]
    add(data, older, "--edition", "2020-01")
    pd.testing.assert_frame_equal(before, tables_of(data)["entities"])
    assert set(read_manifest(data)) >= {"m49@2026-11", "m49@2020-01", "m49@2026-07"}


def test_gender_file_of_another_edition_needs_its_edition_stated(data, mirror, tmp_path, capsys):
    book = openpyxl.Workbook()
    sheet = book.active
    grid = pd.read_excel(mirror / GENDER, header=None, engine="calamine")
    for row in grid.itertuples(index=False):
        sheet.append([None if pd.isna(v) else v for v in row])
    assert sheet.cell(5, 5).value == "91.6"  # Andorra, all, 2017 (stored as text)
    sheet.cell(5, 5).value = 92.6  # one revised cell: another edition
    new = tmp_path / "gender.xlsx"
    book.save(new)
    assert main(["--data-dir", str(data.root), "add", str(new)]) == 2
    assert "--edition" in capsys.readouterr().err
    add(data, new, "--edition", "2020-12")
    use = tables_of(data)["internet_use"]
    assert {"2019-12", "2020-12"} <= set(use.loc[use.source == "itu_gender_country", "vintage"])


def test_editions_read_from_content_match_the_known_copies(mirror):
    """Where a file states its edition, the content gives what the hash list says; the hash
    list is needed only for the copies whose date was stripped."""
    from indicators.etl import sources
    from indicators.etl.sources.formats import Blob

    stated, stripped = 0, 0
    for path in sorted(mirror.rglob("*")):
        if not path.is_file():
            continue
        blob = Blob.read(path)
        fmt = sources.recognise(blob)
        if fmt is None:
            continue
        known = fmt.known[blob.sha256].edition
        from_content = fmt.read_edition(blob)
        if from_content is None:
            stripped += 1
        else:
            stated += 1
            assert from_content == known, path.name
    assert (stated, stripped) == (4, 5)

"""The release review: every edition checked against its neighbours before it is published.

Each test writes its edition from the mirror's files (an older WDI download, a next ITU
workbook, a cut country list), adds it with the CLI and builds. A refusal names the file and the
place, says how to go on, and leaves ``data/processed`` byte for byte as it was.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from datetime import UTC, datetime

import openpyxl
import pandas as pd
import pytest

from indicators.cli import main
from indicators.contract import store
from indicators.etl.fetch import read_manifest
from tests.helpers import next_wdi

WDI_FEB = "worldbank/API_IT.NET.USER.ZS_DS2_en_csv_v2_1228.csv"
WDI_META = "worldbank/Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_1228.csv"
AGGREGATES = "itu/ITU_regional_global_Key_ICT_indicator_aggregates_Nov_2024.xlsx"
M49 = "un/UNSD_M49_overview_2026.csv"
# Today's files keep these aggregate rows empty; older downloads had values in them.
EMPTY_TODAY = ("ARB", "CEB", "EMU")
# What the World Bank's aggregates MNA and TMN were called before its 2025 regions.
# A year no edition can be from yet (the tests run in any year).
AHEAD = datetime.now(UTC).year + 5
NAMES_2018 = {
    "MNA": "Middle East & North Africa (excluding high income)",
    "TMN": "Middle East & North Africa (IDA & IBRD countries)",
}


def digest(folder) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def data(published, tmp_path):
    """A copy of the session's build of the mirror (its cache too, so only new files are read)."""
    copy = store.DataDir(tmp_path / "data")
    shutil.copytree(published.root, copy.root, symlinks=True)
    return copy


def cli(data, *args) -> int:
    return main(["--data-dir", str(data.root), *map(str, args)])


def older_wdi(
    mirror,
    date: str,
    last_year: int,
    names: dict[str, str] | None = None,
    fill: tuple[str, ...] = EMPTY_TODAY,
) -> bytes:
    """An older WDI download as the World Bank's API serves it, made from the Feb 2026 file:
    its ISO 'Last Updated Date', years cut to ``last_year``, values revised by 3 %, values in
    rows today's files keep empty (``fill``), and ``names`` as the older file had them."""
    rows = list(csv.reader(io.StringIO((mirror / WDI_FEB).read_text(encoding="utf-8-sig"))))
    header = next(i for i, row in enumerate(rows) if row and row[0] == "Country Name")
    keep = rows[header].index(str(last_year)) + 1
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    out.write(f'"Data Source","World Development Indicators",\r\n\r\n"Last Updated Date","{date}",')
    out.write("\r\n\r\n")
    for row in rows[header:]:
        cells = row[:keep]
        if row[1] in fill:
            cells = cells[:4] + ["" if int(y) < 2000 else "40.5" for y in rows[header][4:keep]]
        elif row[0] != "Country Name":
            cells = cells[:4] + [f"{float(v) * 0.97:.4f}" if v else "" for v in cells[4:]]
        cells[0] = (names or {}).get(cells[1], cells[0])
        writer.writerow([*cells, ""])
    return "\ufeff".encode() + out.getvalue().encode()


def row_of(content: bytes, code: str) -> int:
    """The 1-based line of a code in a CSV."""
    for number, line in enumerate(content.decode("utf-8-sig").splitlines(), 1):
        if f'"{code}"' in line or f",{code}," in line:
            return number
    raise AssertionError(code)


def add_and_build(data, capsys, path, *edition) -> tuple[int, str]:
    """`add` the file (it must be taken), then `build`; the build's exit code and stderr."""
    assert cli(data, "add", path, *edition) == 0, capsys.readouterr().err
    capsys.readouterr()
    code = cli(data, "build")
    return code, capsys.readouterr().err


def test_a_real_older_edition_is_added_beside_todays_and_diffed(data, mirror, tmp_path, capsys):
    """Its aggregate rows with values that today's files keep empty are no lost coverage."""
    old = tmp_path / "API_IT.NET.USER.ZS_DS2_en_csv_v2_2022.csv"
    old.write_bytes(older_wdi(mirror, "2022-05-20", 2022))
    code, err = add_and_build(data, capsys, old)
    assert code == 0, err
    assert cli(data, "diff", "wdi", "2022-05", "2026-07") == 0
    out = capsys.readouterr().out
    lost = next(line for line in out.splitlines() if line.startswith("coverage lost"))
    assert all(code in lost for code in EMPTY_TODAY)
    use = store.read_parquet(store.table_path(data, "internet_use"))
    assert {"2022-05", "2026-02", "2026-07"} <= set(use.loc[use.source == "wdi", "vintage"])


def test_an_older_edition_whose_codes_mean_something_else_waits_for_a_person(
    data, mirror, tmp_path, capsys
):
    old_bytes = older_wdi(mirror, "2018-07-02", 2018, NAMES_2018)
    old = tmp_path / "API_IT.NET.USER.ZS_DS2_en_csv_v2_2018.csv"
    old.write_bytes(old_bytes)
    before = digest(data.processed)
    entities_before = store.read_parquet(store.table_path(data, "entities"))
    code, err = add_and_build(data, capsys, old)
    assert code == 1
    place = f"worldbank/{old.name}, row {row_of(old_bytes, 'MNA')}"
    assert (
        f"{place}: wdi@2018-07 against wdi@2026-02: code re-meaning: MNA is "
        "'Middle East & North Africa (excluding high income)' in the older edition and "
        "'Middle East, North Africa, Afghanistan & Pakistan (excluding high income)' in the newer"
    ) in err
    assert "code re-meaning: TMN is" in err
    # Today's editions are never the ones stopped by an older edition.
    assert "wdi@2026-02 against" not in err and "wdi@2026-07 against" not in err
    assert 'indicators build --accept wdi@2018-07 --reason "why it is right"' in err
    assert digest(data.processed) == before

    reason = "The World Bank regrouped these aggregates in 2025; the 2018 values keep their own"
    assert cli(data, "build", "--accept", "wdi@2018-07", "--reason", reason, "--by", "analyst") == 0
    accepted = read_manifest(data)["wdi@2018-07"]["accepted"]
    assert accepted["by"] == "analyst" and accepted["reason"] == reason
    assert any("code re-meaning: MNA" in line for line in accepted["findings"])
    editions = store.read_parquet(store.table_path(data, "editions"))
    editions = editions.set_index(["source", "edition"])
    row = editions.loc[("wdi", "2018-07")]
    assert (row["accepted_by"], row["accepted_reason"]) == ("analyst", reason)
    assert "code re-meaning: TMN" in row["accepted_findings"]
    assert editions.loc[("wdi", "2026-07"), "accepted_by"] == ""
    # The older file's names never rename today's aggregates.
    pd.testing.assert_frame_equal(
        entities_before, store.read_parquet(store.table_path(data, "entities"))
    )
    capsys.readouterr()
    assert cli(data, "info") == 0
    out = capsys.readouterr().out
    assert f"accepted despite the release review by analyst at {accepted['at']}: {reason}" in out
    # Accepted once for these bytes: later builds publish it without asking again.
    assert cli(data, "build", "--force") == 0


def test_the_data_page_shows_who_accepted_what_and_why(data, mirror, tmp_path, capsys):
    import sys

    import app  # noqa: F401  registers the pages
    from indicators.dashboard import claims_view
    from indicators.dashboard.state import STATE
    from tests.helpers import text_of

    old = tmp_path / "wdi-2018.csv"
    old.write_bytes(older_wdi(mirror, "2018-07-02", 2018, NAMES_2018))
    add_and_build(data, capsys, old)
    assert cli(data, "build", "--accept", "wdi@2018-07", "--reason", "regions", "--by", "ana") == 0
    tables = store.TableCache(data)
    (accepted,) = claims_view.acceptances(tables)
    assert (accepted.edition, accepted.by, accepted.reason) == ("wdi@2018-07", "ana", "regions")
    before = STATE.tables()
    STATE.set_tables(tables)
    try:
        text = text_of(sys.modules["pages.data"].layout())
    finally:
        STATE.set_tables(before)
    assert "Release review" in text
    assert "WDI Internet use, Jul 2018" in text and "(wdi@2018-07): accepted by ana on" in text
    assert "Reason: regions" in text and "2 finding(s) accepted" in text
    assert "code re-meaning: MNA" in text
    # Beside the edition in the table's own facts too.
    assert "(wdi@2018-07, retrieved " in text and "accepted by ana on" in text


def test_accept_needs_a_reason_and_an_edition_that_is_there(data, capsys):
    assert cli(data, "build", "--accept", "wdi@2026-07") == 2
    assert "--accept SOURCE@EDITION and --reason" in capsys.readouterr().err
    assert cli(data, "build", "--accept", "wdi@1999-01", "--reason", "x") == 1
    err = capsys.readouterr().err
    assert "--accept wdi@1999-01: no such edition in data/raw (editions: " in err
    assert cli(data, "build", "--accept", "wdi@2026-07", "--reason", "nothing to say") == 0
    assert "--accept wdi@2026-07: the review found nothing to accept" in capsys.readouterr().out
    assert "accepted" not in read_manifest(data)["wdi@2026-07"]


def test_an_implausible_percentage_move_is_named_by_its_cell(data, mirror, tmp_path, capsys):
    new_bytes = next_wdi(mirror, world_2019="93.9")  # 53.9 in Jul 2026: +40 points
    new = tmp_path / "wdi-next.csv"
    new.write_bytes(new_bytes)
    before = digest(data.processed)
    code, err = add_and_build(data, capsys, new)
    assert code == 1
    assert (
        f"worldbank/wdi-next.csv, row {row_of(new_bytes, 'WLD')}, column 2019: wdi@2026-09 "
        "against wdi@2026-07: implausible move: WLD 2019 value_pct;sex=total: 53.9 in "
        "wdi@2026-07, 93.9 in wdi@2026-09 (+40.0 points); more than 30 points is implausible"
    ) in err
    assert digest(data.processed) == before


def bandwidth_times_1000(mirror) -> tuple[bytes, int]:
    """The next ITU workbook with the World's bandwidth written in Gbit/s under a Tbit/s header
    (x1000), and the row it is on."""
    book = openpyxl.load_workbook(mirror / AGGREGATES)
    sheet = book["By dvpmnt status and spec. reg."]
    title = next(c.row for c in sheet["A"] if str(c.value).startswith("International bandwidth"))
    world = next(c.row for c in sheet["A"] if c.row > title and c.value == "World")
    for cell in sheet[world][1:21]:  # columns B-U: Tbit/s, 2005-2024
        if isinstance(cell.value, int | float):
            cell.value *= 1000
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "Version November 2024" in cell.value:
                    cell.value = cell.value.replace("November 2024", "November 2025")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), world


def test_a_volume_a_thousand_times_larger_is_named_by_its_cell(data, mirror, tmp_path, capsys):
    content, world = bandwidth_times_1000(mirror)
    new = tmp_path / "ITU_aggregates_Nov_2025.xlsx"
    new.write_bytes(content)
    before = digest(data.processed)
    code, err = add_and_build(data, capsys, new)
    assert code == 1
    assert (
        f"itu/{new.name}, sheet 'By dvpmnt status and spec. reg.', row {world}, column U: "
        "itu_aggregates@2025-11 against itu_aggregates@2024-11: implausible move: WLD 2024 "
        "bandwidth_gbps: 1,778,500 in itu_aggregates@2024-11, 1,778,500,000 in "
        "itu_aggregates@2025-11 (1000 times the older value); a factor of 10 or more is "
        "implausible"
    ) in err
    assert digest(data.processed) == before


def test_a_year_after_the_editions_own_date(data, mirror, tmp_path, capsys):
    """A 2027 column in a Sep 2026 edition: within the year after retrieval, after its date."""
    lines = next_wdi(mirror).decode("utf-8-sig").split("\r\n")
    header = next(i for i, line in enumerate(lines) if line.startswith("Country Name"))
    lines[header] += ",2027"
    for i in range(header + 1, len(lines)):
        if lines[i]:
            lines[i] += ",75.5" if ",WLD," in lines[i] else ","
    content = "\ufeff".encode() + "\r\n".join(lines).encode()
    new = tmp_path / "wdi-2027.csv"
    new.write_bytes(content)
    before = digest(data.processed)
    code, err = add_and_build(data, capsys, new)
    assert code == 1
    assert (
        f"worldbank/wdi-2027.csv, row {row_of(content, 'WLD')}, column 2027: wdi@2026-09: year "
        "after edition: 1 value(s) for 2027 in internet_use, after the edition's own date"
    ) in err
    assert digest(data.processed) == before


@pytest.mark.parametrize(
    ("name", "make", "edition", "expected"),
    [
        (
            "wdi-ahead.csv",
            lambda m: next_wdi(m, date=f"1/15/{AHEAD}"),
            (),
            f"edition {AHEAD}-01 (last updated 15 Jan {AHEAD}) is dated after this month",
        ),
        (
            "m49.csv",
            lambda m: (m / M49).read_bytes().replace(b"Namibia", b"Namibia "),
            ("--edition", f"{AHEAD}-01"),
            f"edition {AHEAD}-01 (January {AHEAD}) is dated after this month",
        ),
    ],
)
def test_an_edition_dated_after_this_month_is_refused(
    data, mirror, tmp_path, capsys, name, make, edition, expected
):
    path = tmp_path / name
    path.write_bytes(make(mirror))
    raw = digest(data.raw)
    assert cli(data, "add", path, *edition) == 2
    assert expected in capsys.readouterr().err
    assert digest(data.raw) == raw


def test_an_itu_footer_dated_years_ahead_is_refused(data, mirror, tmp_path, capsys):
    book = openpyxl.load_workbook(mirror / AGGREGATES)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "Version November 2024" in cell.value:
                    cell.value = cell.value.replace("November 2024", f"November {AHEAD}")
    path = tmp_path / "aggregates-ahead.xlsx"
    book.save(path)
    raw = digest(data.raw)
    assert cli(data, "add", path) == 2
    assert f"edition {AHEAD}-11 (version November {AHEAD}" in capsys.readouterr().err
    assert digest(data.raw) == raw


def test_a_file_dated_years_ahead_put_into_raw_by_hand_is_not_published(data, mirror, capsys):
    (data.raw / "worldbank" / "wdi-ahead.csv").write_bytes(next_wdi(mirror, date=f"1/15/{AHEAD}"))
    before = digest(data.processed)
    assert cli(data, "build") == 1
    err = capsys.readouterr().err
    assert f"wdi-ahead.csv: edition {AHEAD}-01 (last updated 15 Jan {AHEAD}) is dated" in err
    assert digest(data.processed) == before


def test_a_hand_edited_manifest_never_overrides_the_files_own_date(data, capsys):
    path = data.raw / "manifest.json"
    manifest = json.loads(path.read_text())
    entry = manifest["files"].pop("wdi@2026-07")
    manifest["files"]["wdi@2025-01"] = {**entry, "edition": "2025-01", "edition_text": "Jan 2025"}
    path.write_text(json.dumps(manifest))
    before = digest(data.processed)
    assert cli(data, "build") == 1
    err = capsys.readouterr().err
    assert (
        "33086.csv: the manifest records it as wdi@2025-01, but the file states edition 2026-07"
    ) in err
    assert digest(data.processed) == before


def cut_lines(content: bytes, keep: float) -> bytes:
    """The text cut after a whole line, keeping a share of its lines (an interrupted copy)."""
    lines = content.split(b"\n")
    kept = b"\n".join(lines[: int(len(lines) * keep)])
    return kept + (b"\n" if content.endswith(b"\n") else b"")


@pytest.mark.parametrize(
    ("relative", "keep", "edition", "lost"),
    [
        (WDI_META, 0.92, "2026-08", "wdi_meta@2026-08 against wdi_meta@2026-02: economy lost:"),
        (M49, 0.98, "2026-11", "m49@2026-11 against m49@2026-07: economy lost: WLF is listed"),
    ],
)
def test_a_country_list_cut_short_loses_economies(
    data, mirror, tmp_path, capsys, relative, keep, edition, lost
):
    """Cut at a line end, the list still reads; against its neighbour, economies are missing."""
    path = tmp_path / relative.split("/")[1]
    path.write_bytes(cut_lines((mirror / relative).read_bytes(), keep))
    before = digest(data.processed)
    code, err = add_and_build(data, capsys, path, "--edition", edition)
    assert code == 1
    assert lost in err and f"--accept {lost.split(' ')[0]}" in err
    assert digest(data.processed) == before


def test_an_older_edition_is_reviewed_and_todays_are_never_failed(data, mirror, tmp_path, capsys):
    """The Isle of Man has values in the older file and none in today's: the difference is the
    older edition's finding, reviewed against its neighbour; today's editions stay published."""
    content = older_wdi(mirror, "2022-05-20", 2022, fill=(*EMPTY_TODAY, "IMN"))
    path = tmp_path / "wdi-2022.csv"
    path.write_bytes(content)
    before = digest(data.processed)
    code, err = add_and_build(data, capsys, path)
    assert code == 1
    assert (
        f"worldbank/wdi-2022.csv, row {row_of(content, 'IMN')}: wdi@2022-05 against wdi@2026-02: "
        "economy lost: IMN has values in wdi@2022-05 and not in wdi@2026-02"
    ) in err
    assert "--accept wdi@2022-05" in err and "--accept wdi@2026" not in err
    assert digest(data.processed) == before

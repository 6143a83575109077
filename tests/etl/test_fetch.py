"""`fetch`, `add` and `remove`: files known by content, editions side by side, all or nothing."""

from __future__ import annotations

import functools
import hashlib
import http.server
import io
import threading
import zipfile
from datetime import UTC, datetime

import pytest

from indicators.cli import main
from indicators.contract import store
from indicators.etl.fetch import read_manifest
from indicators.etl.raw import MANIFEST
from tests.helpers import WDI_JUL, next_wdi

WDI_META = "worldbank/Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_1228.csv"
M49_2026 = "un/UNSD_M49_overview_2026.csv"
EDITIONS = {
    "wdi@2026-07",
    "wdi@2026-02",
    "wdi_meta@2026-02",
    "itu_aggregates@2019-10",
    "itu_aggregates@2024-11",
    "itu_gender_country@2019-12",
    "itu_prices@2025-12",
    "m49@2021",
    "m49@2026-07",
}


def serve(folder):
    """A real HTTP server on 127.0.0.1 serving a folder; returns (url, server)."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a, **k: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


@pytest.fixture
def http_folder(tmp_path):
    folder = tmp_path / "served"
    folder.mkdir()
    url, server = serve(folder)
    yield folder, url
    server.shutdown()
    server.server_close()


@pytest.fixture
def http_mirror(mirror):
    url, server = serve(mirror)
    yield url
    server.shutdown()
    server.server_close()


def run(*args) -> int:
    return main([str(a) for a in args])


def check_manifest(data, mirror):
    manifest = read_manifest(data)
    assert set(manifest) == EDITIONS
    for key, entry in manifest.items():
        content = (data.raw / entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(content).hexdigest()
        assert entry["bytes"] == len(content)
        assert entry["retrieved_at"].endswith("+00:00")
        assert entry["format"] == key.split("@")[0] and entry["edition"] == key.split("@")[1]
    assert (data.raw / WDI_JUL).read_bytes() == (mirror / WDI_JUL).read_bytes()


def test_fetch_from_local_folder_lists_what_it_skipped(tmp_path, mirror, capsys):
    data = store.DataDir(tmp_path / "data")
    assert run("--data-dir", data.root, "fetch", "--from", mirror) == 0
    check_manifest(data, mirror)
    out = capsys.readouterr().out
    assert "skipped" in out and "Metadata_Indicator" in out and "not a file of any known" in out
    # Again: the same bytes are taken once, nothing is duplicated.
    assert run("--data-dir", data.root, "fetch", "--from", mirror) == 0
    assert "already present" in capsys.readouterr().out
    check_manifest(data, mirror)


def test_fetch_downloads_a_mirror_over_http(tmp_path, mirror, http_mirror):
    data = store.DataDir(tmp_path / "data")
    assert run("--data-dir", data.root, "fetch", "--mirror-url", http_mirror) == 0
    check_manifest(data, mirror)
    assert read_manifest(data)["m49@2026-07"]["url"].startswith(http_mirror)


def test_fetch_offline_says_what_to_do(tmp_path, capsys):
    data = store.DataDir(tmp_path / "data")
    # Port 9 on loopback: nothing listens, so the connection is refused at once.
    code = run("--data-dir", data.root, "fetch", "--mirror-url", "http://127.0.0.1:9/")
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert "cannot download http://127.0.0.1:9/" in err[0] and "--from" in err[0]
    assert not (data.raw / MANIFEST).exists()


def test_fetch_from_an_empty_folder(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("--data-dir", tmp_path / "data", "fetch", "--from", empty) == 2
    assert "no files found in the folder given with --from" in capsys.readouterr().err


def test_fetch_is_all_or_nothing(tmp_path, mirror, capsys):
    """An empty ninth file stops the fetch before anything is replaced."""
    data = store.DataDir(tmp_path / "data")
    assert run("--data-dir", data.root, "fetch", "--from", mirror) == 0
    before = {p: p.read_bytes() for p in sorted(data.raw.rglob("*")) if p.is_file()}
    offered = tmp_path / "offered"
    (offered / "worldbank").mkdir(parents=True)
    (offered / "worldbank" / "new.csv").write_bytes(next_wdi(mirror))
    (offered / "zz-empty.csv").write_bytes(b"")
    assert run("--data-dir", data.root, "fetch", "--from", offered) == 2
    err = capsys.readouterr().err
    assert "zz-empty.csv" in err and "empty" in err and "left as it was" in err
    after = {p: p.read_bytes() for p in sorted(data.raw.rglob("*")) if p.is_file()}
    assert after == before


def test_add_a_new_wdi_edition_beside_the_others(tmp_path, mirror, capsys):
    data = store.DataDir(tmp_path / "data")
    run("--data-dir", data.root, "fetch", "--from", mirror)
    new = tmp_path / "API_IT.NET.USER.ZS_DS2_en_csv_v2_99999.csv"
    new.write_bytes(next_wdi(mirror))
    assert run("--data-dir", data.root, "add", new) == 0
    entry = read_manifest(data)["wdi@2026-09"]
    assert entry["path"] == f"worldbank/{new.name}"
    assert entry["citation"].endswith("(last updated 20 Sep 2026)")
    assert entry["format"] == "wdi" and entry["bytes"] == new.stat().st_size
    assert set(read_manifest(data)) == EDITIONS | {"wdi@2026-09"}
    # The same bytes again: taken once.
    assert run("--data-dir", data.root, "add", new) == 0
    assert "taken once" in capsys.readouterr().out
    assert run("--data-dir", data.root, "remove", "wdi@2026-09") == 0
    assert set(read_manifest(data)) == EDITIONS
    assert not (data.raw / entry["path"]).exists()


def test_add_over_http_and_a_name_already_taken(tmp_path, mirror, http_folder):
    folder, url = http_folder
    data = store.DataDir(tmp_path / "data")
    run("--data-dir", data.root, "fetch", "--from", mirror)
    # Same file name as the Jul 2026 edition, different edition inside.
    (folder / "API_IT.NET.USER.ZS_DS2_en_csv_v2_33086.csv").write_bytes(next_wdi(mirror))
    assert (
        run("--data-dir", data.root, "add", url + "API_IT.NET.USER.ZS_DS2_en_csv_v2_33086.csv") == 0
    )
    entry = read_manifest(data)["wdi@2026-09"]
    assert entry["url"].startswith(url)
    assert entry["path"] == "worldbank/API_IT.NET.USER.ZS_DS2_en_csv_v2_33086.2026-09.csv"
    assert (data.raw / WDI_JUL).read_bytes() == (mirror / WDI_JUL).read_bytes()


def test_add_a_world_bank_zip_gives_its_metadata_the_data_edition(tmp_path, mirror, http_folder):
    folder, url = http_folder
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("API_IT.NET.USER.ZS_DS2_en_csv_v2_5.csv", next_wdi(mirror))
        meta = (mirror / WDI_META).read_bytes().replace(b"Aruba", b"Aruba ")
        archive.writestr("Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_5.csv", meta)
    (folder / "wdi.zip").write_bytes(buffer.getvalue())
    data = store.DataDir(tmp_path / "data")
    assert run("--data-dir", data.root, "add", url + "wdi.zip") == 0
    assert set(read_manifest(data)) == {"wdi@2026-09", "wdi_meta@2026-09"}


def test_add_reads_the_m49_table_of_an_html_page(tmp_path, mirror, http_folder):
    folder, url = http_folder
    lines = (mirror / M49_2026).read_bytes().decode("utf-8-sig").splitlines()
    cells = [line.split(";") for line in lines]
    head = "".join(f"<th>{c}</th>" for c in cells[0])
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in cells[1:])
    page = f"<!DOCTYPE html><html><body><table><tr>{head}</tr>{body}</table></body></html>"
    (folder / "overview.html").write_text(page, encoding="utf-8")
    data = store.DataDir(tmp_path / "data")
    assert run("--data-dir", data.root, "add", url + "overview.html") == 0
    (key,) = read_manifest(data)
    assert key.startswith("m49@")
    stored = (data.raw / read_manifest(data)[key]["path"]).read_text()
    assert stored.startswith("Global Code,") and "Namibia" in stored


def test_add_refuses_what_it_cannot_place(tmp_path, mirror, capsys):
    data = store.DataDir(tmp_path / "data")
    unknown = tmp_path / "notes.csv"
    unknown.write_text("a,b\n1,2\n")
    assert run("--data-dir", data.root, "add", unknown) == 2
    err = capsys.readouterr().err
    assert "notes.csv: not a file of any known format" in err and "WDI Internet use (wdi)" in err
    # An M49 export states no date: --edition is required, and then it is taken.
    m49 = tmp_path / "m49.csv"
    m49.write_bytes((mirror / M49_2026).read_bytes().replace(b"Namibia", b"Namibia "))
    assert run("--data-dir", data.root, "add", m49) == 2
    assert "--edition" in capsys.readouterr().err
    assert run("--data-dir", data.root, "add", m49, "--edition", "2026-10") == 0
    assert "m49@2026-10" in read_manifest(data)
    # An edition that contradicts the file's own date is refused.
    wdi = tmp_path / "wdi.csv"
    wdi.write_bytes(next_wdi(mirror))
    assert run("--data-dir", data.root, "add", wdi, "--edition", "2026-10") == 2
    assert "states edition 2026-09" in capsys.readouterr().err
    assert run("--data-dir", data.root, "remove", "wdi@1999-01") == 2
    assert "no such edition" in capsys.readouterr().err


def test_two_files_claiming_one_edition_name_both(tmp_path, mirror, capsys):
    data = store.DataDir(tmp_path / "data")
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    first.write_bytes(next_wdi(mirror))
    second.write_bytes(next_wdi(mirror, world_2019="60.0"))
    assert run("--data-dir", data.root, "add", first) == 0
    assert run("--data-dir", data.root, "add", second) == 2
    err = capsys.readouterr().err
    assert "b.csv" in err and "a.csv" in err and "wdi@2026-09" in err


def test_a_damaged_manifest_is_named(tmp_path, mirror, capsys):
    data = store.DataDir(tmp_path / "data")
    run("--data-dir", data.root, "fetch", "--from", mirror)
    (data.raw / MANIFEST).write_text("{ not json")
    assert run("--data-dir", data.root, "fetch", "--from", mirror) == 2
    assert "manifest.json: the manifest is damaged" in capsys.readouterr().err
    assert run("--data-dir", data.root, "build") == 1
    assert "manifest is damaged" in capsys.readouterr().err


def test_plain_fetch_takes_each_publishers_current_files(
    tmp_path, mirror, http_folder, monkeypatch
):
    """`fetch` with no folder downloads every declared URL: here each points at a loopback
    server laid out like the publishers' (a WDI zip, ITU workbooks, UNSD's HTML page)."""
    import dataclasses

    from indicators.etl import sources

    folder, url = http_folder
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("API_IT.NET.USER.ZS_DS2_en_csv_v2_1.csv", next_wdi(mirror))
        archive.writestr("Metadata_Country_x.csv", (mirror / WDI_META).read_bytes() + b"\r\n")
    (folder / "wdi.zip").write_bytes(buffer.getvalue())
    lines = (mirror / M49_2026).read_bytes().decode("utf-8-sig").splitlines()
    rows = "".join(
        "<tr>" + "".join(f"<td>{c}</td>" for c in line.split(";")) + "</tr>" for line in lines
    )
    (folder / "m49.html").write_text(f"<!DOCTYPE html><table>{rows}</table>")
    for name in (
        "ITU_regional_global_Key_ICT_indicator_aggregates_Nov_2024.xlsx",
        "ITU_ICTPriceBaskets_2008-2025.xlsx",
        "ITU_Individuals_using_Internet_by_gender_urban_rural_Dec2019.xls",
    ):
        (folder / name).write_bytes((mirror / "itu" / name).read_bytes())
    served = {
        "wdi": "wdi.zip",
        "wdi_meta": "wdi.zip",
        "m49": "m49.html",
        "itu_aggregates": "ITU_regional_global_Key_ICT_indicator_aggregates_Nov_2024.xlsx",
        "itu_prices": "ITU_ICTPriceBaskets_2008-2025.xlsx",
        "itu_gender_country": "ITU_Individuals_using_Internet_by_gender_urban_rural_Dec2019.xls",
    }
    formats = tuple(dataclasses.replace(f, urls=(url + served[f.source],)) for f in sources.FORMATS)
    monkeypatch.setattr(sources, "FORMATS", formats)
    data = store.DataDir(tmp_path / "data")
    assert run("--data-dir", data.root, "fetch") == 0
    month = datetime.now(UTC).strftime("%Y-%m")
    assert set(read_manifest(data)) == {
        "wdi@2026-09",
        "wdi_meta@2026-09",
        f"m49@{month}",
        "itu_aggregates@2024-11",
        "itu_prices@2025-12",
        "itu_gender_country@2019-12",
    }
    assert run("--data-dir", data.root, "build") == 0

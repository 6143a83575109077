"""Bad input: `indicators build` names the file and place, exits non-zero, publishes nothing."""

from __future__ import annotations

import hashlib
import shutil

import pytest

from indicators import store
from indicators.build import build
from indicators.cli import main

WDI = "worldbank/API_IT.NET.USER.ZS_DS2_en_csv_v2_33086.csv"
M49 = "un/UNSD_M49_overview_2026.csv"


def digest(folder) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def published(tmp_path, mirror):
    """A data folder with WDI and M49 fetched and built once, ready to be damaged."""
    data = store.DataDir(tmp_path / "data")
    for rel in (WDI, M49, "worldbank/Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_1228.csv"):
        (data.raw / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(mirror / rel, data.raw / rel)
    build(data, progress=lambda _: None)
    return data


def rewrite_line(path, number, old, new):
    """Replace text on one 1-based line of a CSV file, keeping its bytes otherwise."""
    lines = path.read_bytes().split(b"\n")
    assert old.encode() in lines[number - 1]
    lines[number - 1] = lines[number - 1].replace(old.encode(), new.encode(), 1)
    path.write_bytes(b"\n".join(lines))


def run_build(data, capsys) -> tuple[int, str]:
    code = main(["--data-dir", str(data.root), "build"])
    return code, capsys.readouterr().err


def assert_nothing_published(data, before):
    assert digest(data.processed) == before


def line_of(path, code: str) -> int:
    for i, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines(), 1):
        if f",{code}," in line:
            return i
    raise AssertionError(code)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (",53.9,", ",abc,", "not a number for WLD"),
        (",53.9,", ",140,", "percentage outside 0-100 for WLD"),
    ],
)
def test_bad_wdi_cell_is_named_by_file_line_and_year(published, capsys, old, new, expected):
    before = digest(published.processed)
    path = published.raw / WDI
    number = line_of(path, "WLD")
    rewrite_line(path, number, old, new)
    code, err = run_build(published, capsys)
    assert code == 1
    assert f"API_IT.NET.USER.ZS_DS2_en_csv_v2_33086.csv, row {number}, column 2019" in err
    assert expected in err
    assert "nothing was published" in err
    assert_nothing_published(published, before)


def test_unknown_country_code_is_reported(published, capsys):
    before = digest(published.processed)
    path = published.raw / WDI
    rewrite_line(path, line_of(path, "KEN"), ",KEN,", ",XYZ,")
    code, err = run_build(published, capsys)
    assert code == 1
    assert "API_IT.NET.USER.ZS_DS2_en_csv_v2_33086.csv: unknown country or group code 'XYZ'" in err
    assert_nothing_published(published, before)


def test_duplicate_key_is_reported_with_its_line(published, capsys):
    before = digest(published.processed)
    path = published.raw / WDI
    lines = path.read_bytes().split(b"\n")
    number = line_of(path, "KEN")
    lines.insert(number, lines[number - 1])
    path.write_bytes(b"\n".join(lines))
    code, err = run_build(published, capsys)
    assert code == 1
    assert f"row {number + 1}, column Country Code: duplicate code" in err
    assert_nothing_published(published, before)


@pytest.mark.parametrize("size", [0, 300])
def test_empty_or_truncated_file(published, capsys, size):
    before = digest(published.processed)
    path = published.raw / WDI
    path.write_bytes(path.read_bytes()[:size])
    code, err = run_build(published, capsys)
    assert code == 1
    assert "API_IT.NET.USER.ZS_DS2_en_csv_v2_33086.csv" in err
    assert_nothing_published(published, before)


def test_missing_column_in_m49(published, capsys):
    before = digest(published.processed)
    path = published.raw / M49
    text = path.read_text(encoding="utf-8-sig").replace("ISO-alpha3 Code", "ISO3", 1)
    path.write_text(text, encoding="utf-8-sig")
    code, err = run_build(published, capsys)
    assert code == 1
    assert "UNSD_M49_overview_2026.csv: missing column(s) ['ISO-alpha3 Code']" in err
    assert_nothing_published(published, before)


def test_bad_claims_file_publishes_nothing(published, capsys, tmp_path):
    before = digest(published.processed)
    bad = tmp_path / "claims.csv"
    bad.write_text("claim_id,statement\n1,only two columns\n")
    code = main(["--data-dir", str(published.root), "build", "--claims", str(bad)])
    assert code == 1
    assert "claims" in capsys.readouterr().err
    assert_nothing_published(published, before)

"""Bad input: `indicators build` names the file and place, exits non-zero, publishes nothing."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import zipfile

import pytest

from indicators.cli import main
from indicators.contract import store
from indicators.etl.build import build
from tests.conftest import MIRROR
from tests.helpers import next_wdi

WDI = "worldbank/API_IT.NET.USER.ZS_DS2_en_csv_v2_33086.csv"
WDI_META = "worldbank/Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_1228.csv"
M49 = "un/UNSD_M49_overview_2026.csv"
AGGREGATES = "itu/ITU_regional_global_Key_ICT_indicator_aggregates_Nov_2024.xlsx"
GENDER = "itu/ITU_Individuals_using_Internet_by_gender_urban_rural_Dec2019.xls"


def digest(folder) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


FILES = (WDI, M49, WDI_META)


@pytest.fixture(scope="module")
def by_hand(tmp_path_factory, mirror):
    """WDI, M49 and the WDI country list put into data/raw by hand (no manifest), built once."""
    data = store.DataDir(tmp_path_factory.mktemp("by-hand") / "data")
    for rel in FILES:
        (data.raw / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(mirror / rel, data.raw / rel)
    build(data, progress=lambda _: None)
    return data


@pytest.fixture(scope="module")
def fetched(tmp_path_factory, mirror):
    """The same three files taken with `fetch --from` (so the manifest records them), built."""
    from indicators.etl.fetch import fetch

    root = tmp_path_factory.mktemp("fetched")
    offered = root / "offered"
    for rel in FILES:
        (offered / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(mirror / rel, offered / rel)
    data = store.DataDir(root / "data")
    fetch(data, from_dir=offered, progress=lambda _: None)
    build(data, progress=lambda _: None)
    return data


def copy_of(template, tmp_path) -> store.DataDir:
    data = store.DataDir(tmp_path / "data")
    shutil.copytree(template.root, data.root, symlinks=True)
    return data


@pytest.fixture
def published(by_hand, tmp_path):
    """A data folder with WDI and M49 put in by hand and built once, ready to be damaged."""
    return copy_of(by_hand, tmp_path)


@pytest.fixture
def recorded(fetched, tmp_path):
    """A data folder with WDI and M49 fetched (recorded in the manifest) and built."""
    return copy_of(fetched, tmp_path)


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
    number = line_of(path, "XYZ")
    assert f"33086.csv, row {number}: unknown country or group code 'XYZ'" in err
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


# ---------------------------------------------------------------------------------------------
# every class of bad input, through the commands a person runs


def cut_at_line_end(path, keep=0.5):
    """The file cut after a whole line, as a download interrupted between rows leaves it."""
    lines = path.read_bytes().split(b"\r\n")
    path.write_bytes(b"\r\n".join(lines[: int(len(lines) * keep)]) + b"\r\n")


def add_year_column(path, year="2030", value="55"):
    """A year column after the last one, with a value in the World row."""
    lines = path.read_bytes().decode("utf-8-sig").split("\r\n")
    header = next(i for i, line in enumerate(lines) if line.startswith("Country Name"))
    lines[header] += f",{year}"
    for i in range(header + 1, len(lines)):
        if lines[i]:
            lines[i] += f",{value}" if ",WLD," in lines[i] else ","
    path.write_bytes("\ufeff".encode() + "\r\n".join(lines).encode())


def undecodable(path):
    """Bytes that are neither UTF-8 nor Windows-1252 (0x81 is undefined in cp1252)."""
    path.write_bytes(path.read_bytes().replace(b"Aruba", b"Ar\x81ba", 1))


def manifest_folder(data):
    (data.raw / "manifest.json").unlink()
    (data.raw / "manifest.json").mkdir()


def bad_claims(tmp_path, field, value):
    """The shipped A/75/62 report file with one field of its first claim changed."""
    import yaml

    from indicators.metrics.claims import default_claims_path

    report = yaml.safe_load((default_claims_path() / "a-75-62.yaml").read_text())
    report["claims"][0][field] = value or None
    path = tmp_path / "a-75-62.yaml"
    path.write_text(yaml.safe_dump(report, sort_keys=False))
    return path


# ---------------------------------------------------------------------------------------------
# bad copies of the publishers' files, written from the mirror's copies in data/raw

LDC = "Least Developed Countries (LDC)"


def m49_lines(data) -> list[str]:
    return (data.raw / M49).read_bytes().decode("utf-8-sig").split("\n")


def write_m49(path, lines) -> None:
    path.write_bytes("\ufeff".encode() + "\n".join(lines).encode())


def m49_flags(data, tmp, value: str) -> None:
    """The LDC flags written as ``value`` ('Yes', '1') instead of UNSD's 'x'."""
    lines = m49_lines(data)
    for i, line in enumerate(lines[1:], 1):
        cells = line.split(";")
        if cells[12] == "x":
            lines[i] = ";".join([*cells[:12], value, *cells[13:]])
    write_m49(tmp / "m49-flags.csv", lines)


def first_ldc_row(data) -> int:
    return next(i for i, line in enumerate(m49_lines(data), 1) if line.split(";")[12:13] == ["x"])


def m49_blank_twin(data, tmp) -> None:
    """A second, blank LDC column after the others."""
    lines = m49_lines(data)
    lines = [lines[0] + f";{LDC}"] + [line + ";" for line in lines[1:]]
    write_m49(tmp / "m49-twin.csv", lines)


def m49_encoded(data, tmp, encoding: str) -> bytes:
    """The list saved in another encoding (or, 'double', UTF-8 read as 1252 and saved again)."""
    text = (data.raw / M49).read_bytes().decode("utf-8-sig")
    if encoding == "double":
        return text.encode("utf-8").decode("cp1252", errors="ignore").encode("utf-8")
    return text.encode(encoding, errors="replace")


def row_with(content: str, name: str) -> int:
    return next(i for i, line in enumerate(content.splitlines(), 1) if name in line)


def wdi_text(data) -> str:
    return (data.raw / WDI).read_bytes().decode("utf-8-sig")


def write_wdi(path, text: str) -> None:
    path.write_bytes("\ufeff".encode() + text.encode())


def wdi_twin_year(data, tmp) -> None:
    """A second 2019 column at the end, holding values."""
    lines = wdi_text(data).split("\r\n")
    header = next(i for i, line in enumerate(lines) if line.startswith("Country Name"))
    lines[header] += ",2019"
    lines[header + 1 :] = [line + ",1.0" if line else line for line in lines[header + 1 :]]
    text = "\r\n".join(lines).replace("Last Updated Date,7/13/2026", "Last Updated Date,9/20/2026")
    write_wdi(tmp / "wdi-twin.csv", text)


def wdi_dated(data, tmp, date: str) -> None:
    write_wdi(
        tmp / "wdi-dated.csv",
        wdi_text(data).replace("Last Updated Date,7/13/2026", f"Last Updated Date,{date}"),
    )


def wdi_other_indicator(data, tmp) -> None:
    """A WDI download of fixed-broadband subscriptions, laid out like the Internet-use one."""
    text = (
        wdi_text(data)
        .replace("IT.NET.USER.ZS", "IT.NET.BBND.P2")
        .replace(
            "Individuals using the Internet (% of population)",
            "Fixed broadband subscriptions (per 100 people)",
        )
    )
    write_wdi(tmp / "API_IT.NET.BBND.P2_DS2_en_csv_v2_1.csv", text)


def wdi_cut_inside_last_line(data, tmp) -> None:
    """A download cut 40 bytes before its end: Zimbabwe's last values are lost."""
    text = wdi_text(data).replace("Last Updated Date,7/13/2026", "Last Updated Date,9/20/2026")
    write_wdi(tmp / "wdi-cut.csv", text[:-40])


def last_row(data) -> int:
    return len(wdi_text(data).rstrip("\r\n").split("\r\n"))


def metadata_income(data, tmp) -> None:
    """An income group written in a way the World Bank never writes it."""
    text = (data.raw / WDI_META).read_bytes().decode("utf-8-sig")
    write_wdi(tmp / "meta.csv", text.replace('"Lower middle income"', '"Lower-middle income"', 1))


def first_lower_middle(data) -> int:
    """The spreadsheet row (CSV record) of the first lower-middle-income economy."""
    text = (data.raw / WDI_META).read_bytes().decode("utf-8-sig")
    records = csv.reader(io.StringIO(text))
    return next(i for i, cells in enumerate(records, 1) if "Lower middle income" in cells)


def truncated(source, target, keep=0.6) -> None:
    content = source.read_bytes()
    target.write_bytes(content[: int(len(content) * keep)])


def zipped_cut(data, tmp) -> None:
    """A World Bank zip download cut short."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("API_IT.NET.USER.ZS_DS2_en_csv_v2_7.csv", (data.raw / WDI).read_bytes())
    (tmp / "wdi.zip").write_bytes(buffer.getvalue()[:-300])


def folder_with(tmp, name: str, content: bytes) -> None:
    """A folder offered to `fetch --from`: one bad copy and one good file."""
    folder = tmp / "offered"
    (folder / "un").mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(content)
    (folder / "un" / "good.csv").write_bytes((MIRROR / M49).read_bytes())


def manifest_entry(data, value) -> None:
    """The manifest's entry for the Jul 2026 WDI edition replaced by ``value`` (or edited)."""
    path = data.raw / "manifest.json"
    manifest = json.loads(path.read_text())
    entry = manifest["files"]["wdi@2026-07"]
    manifest["files"]["wdi@2026-07"] = value(entry) if callable(value) else value
    path.write_text(json.dumps(manifest))


def relabel(data) -> None:
    """The Jul 2026 WDI edition's entry moved by hand to another edition key."""
    path = data.raw / "manifest.json"
    manifest = json.loads(path.read_text())
    entry = manifest["files"].pop("wdi@2026-07")
    manifest["files"]["wdi@2025-01"] = {**entry, "edition": "2025-01", "edition_text": "Jan 2025"}
    path.write_text(json.dumps(manifest))


CASES = {
    "cut at a line end": (
        lambda d, t: cut_at_line_end(d.raw / WDI),
        ["build"],
        ["33086.csv:", "code(s) of the WDI country list have no row", "looks truncated"],
    ),
    "year column 2030": (
        lambda d, t: add_year_column(d.raw / WDI),
        ["build"],
        ["33086.csv", "column 2030: year 2030 is outside 1960-"],
    ),
    "undecodable bytes": (
        lambda d, t: undecodable(d.raw / WDI),
        ["build"],
        ["33086.csv, row 18: is neither UTF-8, UTF-16 nor Windows-1252", "(found 'Ar\ufffdba')"],
    ),
    "edited in place": (
        lambda d, t: cut_at_line_end(d.raw / WDI),
        ["build"],
        ["33086.csv: changed since it was recorded as wdi@2026-07", "indicators add"],
    ),
    "M49 flags written Yes": (
        lambda d, t: m49_flags(d, t, "Yes"),
        [["add", "{tmp}/m49-flags.csv", "--edition", "2026-11"], ["build"]],
        [
            lambda d: (
                f"m49-flags.csv, row {first_ldc_row(d)}, column {LDC}: value outside the "
                "format's vocabulary; expected one of 'x', blank (found 'Yes')"
            )
        ],
    ),
    "M49 flags written 1": (
        lambda d, t: m49_flags(d, t, "1"),
        [["add", "{tmp}/m49-flags.csv", "--edition", "2026-11"], ["build"]],
        [lambda d: f"m49-flags.csv, row {first_ldc_row(d)}, column {LDC}: value outside", "'1'"],
    ),
    "a blank duplicate LDC column": (
        m49_blank_twin,
        ["add", "{tmp}/m49-twin.csv", "--edition", "2026-11"],
        [
            f"m49-twin.csv, row 1, column {LDC}: column '{LDC}' appears twice in the header "
            "(fields 13 and 16)"
        ],
    ),
    "a duplicated year column": (
        wdi_twin_year,
        ["add", "{tmp}/wdi-twin.csv"],
        ["wdi-twin.csv, row 5, column 2019: column '2019' appears twice in the header"],
    ),
    "a date that reads two ways": (
        lambda d, t: wdi_dated(d, t, "05/09/2026"),
        ["add", "{tmp}/wdi-dated.csv"],
        [
            "the date '05/09/2026' ('Last Updated Date', row 3) reads two ways: 9 May 2026 or "
            "5 September 2026; say which edition it is with --edition 2026-05 or --edition 2026-09"
        ],
    ),
    "a date that reads two ways, and an --edition that is neither": (
        lambda d, t: wdi_dated(d, t, "05/09/2026"),
        ["add", "{tmp}/wdi-dated.csv", "--edition", "2026-08"],
        ["the file states edition 2026-05 or 2026-09; --edition 2026-08 contradicts it"],
    ),
    "UTF-8 read as Windows-1252 and saved again": (
        lambda d, t: (t / "m49.csv").write_bytes(m49_encoded(d, t, "double")),
        ["add", "{tmp}/m49.csv", "--edition", "2026-11"],
        [
            lambda d: (
                f"m49.csv, row {row_with(chr(10).join(m49_lines(d)), 'Réunion')}: the text "
                "reads as mojibake"
            ),
            "(found 'RÃ©union')",
        ],
    ),
    "Mac Roman": (
        lambda d, t: (t / "m49.csv").write_bytes(m49_encoded(d, t, "mac_roman")),
        ["add", "{tmp}/m49.csv", "--edition", "2026-11"],
        [
            lambda d: (
                f"m49.csv, row {row_with(chr(10).join(m49_lines(d)), 'Curaçao')}: is neither "
                "UTF-8, UTF-16 nor Windows-1252"
            ),
            "(found 'Cura\ufffdao')",
        ],
    ),
    "cp850 offered to fetch --from": (
        lambda d, t: folder_with(t, "m49-cp850.csv", m49_encoded(d, t, "cp850")),
        ["fetch", "--from", "{tmp}/offered"],
        [
            lambda d: (
                f"m49-cp850.csv, row {row_with(chr(10).join(m49_lines(d)), 'Türkiye')}: is "
                "neither UTF-8"
            ),
            "(found 'T\ufffdrkiye')",
            "2 file(s) offered: 1 taken, 0 skipped, 1 refused",
        ],
    ),
    "a WDI file of another indicator": (
        wdi_other_indicator,
        ["add", "{tmp}/API_IT.NET.BBND.P2_DS2_en_csv_v2_1.csv"],
        [
            "a WDI file of indicator IT.NET.BBND.P2 (Fixed broadband subscriptions (per 100 "
            "people)), not IT.NET.USER.ZS, the one this project reads"
        ],
    ),
    "an income group outside the World Bank's": (
        metadata_income,
        [["add", "{tmp}/meta.csv", "--edition", "2026-08"], ["build"]],
        [
            lambda d: (
                f"meta.csv, row {first_lower_middle(d)}, column IncomeGroup: value outside "
                "the format's vocabulary"
            ),
            "(found 'Lower-middle income')",
        ],
    ),
    "a WDI file cut inside its last line": (
        wdi_cut_inside_last_line,
        ["add", "{tmp}/wdi-cut.csv"],
        [lambda d: f"wdi-cut.csv, row {last_row(d)}: ", "fields where the header has 70"],
    ),
    "a WDI file in data/raw cut inside its last line": (
        lambda d, t: (d.raw / WDI).write_bytes((d.raw / WDI).read_bytes()[:-40]),
        ["build"],
        [lambda d: f"33086.csv, row {last_row(d)}: ", "the file was cut or damaged in this row"],
    ),
    "a truncated ITU workbook offered to fetch --from": (
        lambda d, t: folder_with(t, "aggregates.xlsx", (MIRROR / AGGREGATES).read_bytes()[:60_000]),
        ["fetch", "--from", "{tmp}/offered"],
        [
            "aggregates.xlsx: damaged: a zip archive (or .xlsx workbook) that cannot be read whole",
            "2 file(s) offered: 1 taken, 0 skipped, 1 refused",
        ],
    ),
    "a truncated .xls added": (
        lambda d, t: truncated(MIRROR / GENDER, t / "gender.xls", 0.999),
        ["add", "{tmp}/gender.xls"],
        ["gender.xls: damaged: an Excel workbook that cannot be read whole"],
    ),
    "a truncated zip added": (
        zipped_cut,
        ["add", "{tmp}/wdi.zip"],
        ["wdi.zip: damaged: a zip archive (or .xlsx workbook) that cannot be read whole"],
    ),
    "data/raw missing": (
        lambda d, t: shutil.rmtree(d.raw),
        ["build"],
        ["nothing to build: data/raw holds no publisher file", "indicators fetch --from DIR"],
    ),
    "a manifest entry that is not an object": (
        lambda d, t: manifest_entry(d, ["not", "an", "object"]),
        ["build"],
        ["manifest.json: entry 'wdi@2026-07' is not an object (found list)"],
    ),
    "a manifest entry without its sha256": (
        lambda d, t: manifest_entry(d, lambda e: {k: v for k, v in e.items() if k != "sha256"}),
        ["build"],
        ["manifest.json: entry 'wdi@2026-07' has no 'sha256'"],
    ),
    "a manifest edited to another edition": (
        lambda d, t: relabel(d),
        ["build"],
        ["the manifest records it as wdi@2025-01, but the file states edition 2026-07"],
    ),
    "damaged manifest": (
        lambda d, t: (d.raw / "manifest.json").write_text("{ not json"),
        ["build"],
        ["manifest.json: the manifest is damaged"],
    ),
    "manifest is a folder": (
        lambda d, t: manifest_folder(d),
        ["build"],
        ["manifest.json: the manifest is damaged"],
    ),
    "blank tolerance in claims": (
        lambda d, t: None,
        ["build", "--claims", "{claims:rounding:}"],
        ["a-75-62.yaml, row {claim1}, column rounding: a number is required"],
    ),
    "bad number in claims": (
        lambda d, t: None,
        ["build", "--claims", "{claims:value:four}"],
        ["a-75-62.yaml, row {claim1}, column value: not a number (found 'four')"],
    ),
    "folder given to add": (
        lambda d, t: (t / "a-folder").mkdir(),
        ["add", "{tmp}/a-folder"],
        ["a-folder: is a folder, not a file"],
    ),
    "file given as --from": (
        lambda d, t: (t / "file.csv").write_text("x"),
        ["fetch", "--from", "{tmp}/file.csv"],
        ["file.csv: not a folder (given with --from)"],
    ),
    "unknown format added": (
        lambda d, t: (t / "notes.csv").write_text("a,b\n1,2\n"),
        ["add", "{tmp}/notes.csv"],
        ["notes.csv: not a file of any known format"],
    ),
    "an unrecognisable file in data/raw": (
        lambda d, t: (d.raw / "worldbank" / "notes.csv").write_text("a,b\n1,2\n"),
        ["build"],
        ["notes.csv: not a file of any known format"],
    ),
}


def first_claim_line(tmp_path) -> int:
    """The line the first claim of the damaged report file starts on."""
    path = tmp_path / "a-75-62.yaml"
    if not path.exists():
        return 0
    lines = path.read_text().splitlines()
    return lines.index("claims:") + 2


def _expand(arg: str, tmp_path) -> str:
    if arg.startswith("{claims:"):
        column, value = arg[len("{claims:") : -1].split(":")
        return str(bad_claims(tmp_path, column, value))
    return arg.replace("{tmp}", str(tmp_path))


# Damage done to files put into data/raw by hand (no manifest entry): the reader's own report.
# A recorded file changed in place is refused as such (see "edited in place" below).
BY_HAND = {
    "cut at a line end",
    "year column 2030",
    "undecodable bytes",
    "a WDI file in data/raw cut inside its last line",
}


@pytest.mark.parametrize("case", list(CASES))
def test_every_bad_input_class_is_named_and_changes_nothing(
    by_hand, fetched, capsys, tmp_path, case
):
    damage, commands, expected = CASES[case]
    published = copy_of(by_hand if case in BY_HAND else fetched, tmp_path)
    processed, raw = digest(published.processed), digest(published.raw)
    damage(published, tmp_path)
    *before, command = commands if isinstance(commands[0], list) else [commands]
    for step in before:  # what a person does first (add the file), which must work
        assert main(["--data-dir", str(published.root), *[_expand(a, tmp_path) for a in step]]) == 0
    raw_damaged = digest(published.raw) if published.raw.exists() else {}
    args = [_expand(a, tmp_path) for a in command]
    code = main(["--data-dir", str(published.root), *args])
    err = capsys.readouterr().err
    assert code != 0, err
    for text in expected:
        text = text(published) if callable(text) else text
        assert text.replace("{claim1}", str(first_claim_line(tmp_path))) in err
    assert "Traceback" not in err and "panicked" not in err
    assert digest(published.processed) == processed
    if command[0] != "build":
        assert digest(published.raw) == (raw_damaged or raw)


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252", "utf-8"])
def test_other_encodings_are_read(published, encoding):
    """UTF-16 (with its BOM) and Windows-1252 copies give the same values as the original."""
    path = published.raw / WDI
    text = path.read_bytes().decode("utf-8-sig")
    path.write_bytes(text.encode(encoding))
    build(published, progress=lambda _: None)
    use = store.read_parquet(store.table_path(published, "internet_use"))
    world = use[(use.entity_id == "WLD") & (use.year == 2019) & (use.vintage == "2026-07")]
    assert world["value_pct"].round(1).tolist() == [53.9]
    meta = store.read_metadata(store.table_path(published, "internet_use"))
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert meta["editions"]["wdi@2026-07"]["sha256"] == sha


def test_a_file_replaced_during_a_build_is_never_cached_under_the_other_hash(
    published, mirror, tmp_path
):
    """The build parses the bytes it hashed: a file swapped mid-build does not leak in."""
    path = published.raw / WDI
    original = path.read_bytes()
    newer = next_wdi(mirror, world_2019="60.0")

    def swap(line):
        if line.startswith("[1/"):
            path.write_bytes(newer)

    build(published, progress=swap, force=True)
    meta = store.read_metadata(store.table_path(published, "internet_use"))
    assert meta["editions"]["wdi@2026-07"]["sha256"] == hashlib.sha256(original).hexdigest()
    use = store.read_parquet(store.table_path(published, "internet_use"))
    assert "2026-09" not in set(use.vintage)
    # The next build sees the new file as what it is: a new edition, its own values.
    build(published, progress=lambda _: None)
    use = store.read_parquet(store.table_path(published, "internet_use"))
    world = use[(use.entity_id == "WLD") & (use.year == 2019)].set_index("vintage")
    assert world.loc["2026-09", "value_pct"] == 60.0
    assert "2026-07" not in set(use.vintage)
    # And the original back, with --force: the original values, from a clean cache entry.
    path.write_bytes(original)
    build(published, progress=lambda _: None, force=True)
    use = store.read_parquet(store.table_path(published, "internet_use"))
    world = use[(use.entity_id == "WLD") & (use.year == 2019)].set_index("vintage")
    assert world["value_pct"].round(1).to_dict() == {"2026-07": 53.9}


def test_economies_lost_against_the_previous_edition_stop_it(tmp_path, mirror, capsys):
    """Without the country list, a next edition missing a fifth of its rows is caught by the
    release review against the edition before it, economy by economy."""
    data = store.DataDir(tmp_path / "data")
    (data.raw / "worldbank").mkdir(parents=True)
    (data.raw / "un").mkdir()
    shutil.copy(mirror / WDI, data.raw / WDI)
    shutil.copy(mirror / M49, data.raw / M49)
    lines = next_wdi(mirror).split(b"\r\n")
    kept = [line for i, line in enumerate(lines) if i < 6 or b",WLD," in line or i % 4]
    (data.raw / "worldbank" / "next.csv").write_bytes(b"\r\n".join(kept))
    code = main(["--data-dir", str(data.root), "build"])
    err = capsys.readouterr().err
    assert code == 1
    lost = "next.csv: wdi@2026-09 against wdi@2026-07: economy lost: AGO has values in wdi@2026-07"
    row = line_of(mirror / WDI, "AGO")
    assert lost in err and f"33086.csv, row {row}) and not in wdi@2026-09" in err
    assert "economy lost: 45 more: COL, CPV" in err
    assert "indicators build --accept wdi@2026-09 --reason" in err
    assert not data.processed.exists()


PUBLISHER_FILES = sorted(
    str(p.relative_to(MIRROR)) for p in MIRROR.rglob("*") if p.is_file() and p.suffix != ".md"
)


@pytest.mark.parametrize("relative", PUBLISHER_FILES)
def test_every_publisher_file_cut_short_is_refused_without_a_traceback(tmp_path, capsys, relative):
    """Each of the mirror's files cut at 60 %: refused by `add` with the file named, whatever
    the format (zip, OLE2 workbook, CSV), and data/raw left as it was."""
    data = store.DataDir(tmp_path / "data")
    content = (MIRROR / relative).read_bytes()
    cut = tmp_path / relative.split("/")[-1]
    cut.write_bytes(content[: int(len(content) * 0.6)])
    assert main(["--data-dir", str(data.root), "add", str(cut)]) == 2
    err = capsys.readouterr().err
    assert f"{cut.name}" in err and "data/raw was left as it was" in err
    assert "Traceback" not in err and "panicked" not in err
    assert not data.raw.exists()


def test_an_itu_year_header_past_the_limit_is_named_not_a_traceback(recorded, tmp_path, capsys):
    """A header four years ahead over the latest year (once `KeyError: 'value'`)."""
    from datetime import UTC, datetime

    import openpyxl

    limit = datetime.now(UTC).year + 1  # the year after retrieval
    book = openpyxl.load_workbook(MIRROR / AGGREGATES)
    sheet = book["By dvpmnt status and spec. reg."]
    title = next(c.row for c in sheet["A"] if c.value == "Individuals using the Internet")
    header = sheet[title + 1]
    for cell in [c for c in header if c.value == 2024]:
        cell.value = limit + 3
    path = tmp_path / "aggregates.xlsx"
    book.save(path)
    processed = digest(recorded.processed)
    assert main(["--data-dir", str(recorded.root), "add", str(path)]) == 0
    assert main(["--data-dir", str(recorded.root), "build"]) == 1
    err = capsys.readouterr().err
    assert (
        f"aggregates.xlsx, sheet 'By dvpmnt status and spec. reg.', row {title + 2}, column AP: "
        f"year {limit + 3} is after {limit}, the year after the file was retrieved (found 67.6)"
    ) in err
    assert "Traceback" not in err
    assert digest(recorded.processed) == processed

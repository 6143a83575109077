"""Bad input: `indicators build` names the file and place, exits non-zero, publishes nothing."""

from __future__ import annotations

import hashlib
import shutil

import pytest

from indicators.cli import main
from indicators.contract import store
from indicators.etl.build import build
from tests.helpers import next_wdi

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
BY_HAND = {"cut at a line end", "year column 2030", "undecodable bytes"}


@pytest.mark.parametrize("case", list(CASES))
def test_every_bad_input_class_is_named_and_changes_nothing(published, capsys, tmp_path, case):
    damage, command, expected = CASES[case]
    if case not in BY_HAND:
        fetch_files(published)
    processed, raw = digest(published.processed), digest(published.raw)
    damage(published, tmp_path)
    raw_damaged = digest(published.raw) if published.raw.exists() else {}
    args = [_expand(a, tmp_path) for a in command]
    code = main(["--data-dir", str(published.root), *args])
    err = capsys.readouterr().err
    assert code != 0, err
    for text in expected:
        assert text.replace("{claim1}", str(first_claim_line(tmp_path))) in err
    assert "Traceback" not in err
    assert digest(published.processed) == processed
    if command[0] != "build":
        assert digest(published.raw) == (raw_damaged or raw)


def fetch_files(data):
    """Record the copied files in a manifest, as `fetch` would have."""
    from indicators.etl.fetch import fetch

    mirror = data.root / "mirror"
    shutil.copytree(data.raw, mirror)
    shutil.rmtree(data.raw)
    fetch(data, from_dir=mirror, progress=lambda _: None)
    shutil.rmtree(mirror)
    build(data, progress=lambda _: None)


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

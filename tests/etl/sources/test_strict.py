"""Strict reading: text, CSV shape, dates and containers, on the real files and on bad copies."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicators.contract.errors import SourceError
from indicators.etl.sources import strict
from indicators.etl.sources.formats import decode_text

M49 = "un/UNSD_M49_overview_2026.csv"


def test_no_real_file_reads_as_mojibake_or_cut(mirror):
    for path in sorted(mirror.rglob("*.csv")):
        text = decode_text(path.read_bytes(), path)
        header = next(i for i, line in enumerate(text.splitlines()) if "code" in line.lower())
        strict.check_csv_shape(text, path, header=header)


@pytest.mark.parametrize(
    ("encoding", "name", "found"),
    [
        ("double", "Réunion", "RÃ©union"),  # UTF-8 read as Windows-1252, saved as UTF-8
        ("mac_roman", "Réunion", "RŽunion"),  # Mac Roman read as Windows-1252
        ("cp850", "Réunion", "R‚union"),  # DOS cp850 read as Windows-1252
    ],
)
def test_mojibake_is_refused_with_the_first_bad_name(mirror, encoding, name, found):
    # Names whose bytes do not decode at all in Windows-1252 are taken out here: those files
    # are refused as undecodable (see test_bad_input), this is the other path.
    text = (mirror / M49).read_text(encoding="utf-8-sig")
    for word in ("Curaçao", "Åland", "Türkiye", "Côte"):
        text = text.replace(word, "x")
    data = (
        text.encode("utf-8").decode("cp1252", errors="ignore").encode("utf-8")
        if encoding == "double"
        else text.encode(encoding, errors="replace")
    )
    with pytest.raises(SourceError) as info:
        decode_text(data, Path("m49.csv"))
    row = next(i for i, line in enumerate(text.splitlines(), 1) if name in line)
    assert (info.value.row, info.value.value) == (row, found)
    assert "reads as mojibake" in info.value.message


def test_a_real_apostrophe_in_windows_1252_is_no_mojibake():
    text = "Country or Area;ISO\nCôte d’Ivoire;CIV\n"
    assert decode_text(text.encode("cp1252"), Path("m49.csv")) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7/13/2026", ["2026-07-13"]),  # Excel in the US: only one reading
        ("13/07/2026", ["2026-07-13"]),  # Excel in Europe: only one reading
        ("2026-07-13", ["2026-07-13"]),
        ("7/7/2026", ["2026-07-07"]),  # both readings are the same day
        ("05/07/2026", ["2026-05-07", "2026-07-05"]),
        ("31/31/2026", []),
    ],
)
def test_date_readings(text, expected):
    assert [d.strftime("%Y-%m-%d") for d in strict.date_readings(text)] == expected


def test_a_date_that_reads_two_ways_names_both_editions():
    with pytest.raises(strict.AmbiguousDate) as info:
        strict.one_month("05/07/2026", "wdi.csv", "'Last Updated Date', row 3")
    assert info.value.readings == ("2026-05", "2026-07")
    assert "--edition 2026-05 or --edition 2026-07" in info.value.message
    assert strict.one_month("5/20/2026", "wdi.csv", "") is not None  # one month, one reading


@pytest.mark.parametrize(
    ("text", "message", "row"),
    [
        ("a,b,c\n1,2,3\n4,5\n", "2 fields where the header has 3", 3),
        ("a,b,a\n1,2,3\n", "column 'a' appears twice in the header (fields 1 and 3)", 1),
        ("a,b\n1,2\n3,4", "the last line has no line end", 3),
    ],
)
def test_csv_shape(text, message, row):
    with pytest.raises(SourceError) as info:
        strict.check_csv_shape(text, "x.csv", final_newline=True)
    assert message in info.value.message and info.value.row == row


def test_a_cut_legacy_workbook_is_refused_before_calamine_sees_it(mirror):
    """calamine panics on some cut .xls files (a Rust panic on the terminal), so the compound
    file is checked first."""
    data = (
        mirror / "itu/ITU_Individuals_using_Internet_by_gender_urban_rural_Dec2019.xls"
    ).read_bytes()
    assert strict.container_damage(data) is None
    for keep in (0.3, 0.95, 0.999):
        assert strict.container_damage(data[: int(len(data) * keep)]) is not None

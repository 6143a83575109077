"""Strict reading: what every reader refuses rather than guesses.

A publisher's file is read only when it can be read one way. Text that decodes only as mojibake,
a CSV row cut short, a column given twice, a value outside the format's declared vocabulary and
a date that reads two ways are each refused with the place and the value, never read as the
nearest thing that parses.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from indicators.contract.errors import SourceError


class OtherContent(SourceError):
    """A publisher's file of something the project does not read (another WDI indicator)."""


@dataclass(eq=False)
class AmbiguousDate(SourceError):
    """A date that reads two ways (05/07/2026); ``readings`` are the edition keys it may mean."""

    readings: tuple[str, ...] = ()


def _lower(text: str) -> str:
    return text.lower()


@dataclass(frozen=True)
class Vocabulary:
    """The values a column of a publisher's file may hold, as the publisher writes them.

    Values are compared after ``key`` (lower case by default; the group labels use the
    project's name normalisation, so 'Asia-Pacific' and 'Asia & Pacific' are both spellings
    the publisher uses).
    """

    column: str
    values: frozenset[str]
    blank: bool = True  # an empty cell is allowed (not a member, not classified)
    key: Callable[[str], str] = _lower

    @cached_property
    def _keys(self) -> frozenset[str]:
        return frozenset(self.key(v) for v in self.values)

    def allows(self, value: object) -> bool:
        text = "" if value is None else str(value).strip()
        if not text or text.lower() == "nan":
            return self.blank
        return self.key(text) in self._keys

    def expected(self) -> str:
        shown = [repr(v) for v in sorted(self.values)] + (["blank"] if self.blank else [])
        return ", ".join(shown)


def vocabulary(
    *values: str, column: str, blank: bool = True, key: Callable[[str], str] = _lower
) -> Vocabulary:
    """A column's declared vocabulary."""
    return Vocabulary(column, frozenset(values), blank, key)


def check_vocabulary(
    raw: pd.DataFrame, vocab: Vocabulary, file: str, first_row: int, rows: pd.Index | None = None
) -> None:
    """Every cell of ``vocab.column`` (in ``rows``) is in the vocabulary; else name the first.

    ``first_row`` is the file row of the frame's first index (2 below a one-line header).
    """
    if vocab.column not in raw.columns:
        return
    cells = raw[vocab.column] if rows is None else raw.loc[rows, vocab.column]
    bad = cells[~cells.map(vocab.allows).astype(bool)]
    if len(bad):
        raise SourceError(
            file,
            f"value outside the format's vocabulary; expected one of {vocab.expected()}",
            row=int(bad.index[0]) + first_row,
            column=vocab.column,
            value=bad.iloc[0],
        )


# ---------------------------------------------------------------------------------------------
# text


# cp1252's characters for bytes 0x80-0x9F, and Latin-1 symbols: between two letters they are
# what Mac Roman or cp850 accented letters become when read as Windows-1252 (Côte -> C™te,
# Türkiye -> TŸrkiye, España -> Espa¤a). The apostrophe ’ is the one that is real (d’Ivoire).
_MISREAD = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘“”•–—˜™š›œžŸ¡¢£¤¥¦§¨©ª«¬®¯°±²³´µ¶¸¹º»¼½¾¿"
_MISREAD_IN_WORD = re.compile(rf"[^\W\d_][{re.escape(_MISREAD)}]+[^\W\d_]")
# UTF-8 decoded as Windows-1252 and saved again: a lead byte read as Â-ô, then continuation
# bytes read as cp1252 characters (CÃ´te dâ€™Ivoire).
_CONTINUATION = "\u00a0-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ\u0081\u008d\u008f\u0090\u009d"
_DOUBLE_ENCODED = re.compile(rf"[\u00c2-\u00f4][{_CONTINUATION}]+")


def _double_encoded(text: str) -> re.Match[str] | None:
    """The first run that is UTF-8 read as Windows-1252 (it decodes back to other text)."""
    for match in _DOUBLE_ENCODED.finditer(text):
        try:
            again = match.group().encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if again != match.group():
            return match
    return None


def mojibake(text: str, read_as_cp1252: bool) -> int | None:
    """Offset of the first mojibake in decoded text, or None.

    UTF-8 read as Windows-1252 shows in any file; Mac Roman or cp850 read as Windows-1252 shows
    only in a file that was not UTF-8.
    """
    found = _double_encoded(text)
    if found is not None:
        return found.start()
    if read_as_cp1252:
        misread = _MISREAD_IN_WORD.search(text)
        if misread is not None:
            return misread.start() + 1
    return None


def refuse_mojibake(text: str, path: Path | str, read_as_cp1252: bool) -> None:
    """Refuse text that decodes only as mojibake, naming the row and the first bad name."""
    offset = mojibake(text, read_as_cp1252)
    if offset is None:
        return
    row, cell = cell_at(text, offset)
    raise SourceError(
        path,
        "the text reads as mojibake (saved in another encoding, or decoded as Windows-1252 and "
        "saved again); get the publisher's original file, UTF-8 or Windows-1252",
        row=row,
        value=cell,
    )


def cell_at(text: str, offset: int) -> tuple[int, str]:
    """The 1-based line of an offset, and the CSV cell holding it (the name a person knows)."""
    row = text.count("\n", 0, offset) + 1
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    line = text[start : end if end >= 0 else len(text)].rstrip("\r")
    at = offset - start
    for match in re.finditer(r'"[^"]*"|[^,;]*', line):
        if match.start() <= at <= match.end() and match.group():
            return row, match.group().strip('"')
    return row, line[max(0, at - 20) : at + 20]


def undecodable_place(data: bytes, offset: int) -> tuple[int, str]:
    """Line and cell of an undecodable byte, shown with the byte replaced."""
    text = data[: offset + 200].decode("utf-8", errors="replace")
    before = data[:offset].decode("utf-8", errors="replace")
    return cell_at(text, len(before))


# ---------------------------------------------------------------------------------------------
# containers

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_LAST_SECTOR = 0xFFFFFFFA  # ids at or above this mark free, end-of-chain or FAT sectors


def container_damage(data: bytes) -> str | None:
    """What is wrong with a workbook's container (.xlsx zip, .xls compound file), or None."""
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                archive.namelist()
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            return f"the zip container is damaged or cut short ({exc})"
        return None
    if data[:8] == OLE2:
        return _compound_file_damage(data)
    return None


def _compound_file_damage(data: bytes) -> str | None:
    """A legacy .xls (OLE2 compound file) cut short: its sectors or the sectors its
    allocation table points to lie beyond the end of the file."""
    if len(data) < 512:
        return "the file is cut short inside its header"
    shift = int.from_bytes(data[0x1E:0x20], "little")
    if shift not in (9, 12):
        return f"the header gives an impossible sector size (2^{shift})"
    size = 1 << shift
    if len(data) % size:
        return f"its size ({len(data):,} bytes) is not a whole number of {size}-byte sectors"
    sectors = len(data) // size - 1
    fat = [
        int.from_bytes(data[0x4C + 4 * i : 0x50 + 4 * i], "little")
        for i in range(109)
        if int.from_bytes(data[0x4C + 4 * i : 0x50 + 4 * i], "little") < _LAST_SECTOR
    ]
    directory = int.from_bytes(data[0x30:0x34], "little")
    for sector in [*fat, directory]:
        if sector >= sectors:
            return f"sector {sector} lies beyond the end of the file ({sectors} sectors)"
    for sector in fat:
        start = (sector + 1) * size
        table = data[start : start + size]
        for i in range(0, len(table), 4):
            pointer = int.from_bytes(table[i : i + 4], "little")
            if pointer < _LAST_SECTOR and pointer >= sectors:
                return f"its allocation table points beyond the end of the file ({pointer})"
    return None


# ---------------------------------------------------------------------------------------------
# CSV shape


def separator(first_line: str) -> str:
    """',' or ';' (UNSD's 2026 export is semicolon-separated)."""
    return ";" if first_line.count(";") > first_line.count(",") else ","


def check_csv_shape(
    text: str, path: Path | str, header: int = 0, final_newline: bool = False
) -> None:
    """Every row has the header's number of fields; no header name is given twice.

    ``header`` is the 0-based line of the header. A row with fewer fields is where a download
    was cut; with ``final_newline`` a file whose last line has no line end was cut inside it.
    """
    lines = text.splitlines()
    while header < len(lines) and not lines[header].strip():
        header += 1  # the Feb 2026 WDI copy starts with an empty line
    if header >= len(lines):
        raise SourceError(path, "no header row (the file is cut short)")
    sep = separator(lines[header])
    rows = csv.reader(io.StringIO("\n".join(lines[header:])), delimiter=sep)
    names = next(rows)
    check_unique_names(names, path, header + 1)
    for number, cells in enumerate(rows, header + 2):
        if cells and len(cells) != len(names):
            raise SourceError(
                path,
                f"{len(cells)} fields where the header has {len(names)}: the file was cut or "
                "damaged in this row",
                row=number,
                value=sep.join(cells)[-40:],
            )
    if final_newline and text and not text.endswith(("\n", "\r")):
        raise SourceError(
            path,
            "the last line has no line end: the download was cut inside it",
            row=len(lines),
            value=lines[-1][-40:],
        )


def check_unique_names(names: Iterable[object], path: Path | str, row: int) -> None:
    """A header that gives a column twice is refused: which copy holds the data is a guess."""
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        text = str(name).strip().strip('"')
        if not text:
            continue
        if text in seen:
            raise SourceError(
                path,
                f"column {text!r} appears twice in the header (fields {seen[text] + 1} and "
                f"{index + 1}); which one holds the data cannot be told",
                row=row,
                column=text,
            )
        seen[text] = index


# ---------------------------------------------------------------------------------------------
# dates


def date_readings(text: str) -> list[pd.Timestamp]:
    """Every calendar date a 'M/D/YYYY'-style or ISO text can mean (one or two readings)."""
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        stamp = pd.to_datetime(text, errors="coerce", format="%Y-%m-%d")
        return [] if pd.isna(stamp) else [stamp]
    match = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text)
    if not match:
        return []
    first, second, year = (int(g) for g in match.groups())
    readings = []
    for month, day in ((first, second), (second, first)):
        try:
            readings.append(pd.Timestamp(year=year, month=month, day=day))
        except ValueError:
            continue
    return sorted(set(readings))


def one_month(text: str, path: Path | str, where: str) -> pd.Timestamp | None:
    """The date a text states, or AmbiguousDate when its readings fall in different months."""
    readings = date_readings(text)
    months = sorted({f"{d.year:04d}-{d.month:02d}" for d in readings})
    if len(months) > 1:
        raise AmbiguousDate(
            path,
            f"the date {text!r} ({where}) reads two ways: "
            f"{' or '.join(d.strftime('%d %B %Y').lstrip('0') for d in readings)}; say which "
            f"edition it is with {' or '.join(f'--edition {m}' for m in months)}",
            readings=tuple(months),
        )
    return readings[0] if readings else None

"""What every publisher format declares, and the bytes a reader is handed.

A format is declared once, at the end of its reader module, as a :class:`SourceFormat`: how to
recognise one of its files from the content (never the name), how to read the edition from the
content, the citation and licence filled from that edition, the tables it feeds and the sources it
reads after; and what strict reading and the release review read: the vocabularies of its coded
columns, what reading a file whole means, how far each value may move between two editions, and
where a value sits in a file. The build, ``fetch``, ``add`` and ``info`` iterate these
declarations; none of them names a file or an edition.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import math
import re
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from indicators.contract.errors import SourceError
from indicators.etl.sources import strict

Frames = dict[str, pd.DataFrame]
EDITION_KEY = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


@dataclass(eq=False)
class Blob:
    """The bytes of one raw file, read once and hashed; readers parse these, never the path.

    Parsing what was hashed means a file replaced during a build can never be cached or
    published under the other file's hash.
    """

    path: Path
    data: bytes
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def read(cls, path: Path | str) -> Blob:
        """Read a file, or raise SourceError naming it (missing, a folder, unreadable)."""
        path = Path(path)
        if path.is_dir():
            raise SourceError(path, "is a folder, not a file")
        try:
            return cls(path, path.read_bytes())
        except OSError as exc:
            raise SourceError(path, f"cannot be read ({exc.strerror or exc})") from exc

    @property
    def sha256(self) -> str:
        if "sha256" not in self._memo:
            self._memo["sha256"] = hashlib.sha256(self.data).hexdigest()
        return str(self._memo["sha256"])

    @property
    def name(self) -> str:
        return self.path.name

    def is_workbook(self) -> bool:
        """An Excel workbook: a zip (.xlsx) or an OLE2 compound file (.xls)."""
        return (
            self.data[:4] == b"PK\x03\x04" or self.data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        )

    def text(self) -> str:
        """The content as text: UTF-8 with or without BOM, UTF-16 with a BOM, or cp1252."""
        if "text" not in self._memo:
            self._memo["text"] = decode_text(self.data, self.path)
        return str(self._memo["text"])

    def head(self, lines: int = 20) -> list[str]:
        """The first lines of a text file, for recognising it ([] for a workbook).

        Bytes that do not decode are replaced here, so a damaged copy of a known format is still
        recognised and then refused by its reader with the place, never skipped as unknown.
        """
        if self.is_workbook():
            return []
        try:
            return self.text().splitlines()[:lines]
        except SourceError:
            return lenient_text(self.data[:65536]).splitlines()[:lines]

    def sheet_names(self) -> list[str]:
        """The sheets of a workbook, without reading their cells."""
        return [str(name) for name in self._book().sheet_names]

    def sheet(self, name: str) -> pd.DataFrame:
        """One sheet as a header-less grid of cells exactly as stored (read once)."""
        key = f"sheet:{name}"
        if key not in self._memo:
            self._memo[key] = read_sheet(self, name)
        grid: pd.DataFrame = self._memo[key]
        return grid

    def sheets(self) -> dict[str, pd.DataFrame]:
        """Every sheet of a workbook as a header-less grid of cells exactly as stored."""
        sheets = {name: self.sheet(name) for name in self.sheet_names()}
        if all(grid.empty for grid in sheets.values()):
            raise SourceError(self.path, "the workbook has no cells")
        return sheets

    def _book(self) -> pd.ExcelFile:
        if "book" not in self._memo:
            self._memo["book"] = open_workbook(self)
        book: pd.ExcelFile = self._memo["book"]
        return book


def as_blob(source: Path | str | Blob) -> Blob:
    """Readers accept a path (tests, one-off use) or the build's already-read bytes."""
    return source if isinstance(source, Blob) else Blob.read(source)


def decode_text(data: bytes, path: Path) -> str:
    """Decode a publisher's CSV; refuse, naming the file and place, what is none of the known
    encodings or decodes only as mojibake."""
    if not data:
        raise SourceError(path, "file is empty (0 bytes)")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise SourceError(
                path, f"is marked UTF-16 but cannot be decoded ({exc.reason})"
            ) from exc
        strict.refuse_mojibake(text, path, read_as_cp1252=False)
        return text
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    else:
        strict.refuse_mojibake(text, path, read_as_cp1252=False)
        return text
    if b"\x00" in data[:4096]:
        raise SourceError(
            path, "looks like UTF-16 without a byte-order mark; save it as UTF-8 and add it again"
        )
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        row, cell = strict.undecodable_place(data, exc.start)
        raise SourceError(
            path,
            f"is neither UTF-8, UTF-16 nor Windows-1252 text (byte {data[exc.start]:#04x} at "
            f"offset {exc.start}; Mac Roman or cp850?); save it as UTF-8",
            row=row,
            value=cell,
        ) from exc
    strict.refuse_mojibake(text, path, read_as_cp1252=True)
    return text


def lenient_text(data: bytes) -> str:
    """Text for recognising a file only: undecodable bytes replaced, never for reading values."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8-sig", errors="replace")


def open_workbook(blob: Blob) -> pd.ExcelFile:
    """A workbook (calamine reads .xls and .xlsx), or SourceError naming the file.

    The container is checked first: calamine panics (a Rust panic, printed to the terminal) on
    some cut .xls files instead of raising.
    """
    if not blob.data:
        raise SourceError(blob.path, "the workbook is empty (0 bytes)")
    damage = strict.container_damage(blob.data)
    if damage is not None:
        raise SourceError(blob.path, f"cannot be read as an Excel workbook: {damage}")
    try:
        return pd.ExcelFile(io.BytesIO(blob.data), engine="calamine")
    except BaseException as exc:  # calamine errors share no base class; a panic is no Exception
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise SourceError(
            blob.path, f"cannot be read as an Excel workbook, it may be truncated ({exc})"
        ) from exc


def read_sheet(blob: Blob, name: str) -> pd.DataFrame:
    """One sheet of a workbook as a raw grid, stamped with the file and sheet for errors."""
    try:
        grid = pd.read_excel(blob._book(), sheet_name=name, header=None, keep_default_na=False)
    except SourceError:
        raise
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        raise SourceError(
            blob.path, f"cannot be read as an Excel workbook, it may be truncated ({exc})", name
        ) from exc
    grid.attrs["file"] = str(blob.path)
    grid.attrs["sheet"] = name
    return grid


def workbook_text(blob: Blob, limit: int = 4000, only: tuple[str, ...] = ()) -> list[str]:
    """The text cells of a workbook (or of the sheets named), for recognising it and finding
    its edition."""
    if not blob.is_workbook():
        return []
    try:
        names = [n for n in blob.sheet_names() if not only or n in only]
        sheets = [blob.sheet(n) for n in names]
    except SourceError:
        return []
    found: list[str] = []
    for grid in sheets:
        # The big data sheets hold codes and numbers; titles and footers sit in the first and
        # last rows and the narrow sheets.
        for value in grid.to_numpy().ravel():
            if isinstance(value, str) and value.strip():
                found.append(value.strip())
                if len(found) >= limit:
                    break
    return found


@dataclass(frozen=True)
class Edition:
    """An edition: its key (``2026-07``) and how a citation names it (``last updated ...``);
    ``retrieval`` when that text is already the date the file was retrieved (M49's 'retrieved
    July 2026': a citation does not add a second one)."""

    key: str
    text: str
    retrieval: bool = False

    @classmethod
    def of_month(cls, year: int, month: int, text: str | None = None) -> Edition:
        """The edition of a given month, named by the month unless told otherwise."""
        return cls(f"{year:04d}-{month:02d}", text or f"{MONTHS[month - 1]} {year}")

    @classmethod
    def given(cls, key: str) -> Edition:
        """An edition a person stated (``--edition 2026-09``); SourceError-free: check first."""
        if not EDITION_KEY.match(key):
            raise ValueError(f"edition {key!r} is not YYYY-MM (or YYYY)")
        if "-" in key:
            year, month = (int(p) for p in key.split("-"))
            return cls.of_month(year, month)
        return cls(key, key)

    def after(self, today: date | None = None) -> bool:
        """True for an edition dated after the current month (or year, for a yearly key)."""
        today = today or datetime.now(UTC).date()
        current = f"{today.year:04d}" if "-" not in self.key else f"{today:%Y-%m}"
        return self.key > current

    @property
    def year(self) -> int:
        return int(self.key[:4])

    def label(self) -> str:
        """'Jul 2026' for a monthly key, the key itself otherwise."""
        if re.fullmatch(r"\d{4}-\d{2}", self.key):
            year, month = self.key.split("-")
            return f"{MONTHS[int(month) - 1][:3]} {year}"
        return self.key


def month_edition(text: str, pattern: str, wording: str = "{text}") -> Edition | None:
    """An edition from a 'Month YYYY' (or 'DD Month YYYY') phrase matched by ``pattern``."""
    match = re.search(pattern, text, re.IGNORECASE)
    if not match:
        return None
    stamp = pd.to_datetime(match.group("date"), errors="coerce", dayfirst=True)
    if pd.isna(stamp):
        return None
    return Edition.of_month(stamp.year, stamp.month, wording.format(text=match.group("date")))


@dataclass(frozen=True)
class Noise:
    """How precisely a publisher's format and our reader keep a value.

    The format prints ``significant`` digits, values pass through a float of ``float_bits``,
    and the reader may round to ``decimals`` places. Two values closer than the sum of their
    noise are the same value.
    """

    significant: int
    float_bits: int = 64
    decimals: int | None = None

    def of(self, values: pd.Series | np.ndarray) -> np.ndarray:
        """The largest error the format can introduce into each value."""
        magnitude = np.abs(np.asarray(values, dtype="float64"))
        exponent = np.floor(np.log10(np.where(magnitude > 0, magnitude, 1.0)))
        printing = 0.5 * np.power(10.0, exponent - (self.significant - 1))
        epsilon = 2.0 ** -(24 if self.float_bits == 32 else 53)
        rounding = 0.0 if self.decimals is None else 0.5 * 10.0**-self.decimals
        return np.where(magnitude > 0, printing, 0.0) + magnitude * epsilon + rounding


# Workbook cells hold doubles; 12 significant digits absorb the round trips through Excel.
DOUBLES = Noise(significant=12)


@dataclass(frozen=True)
class Printed:
    """How a publisher prints a column's values: to ``decimals`` places (negative: to tens,
    hundreds, ...) or to ``significant`` digits. Downloads round to it; the Parquet keeps every
    digit the file holds."""

    decimals: int | None = None
    significant: int | None = None

    def __post_init__(self) -> None:
        if (self.decimals is None) == (self.significant is None):
            raise ValueError("Printed takes either decimals or significant digits")

    def round(self, values: pd.Series) -> pd.Series:
        """The values as the publisher prints them (missing values stay missing)."""
        numbers = pd.to_numeric(values, errors="coerce").astype("float64")
        if self.decimals is not None:
            return numbers.round(self.decimals) + 0.0  # + 0.0: no '-0.0' in print
        magnitude = np.abs(numbers.to_numpy())
        exponent = np.floor(np.log10(np.where(magnitude > 0, magnitude, 1.0)))
        places = (int(self.significant or 1) - 1 - exponent).astype("int64")
        rounded = [
            round(float(v), int(d)) + 0.0 if v == v else v
            for v, d in zip(numbers.to_numpy(), places, strict=True)
        ]
        return pd.Series(rounded, index=values.index, dtype="float64")

    def text(self) -> str:
        """'1 decimal', 'to the hundred', '6 significant digits' (for metadata sheets)."""
        if self.significant is not None:
            return f"{self.significant} significant digits"
        assert self.decimals is not None
        if self.decimals < 0:
            return f"to the nearest {10**-self.decimals:,}"
        return f"{self.decimals} decimal{'s' if self.decimals != 1 else ''}"

    def as_dict(self) -> dict[str, int]:
        """The declaration as the build records it in the Parquet metadata."""
        if self.significant is not None:
            return {"significant": self.significant}
        assert self.decimals is not None
        return {"decimals": self.decimals}

    @classmethod
    def from_dict(cls, recorded: Mapping[str, Any]) -> Printed | None:
        """A recorded declaration (None if it is not one)."""
        try:
            if "significant" in recorded:
                return cls(significant=int(recorded["significant"]))
            if "decimals" in recorded:
                return cls(decimals=int(recorded["decimals"]))
        except (TypeError, ValueError):
            return None
        return None


# Column -> how the format prints it, given the frames one edition was read into (a format whose
# layouts print differently tells them apart from what was read).
PrintedBy = Callable[[Frames], Mapping[str, Printed]]


def printed_always(columns: Mapping[str, Printed]) -> PrintedBy:
    """The same printing in every edition of a format."""
    return lambda frames: columns


# A format that declares nothing: its values are printed as stored.
AS_STORED: PrintedBy = printed_always({})


@dataclass(frozen=True)
class Context:
    """What a reader is told about the file it reads."""

    edition: Edition
    max_year: int
    names: Mapping[str, str] = field(default_factory=dict)  # normalised economy name -> ISO3


@dataclass(frozen=True)
class Known:
    """A file published before editions were read from content (a copy with its date stripped)."""

    edition: Edition
    original: str  # the publisher's relative path, for mirrors laid out like data/raw


@dataclass(frozen=True)
class Move:
    """How far a value may move between two editions before the release review stops it.

    A percentage moves by points (``points``: more than this many is implausible); a volume
    moves by a factor (``factor``: this many times more or less is implausible, a unit slip).
    """

    points: float | None = None
    factor: float | None = None

    def implausible(self, old: np.ndarray, new: np.ndarray) -> np.ndarray:
        """True where a value moved further than the format declares plausible."""
        with np.errstate(divide="ignore", invalid="ignore"):
            if self.points is not None:
                return np.asarray(np.abs(new - old) > self.points)
            ratio = np.where((old > 0) & (new > 0), new / old, 1.0)
            factor = self.factor or math.inf
            return np.asarray((ratio >= factor) | (ratio <= 1 / factor))

    def describe(self) -> str:
        if self.points is not None:
            return f"more than {self.points:g} points"
        return f"a factor of {self.factor:g} or more"


def points(n: float) -> Move:
    """A percentage: more than ``n`` points between two editions is implausible."""
    return Move(points=n)


# A volume (users, bit rates, prices) ten times larger or smaller in the next edition is a unit
# slip (x1000 for Tbit/s written as Gbit/s), not a revision.
VOLUME = Move(factor=10.0)

Recognise = Callable[[Blob], bool]
ReadEdition = Callable[[Blob], Edition | None]
Read = Callable[[Blob, Context], Frames]
Check = Callable[[Frames, Mapping[str, Frames], Blob], list[str]]
Intact = Callable[[Blob], None]


@dataclass(frozen=True)
class Where:
    """A value to find in its file: table, series ('value_pct;sex=female'), entity and year."""

    table: str
    series: str
    entity: str
    year: int
    names: Mapping[str, str] = field(default_factory=dict)  # normalised name -> code

    @property
    def measure(self) -> str:
        return self.series.split(";", 1)[0]

    def dim(self, name: str) -> str | None:
        """A key dimension of the series ('sex' -> 'female'), or None."""
        for part in self.series.split(";")[1:]:
            key, _, value = part.partition("=")
            if key == name:
                return value
        return None


# -> 'row 12, column 2019' or "sheet 'S', row 4, column F"
Locate = Callable[[Blob, Where], str]


def _no_check(frames: Frames, references: Mapping[str, Frames], blob: Blob) -> list[str]:
    return []


def readable_whole(blob: Blob) -> None:
    """A workbook whose every sheet opens, or text that decodes; SourceError otherwise."""
    if blob.is_workbook():
        blob.sheets()
    else:
        blob.text()


def near_code(blob: Blob, where: Where) -> str:
    """Where a value sits, as far as the file's codes tell: the code's row, and the year."""
    place = locate(blob, where.entity)
    return f"{place}, year {where.year}" if place else f"{where.entity}, year {where.year}"


@dataclass(frozen=True)
class SourceFormat:
    """One publisher format, declared once beside its reader."""

    source: str  # the key published in the tables' ``source`` column
    publisher: str  # folder under data/raw
    title: str  # 'WDI Internet use'; an edition's title adds its label
    citation: str  # template: {edition} is the edition's text
    licence: str
    tables: tuple[str, ...]  # what the reader returns (facts and reference frames)
    recognise: Recognise
    read_edition: ReadEdition
    read: Read
    first_year: int
    after: tuple[str, ...] = ()  # sources read first (names, code lists)
    urls: tuple[str, ...] = ()  # the publisher's current files, for plain ``fetch``
    known: Mapping[str, Known] = field(default_factory=dict)  # sha256 -> edition
    check: Check = _no_check  # what the format guarantees (every economy, every group row)
    reference: bool = False  # feeds the entities table (names, groups, regions)
    # How precisely the format keeps a value: a smaller change between editions is no revision.
    noise: Noise = DOUBLES
    # What the release review compares an edition with its neighbours on:
    # how far each value column may move between editions,
    moves: Mapping[str, Move] = field(default_factory=dict)
    # the frame naming each code (for codes renamed or changing meaning),
    names: str | None = None
    # and the (source, frame) listing the edition's own economies, where it ships one.
    country_list: tuple[str, str] | None = None
    # The values each column may hold (flags, labels, units): anything else is refused.
    vocabularies: tuple[strict.Vocabulary, ...] = ()
    # Whether the bytes can be read whole (a damaged copy is refused by add and fetch).
    intact: Intact = readable_whole
    locate_value: Locate = near_code
    # How the publisher prints each value column: downloads round to it (see ``Printed``).
    printed: PrintedBy = AS_STORED

    def cite(self, edition: Edition) -> str:
        return self.citation.format(edition=edition.text)

    def edition_title(self, edition: Edition) -> str:
        return f"{self.title}, {edition.label()}"

    def edition_of(self, blob: Blob) -> Edition | None:
        """The edition: from a known copy's hash, else from the content."""
        known = self.known.get(blob.sha256)
        return known.edition if known else self.read_edition(blob)


def cites_retrieval(fmt: SourceFormat | None, key: str) -> bool:
    """True when the format's citation of edition ``key`` already names its retrieval."""
    known = (k.edition for k in (fmt.known.values() if fmt is not None else ()))
    return any(e.key == key and e.retrieval for e in known)


def retrieval_year(retrieved_at: str | None) -> int:
    """The year a file was retrieved (today if nobody recorded it)."""
    if retrieved_at:
        try:
            return int(retrieved_at[:4])
        except ValueError:
            pass
    return date.today().year


def unzip_members(blob: Blob) -> list[Blob]:
    """The CSV members of a zip download (the World Bank serves data and metadata zipped)."""
    try:
        with zipfile.ZipFile(io.BytesIO(blob.data)) as archive:
            return [
                Blob(blob.path.with_name(Path(name).name), archive.read(name))
                for name in archive.namelist()
                if name.lower().endswith(".csv")
            ]
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
        raise SourceError(blob.path, f"is a damaged zip archive ({exc})") from exc


def is_zip_of_csv(blob: Blob) -> bool:
    """A zip that is not an Excel workbook: a bundle of CSV files."""
    if blob.data[:4] != b"PK\x03\x04":
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(blob.data)) as archive:
            names = archive.namelist()
    except zipfile.BadZipFile:
        return False
    return not any(n.startswith("xl/") for n in names) and any(
        n.lower().endswith(".csv") for n in names
    )


def locate(blob: Blob, value: str) -> str:
    """Where a code first appears in a file, as a person finds it: 'row 12' or 'sheet S, row 4,
    column B' ('' if it cannot be found, e.g. a code derived from a name)."""
    from indicators.contract.errors import excel_column

    if blob.is_workbook():
        try:
            sheets = blob.sheets()
        except SourceError:
            return ""
        for name, grid in sheets.items():
            hits = (grid.astype(str) == value).to_numpy().nonzero()
            if len(hits[0]):
                return f"sheet {name!r}, row {hits[0][0] + 1}, column {excel_column(hits[1][0])}"
        return ""
    try:
        lines = blob.text().splitlines()
    except SourceError:
        return ""
    for number, line in enumerate(lines, 1):
        cells = [c.strip().strip('"') for c in re.split(r"[,;]", line)]
        if value in cells:
            return f"row {number}"
    return ""

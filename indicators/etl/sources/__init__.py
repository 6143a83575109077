"""The publisher formats the pipeline reads, each declared once at the end of its reader module.

Each reader follows one shape: ``extract(path_or_blob)`` reads a file without cleaning it, and
``transform(raw, ...)`` is pure and returns a tidy frame shaped like one of the processed tables.
Its module ends with a :class:`~indicators.etl.sources.formats.SourceFormat`: how to recognise the
file, how to read its edition, how to cite it. Everything else iterates :data:`FORMATS`.
"""

from __future__ import annotations

import io
import zipfile
import zlib

from indicators.contract.errors import SourceError
from indicators.etl.sources import itu_aggregates, itu_gender, itu_prices, m49, wdi
from indicators.etl.sources.formats import Blob, Edition, SourceFormat

FORMATS: tuple[SourceFormat, ...] = (
    m49.FORMAT,
    wdi.METADATA_FORMAT,
    itu_prices.FORMAT,
    wdi.FORMAT,
    itu_aggregates.FORMAT,
    itu_gender.FORMAT,
)
BY_SOURCE: dict[str, SourceFormat] = {f.source: f for f in FORMATS}


def recognise(blob: Blob) -> SourceFormat | None:
    """The format of a file, from a known copy's hash or else from its content."""
    for fmt in FORMATS:
        if blob.sha256 in fmt.known:
            return fmt
    for fmt in FORMATS:
        if fmt.recognise(blob):
            return fmt
    return None


def damaged_container(blob: Blob) -> str | None:
    """What is damaged about a workbook or zip no format recognised, or None if it is whole.

    Its first bytes say what it is; if it cannot be opened whole, it was cut or corrupted, and
    is refused rather than skipped as a file of no known format.
    """
    if blob.data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(blob.data)) as archive:
                names = archive.namelist()
                broken = archive.testzip()
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError) as exc:
            return (
                f"a zip archive (or .xlsx workbook) that cannot be read whole ({exc}); cut short?"
            )
        if broken is not None:
            return f"a zip archive whose member {broken!r} is corrupt"
        if not any(n.startswith("xl/") for n in names):
            return None
    elif not blob.is_workbook():
        return None
    try:
        blob.sheets()
    except SourceError as exc:
        return f"an Excel workbook that cannot be read whole ({exc.message})"
    return None


def reading_order(sources: set[str]) -> list[str]:
    """Sources ordered so that each is read after those it declares in ``after``."""
    ordered: list[str] = []

    def visit(source: str, seen: tuple[str, ...] = ()) -> None:
        if source in ordered or source in seen:
            return
        for first in BY_SOURCE[source].after:
            if first in sources:
                visit(first, (*seen, source))
        ordered.append(source)

    for fmt in FORMATS:
        if fmt.source in sources:
            visit(fmt.source)
    return ordered


def edition_title(source: str, edition: str) -> str:
    """A person's name for an edition: the format's title and the edition's month."""
    fmt = BY_SOURCE.get(source)
    label = Edition(edition, edition).label()
    return f"{fmt.title}, {label}" if fmt else f"{source} {edition}"


def known_names() -> str:
    """The formats, for messages about a file none of them recognises."""
    return "; ".join(f"{f.title} ({f.source})" for f in FORMATS)


__all__ = ["BY_SOURCE", "FORMATS", "Blob", "Edition", "SourceFormat", "recognise"]

"""Errors that point a person at the exact place in a source file that needs attention."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class SourceError(Exception):
    """A publisher file could not be read as expected.

    ``row`` and ``column`` are spreadsheet coordinates as a person sees them: 1-based rows and
    Excel column letters for workbooks, 1-based line numbers and header names for CSV files.
    """

    file: Path | str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: object = None

    def __str__(self) -> str:
        where = [Path(self.file).name]
        if self.sheet is not None:
            where.append(f"sheet {self.sheet!r}")
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        text = f"{', '.join(where)}: {self.message}"
        if self.value is not None:
            text += f" (found {self.value!r})"
        return text


def excel_column(index: int) -> str:
    """Excel column letters for a 0-based column index (0 -> A, 27 -> AB)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters

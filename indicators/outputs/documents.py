"""A figure pack as a Word document and a PowerPoint deck, ready to send to an editor.

What the documents say about each figure, the sources and the claims annex is gathered here
(:class:`PackDoc`); ``worddoc.document`` lays it out as a report appendix (numbered captions
above the figures, a list of figures, a sources table) and ``deck.presentation`` as slides (the
finding as an action title). Both draw each figure's picture at the size it is printed or
projected, so the text in the picture reads at a known point size.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path


@dataclass(frozen=True)
class Picture:
    """A rendered picture and the size it is placed at, in points."""

    png: bytes
    width_pt: float
    height_pt: float


@dataclass(frozen=True)
class FigureDoc:
    """What the documents say about one figure."""

    number: int
    id: str
    title: str
    subtitle: str
    finding: str
    source: str
    notes: tuple[str, ...]
    alt_text: str
    size: str  # the size preset ('column', 'page', 'slide') or WIDTHxHEIGHT
    width_px: int
    height_px: int
    headline: str = ""  # the finding as a short action title (slides)
    cautions: tuple[str, ...] = ()  # notes a slide prints under its source (``Caption``)
    word: Picture | None = None
    slide: Picture | None = None


@dataclass(frozen=True)
class SourceRow:
    """One source edition the pack draws on."""

    label: str
    citation: str
    licence: str
    figures: tuple[int, ...]


@dataclass(frozen=True)
class ClaimRow:
    """One claim of a report checked against the editions: the annex's row."""

    claim: str
    reported: str
    report_edition: str
    latest_edition: str
    verdict: str
    note: str


@dataclass(frozen=True)
class Annex:
    """The report's claims checked against today's data."""

    report: str  # the report's symbol
    title: str
    rows: tuple[ClaimRow, ...]


@dataclass
class PackDoc:
    """The pack as the documents present it."""

    title: str
    figures: list[FigureDoc]
    sources: list[SourceRow]
    generated: str
    data_built: str | None = None
    keywords: list[str] = field(default_factory=list)
    author: str = ""
    created: datetime | None = None
    annex: Annex | None = None


@dataclass(frozen=True)
class Options:
    """How the documents are laid out: caption position and the organisation's templates."""

    caption: str = "above"  # Word: figure title above the figure (UN, ITU) or below
    word_template: Path | None = None
    slide_template: Path | None = None


CAPTIONS = ("above", "below")


def figures_text(count: int) -> str:
    """'1 figure', '12 figures'."""
    return f"{count} figure{'' if count == 1 else 's'}"

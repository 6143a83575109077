"""The claims check as an annex: a report's claims against the edition it drew on and the latest.

One row per claim and source: the claim as the report states it (with its paragraph), the
figure it reports, what the report's edition and the latest edition give (value and status),
the verdict across every edition, and the note. Written as a Word table (an annex to the pack's
document, and on its own) and as an XLSX sheet.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from indicators.catalogue import queries
from indicators.contract.store import Tables
from indicators.dashboard import claims_view
from indicators.outputs import tidy
from indicators.outputs.documents import Annex, ClaimRow, Options, PackDoc

COLUMNS = ("Claim", "Reported", "Report's edition", "Latest edition", "Verdict", "Note")


def _claims(tables: Tables) -> pd.DataFrame:
    frame = tables.get("claims")
    if frame is None or frame.empty:
        raise LookupError(f"the claims table has not been built yet: {queries.BUILD_HINT}")
    return frame


def check_report(tables: Tables, report: str) -> None:
    """LookupError naming the reports there are, if ``report`` is not one of them."""
    known = list(dict.fromkeys(_claims(tables)["report"]))
    if report not in known:
        raise LookupError(f"no report {report!r} among the claims checked; reports: {known}")


def _paragraph(citation: str) -> str:
    """'..., para. 3' -> 'para. 3' ('' when the citation names no paragraph)."""
    last = str(citation).rsplit(", ", 1)[-1]
    return last if last.startswith(("para", "p.", "page", "section")) else ""


def _checked(row: Mapping[Any, Any] | None) -> str:
    """'ITU key ICT indicators, Oct 2019: 4.53× (confirmed)' for one edition's row."""
    if row is None:
        return "not stated by the report"
    return claims_view.state_text(row)


def _row(group: pd.DataFrame, verdict: str) -> ClaimRow:
    group = group.sort_values("vintage")
    records = group.to_dict("records")
    first = records[0]
    own = next((r for r in records if bool(r["report_edition"])), None)
    latest = records[-1]
    paragraph = _paragraph(str(first["citation"]))
    claim = f"{first['claim_id']}. {first['statement']}" + (f" ({paragraph})" if paragraph else "")
    reported = claims_view.claim_value(first)
    return ClaimRow(claim, reported, _checked(own), _checked(latest), verdict, str(latest["note"]))


def claims_annex(tables: Tables, report: str) -> Annex:
    """The report's claims, each against the report's edition and the latest one."""
    check_report(tables, report)
    frame = _claims(tables)
    frame = frame[frame["report"] == report]
    history = claims_view.claim_history(frame)
    verdicts = {(r["claim_id"], r["source"]): str(r["verdict"]) for r in history.to_dict("records")}
    rows = [
        _row(group, verdicts[(claim_id, source)])
        for (claim_id, source), group in frame.groupby(["claim_id", "source"], sort=False)
    ]
    return Annex(report, f"The claims of {report} checked against the data", tuple(rows))


def frame_of(annex: Annex) -> pd.DataFrame:
    """The annex as a table with the documented columns."""
    return pd.DataFrame(
        [
            (r.claim, r.reported, r.report_edition, r.latest_edition, r.verdict, r.note)
            for r in annex.rows
        ],
        columns=list(COLUMNS),
    )


def xlsx_bytes(annex: Annex) -> bytes:
    """The annex as a workbook: sheet ``claims``, one row per claim and source."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "claims"
    frame = frame_of(annex)
    sheet.append([tidy.cell(c) for c in ["Report", *frame.columns]])
    for values in frame.itertuples(index=False, name=None):
        sheet.append([tidy.cell(v) for v in (annex.report, *values)])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEFG", (18, 60, 14, 36, 36, 40, 50), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def word_bytes(annex: Annex, spec: Any, generated: str, options: Options) -> bytes:
    """The annex on its own, as a Word document with the pack's title and author."""
    from indicators.outputs import worddoc

    pack = PackDoc(
        title=f"{spec.title}: claims checked",
        figures=[],
        sources=[],
        generated=generated,
        author=spec.author,
        created=datetime.now(UTC),
        annex=annex,
    )
    return worddoc.document(pack, options)

"""Take-away: full tables as XLSX (with a metadata sheet) and as CSV plus README in a zip, the
how-to-cite lines with their retrieval dates, and the embed snippet of a dashboard view.

Provenance (edition titles, citations, licences, sha256, retrieval dates) is read from the
published ``editions`` table when the build wrote one; otherwise from each table's Parquet
metadata, with the retrieval dates from the fetch manifest. No Dash here.
"""

from __future__ import annotations

import html
import io
import zipfile
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pandas as pd

from indicators.catalogue import queries
from indicators.contract import schemas
from indicators.contract.store import Tables
from indicators.dashboard import claims_view
from indicators.etl import sources
from indicators.etl.sources import formats
from indicators.outputs import tidy

FORMATS = {
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "zip": ("zip", "application/zip"),
}
EMBED_PARAM = "embed"
EMBED_PANEL_HEIGHT = 640  # one chart: title, graph, caption
EMBED_HEIGHT = 720
UNKNOWN = "not recorded"


@dataclass(frozen=True)
class Edition:
    """Where one edition of a source behind a table comes from."""

    source: str
    edition: str
    title: str
    citation: str
    licence: str
    retrieved: str
    sha256: str

    def cite(self) -> str:
        """'CITATION, retrieved 2026-11-23.' (a citation naming when its file was retrieved
        from the publisher, as M49's 'retrieved July 2026', is not given a second date)."""
        if formats.cites_retrieval(sources.BY_SOURCE.get(self.source), self.edition):
            return f"{self.citation}."
        when = f"retrieved {self.retrieved}" if self.retrieved != UNKNOWN else "retrieval date"
        when += "" if self.retrieved != UNKNOWN else " not recorded"
        return f"{self.citation}, {when}."


def _date(stamp: Any) -> str:
    """An ISO timestamp as yyyy-mm-dd (UNKNOWN when missing)."""
    if stamp is None or (isinstance(stamp, float) and pd.isna(stamp)) or str(stamp) == "":
        return UNKNOWN
    parsed = pd.to_datetime(str(stamp), errors="coerce", utc=True)
    return UNKNOWN if pd.isna(parsed) else parsed.strftime("%Y-%m-%d")


def _from_editions_table(tables: Tables, meta: dict[str, Any]) -> list[Edition] | None:
    """The table's editions as the build's ``editions`` table records them (None if absent)."""
    editions = tables.get("editions")
    if editions is None or not {"source", "edition", "citation"} <= set(editions.columns):
        return None
    wanted = {tuple(queries.split_edition(k)) for k in (meta.get("vintages") or {})}
    pairs = zip(editions["source"], editions["edition"], strict=True)
    rows = editions[[pair in wanted for pair in pairs]]
    if rows.empty:
        return None
    return [
        Edition(
            source=str(r.get("source")),
            edition=str(r.get("edition")),
            title=str(r.get("title") or queries.edition_label(f"{r['source']}@{r['edition']}")),
            citation=str(r.get("citation") or ""),
            licence=str(r.get("licence") or ""),
            retrieved=_date(r.get("retrieved_at")),
            sha256=str(r.get("sha256") or ""),
        )
        for r in rows.to_dict("records")
    ]


def editions(tables: Tables, name: str) -> list[Edition]:
    """The editions a published table was built from, with citation and retrieval date."""
    meta = tables.metadata(name)
    recorded = _from_editions_table(tables, meta)
    if recorded is not None:
        return recorded
    out = []
    for key, ed in sorted((meta.get("editions") or {}).items()):
        source, vintage = queries.split_edition(key)
        out.append(
            Edition(
                source=source,
                edition=vintage,
                title=str(ed.get("title") or queries.edition_label(key)),
                citation=str(ed.get("citation") or key),
                licence=str(ed.get("licence") or ""),
                retrieved=_date(ed.get("retrieved_at")),
                sha256=str(ed.get("sha256", "")),
            )
        )
    return out


def cite_lines(tables: Tables, name: str) -> list[str]:
    """How to cite a figure from a table: each publisher's edition with its retrieval date,
    then this tool's processing."""
    found = editions(tables, name)
    if not found:
        return ["Cite the original publisher named with each figure."]
    built = claims_view.built_text(str(tables.metadata(name).get("built_at", "")))
    when = f", built {built}" if built else ""
    lines = list(dict.fromkeys(e.cite() for e in found))
    return [*lines, f"Processed with the digital-divide indicators (table {name}{when})."]


def fields(name: str) -> pd.DataFrame:
    """Column, title, unit, type and description of a table as downloads give it: its schema,
    with the entity's name and grouping (from the entities table) after its code."""
    described = schemas.describe(name)
    if name != "entities" and "entity_id" in set(described["column"]):
        named = schemas.describe("entities").set_index("column").loc[["name", "grouping"]]
        named = named.reset_index().assign(nullable=True)
        named["description"] = named["description"] + " (from the entities table)"
        at = list(described["column"]).index("entity_id") + 1
        described = pd.concat([described.iloc[:at], named, described.iloc[at:]])
    described = described.reset_index(drop=True)
    described["dtype"] = described["dtype"].str.split("[").str[0]
    return described[["column", "title", "unit", "dtype", "nullable", "description"]]


def printed_text(tables: Tables, name: str, key: str) -> str:
    """How an edition's values are rounded in downloads ('value_pct: 1 decimal; ...')."""
    rules = tidy.printed(tables, name, key)
    shown = [c for c in tidy.value_columns(name) if c in rules] if name in schemas.MODELS else []
    return "; ".join(f"{c}: {rules[c].text()}" for c in shown)


def editions_frame(tables: Tables, name: str) -> pd.DataFrame:
    """The editions behind a table as rows (for the metadata sheet and the README)."""
    columns = ["source", "edition", "title", "citation", "licence", "retrieved", "sha256"]
    frame = pd.DataFrame([e.__dict__ for e in editions(tables, name)], columns=columns)
    frame["printed"] = [
        printed_text(tables, name, f"{s}@{e}")
        for s, e in zip(frame["source"], frame["edition"], strict=True)
    ]
    return frame


def about(tables: Tables, name: str, frame: pd.DataFrame) -> list[tuple[str, str]]:
    """Table, title, rows, unique key, build time and how to cite, as label-value pairs."""
    meta = tables.metadata(name)
    title = (schemas.MODELS[name].__doc__ or name).strip().splitlines()[0]
    return [
        ("Table", name),
        ("Title", title),
        ("Rows", f"{len(frame):,}"),
        ("Unique key", ", ".join(schemas.unique_key(name))),
        ("Built", claims_view.built_text(str(meta.get("built_at", ""))) or UNKNOWN),
        ("Licence", str(meta.get("licence") or "see the publishers' terms")),
        ("Values", tidy.PRINTED_NOTE),
        *[("How to cite", line) for line in cite_lines(tables, name)],
    ]


def _table(tables: Tables, name: str) -> pd.DataFrame:
    if name not in schemas.MODELS:
        raise ValueError(f"no table {name!r}; tables: {', '.join(schemas.MODELS)}")
    frame = tables.get(name)
    if frame is None:
        raise LookupError(f"The {name} table has not been built yet: {queries.BUILD_HINT}.")
    return frame


_cell = tidy.cell  # missing values as empty cells, text never a formula


def ready(tables: Tables, name: str) -> pd.DataFrame:
    """The full table as downloads give it: names beside codes, values as printed."""
    frame = _table(tables, name)
    return queries.memo(
        tables, frame, ("takeaway-ready", name), lambda: tidy.table_frame(tables, name, frame)
    )


def xlsx_bytes(tables: Tables, name: str) -> bytes:
    """The full table as an Excel workbook: sheet ``data`` and sheet ``metadata``."""
    frame = ready(tables, name)
    from openpyxl import Workbook  # about 0.3 s to import: only when a workbook is asked for

    book = Workbook(write_only=True)
    data = book.create_sheet("data")
    data.append(list(frame.columns))
    for row in frame.itertuples(index=False, name=None):
        data.append([_cell(v) for v in row])
    meta = book.create_sheet("metadata")
    for label, value in about(tables, name, frame):
        meta.append([label, value])
    for heading, block in (
        ("Fields", fields(name)),
        ("Editions", editions_frame(tables, name)),
    ):
        meta.append([])
        meta.append([heading])
        meta.append(list(block.columns))
        for row in block.itertuples(index=False, name=None):
            meta.append([_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _markdown_table(frame: pd.DataFrame) -> list[str]:
    """A frame as a Markdown table (pipes in cells escaped)."""

    def cell(value: Any) -> str:
        return "" if _cell(value) is None else str(value).replace("|", "\\|")

    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += [
        "| " + " | ".join(cell(v) for v in row) + " |" for row in frame.itertuples(index=False)
    ]
    return lines


def readme_text(tables: Tables, name: str) -> str:
    """README.md for the zip: what the table is, its fields and units, editions, how to cite."""
    frame = ready(tables, name)
    pairs = about(tables, name, frame)
    lines = [f"# {name}.csv", "", pairs[1][1], ""]
    lines += [f"- {label}: {value}" for label, value in pairs[2:7]]
    lines += ["", "## How to cite", ""]
    lines += [f"- {line}" for line in cite_lines(tables, name)]
    lines += ["", "## Fields", "", *_markdown_table(fields(name))]
    lines += ["", "## Editions", "", *_markdown_table(editions_frame(tables, name))]
    lines += [
        "",
        "The data belong to their publishers, under their terms (see the licence above). "
        "Cite the original publisher when you use a figure.",
        "",
    ]
    return "\n".join(lines)


def zip_bytes(tables: Tables, name: str) -> bytes:
    """The full table as CSV with a README, in one zip."""
    frame = ready(tables, name)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{name}/{name}.csv", tidy.csv_text(frame))
        archive.writestr(f"{name}/README.md", readme_text(tables, name))
    return out.getvalue()


def download(tables: Tables, name: str, fmt: str) -> tuple[bytes, str, str]:
    """A table as XLSX or zip bytes, with file name and media type.

    Made once per loaded table: the workbook of the 45,000 price rows takes seconds.
    """
    if fmt not in FORMATS:
        raise ValueError(f"no download {name}.{fmt}")
    suffix, media = FORMATS[fmt]
    make = xlsx_bytes if fmt == "xlsx" else zip_bytes
    payload = queries.memo(
        tables, _table(tables, name), ("takeaway", name, fmt), lambda: make(tables, name)
    )
    return payload, f"{name}.{suffix}", media


def embed_url(href: str, panel: str = "") -> str:
    """The address of a view with the controls hidden: the same query plus ``embed=1``, or
    ``embed=PANEL`` for one chart of the page alone."""
    parts = urlsplit(href)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != EMBED_PARAM]
    query.append((EMBED_PARAM, panel or "1"))
    return parts._replace(query=urlencode(query, safe="@,"), fragment="").geturl()


def embed_snippet(href: str, title: str = "Digital-divide indicators", panel: str = "") -> str:
    """An iframe that shows the view at ``href`` with its controls hidden (one panel alone when
    ``panel`` names it)."""
    src = html.escape(embed_url(href, panel), quote=True)
    height = EMBED_PANEL_HEIGHT if panel else EMBED_HEIGHT
    return (
        f'<iframe src="{src}" title="{html.escape(title, quote=True)}" width="100%" '
        f'height="{height}" style="border:0" loading="lazy"></iframe>'
    )

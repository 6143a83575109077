"""What changed: the view behind the What changed page, as pure functions of the tables.

The page picks a source and two of its editions (the newest two by default); everything it
shows comes from :mod:`indicators.metrics.diff`: the summary, revisions per year, the largest
revisions as a dumbbell (old to new) and the compared values as a table. No Dash here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from indicators import figures
from indicators.catalogue import queries
from indicators.contract import schemas
from indicators.contract.store import Tables
from indicators.figures import Caption, Chart, theme
from indicators.metrics import diff

PREFIX = "changes"
ALL = "all"
KINDS = {ALL: "Economies and groups", "economy": "Economies", "group": "Groups"}
STATUS_CHOICES = [ALL, *diff.STATUSES]
TABLE_ROWS = 100
# How each setting reads in a notice (the controls' labels).
LABELS = {
    "source": "Source",
    "old": "Old edition",
    "new": "New edition",
    "measure": "Measure",
    "year": "Year",
    "kind": "Entities",
    "status": "Status",
    "search": "Search",
    "at_least": "Changes of at least",
}
SEARCH_CHARS = 80
TOP = 15
# Colours for the statuses, from the app's colour-blind-safe palette.
STATUS_COLOURS = {
    "revised": theme.OKABE_ITO[5],
    "added": theme.OKABE_ITO[2],
    "dropped": theme.OKABE_ITO[3],
}
OLD_COLOUR = "#9a9a9a"
NEW_COLOUR = theme.OKABE_ITO[0]


@dataclass(frozen=True)
class View:
    """The choices on the page, as the query string keeps them."""

    source: str
    old: str
    new: str
    measure: str
    year: str = ALL
    kind: str = ALL
    status: str = ALL
    search: str = ""
    at_least: float | None = None

    @property
    def years(self) -> list[int]:
        return [] if self.year == ALL else [int(self.year)]


def comparable(tables: Tables) -> dict[str, list[str]]:
    """Sources with at least two editions -> their editions, newest first."""
    return {s: v for s, v in diff.sources(tables).items() if len(v) >= 2}


def default_source(choices: Mapping[str, list[str]]) -> str:
    """The source shown first: the one with the most recent edition."""
    return max(choices, key=lambda s: (choices[s][0], s))


def measures(tables: Tables, source: str) -> list[str]:
    """'table.column' of every measure a source's tables hold."""
    out = []
    for name in diff.comparable_tables():
        frame = tables.get(name)
        if frame is None:
            continue
        held = queries.memo(tables, frame, ("measures", name, source), _held(frame, name, source))
        out += [f"{name}.{c}" for c in held]
    return out


def _held(frame: pd.DataFrame, table: str, source: str) -> Any:
    def compute() -> list[str]:
        rows = frame[frame["source"] == source]
        return [c for c in diff.value_columns(table) if rows[c].notna().any()]

    return compute


def measure_label(measure: str) -> str:
    """'internet_use.value_pct' -> 'Individuals using the Internet (% of population)'."""
    table, column = measure.split(".", 1)
    info = schemas.field_info(table, column)
    return f"{info['title']} ({info['unit']})" if info["unit"] else info["title"]


def years(tables: Tables, source: str) -> list[int]:
    """Years any edition of a source covers, newest first."""
    found: set[int] = set()
    for name in diff.comparable_tables():
        found.update(queries.years_of(tables, name, source=source))
    return sorted(found, reverse=True)


def _pick(value: Any, allowed: list[str], default: str) -> str:
    text = str(value) if value is not None else ""
    return text if text in allowed else default


def resolve(tables: Tables, query: Mapping[str, Any]) -> View | None:
    """The view a query string asks for; unknown or malformed values fall back to defaults.

    None when no source has two editions to compare.
    """
    choices = comparable(tables)
    if not choices:
        return None
    q = {k[len(PREFIX) + 1 :]: v for k, v in query.items() if k.startswith(f"{PREFIX}.")}
    source = _pick(q.get("source"), list(choices), default_source(choices))
    return with_source(tables, source, q)


def with_source(tables: Tables, source: str, q: Mapping[str, Any] | None = None) -> View:
    """The view of one source: the newest two editions unless ``q`` picks others."""
    q = q or {}
    editions = comparable(tables)[source]
    old = _pick(str(q.get("old", "")).rpartition("@")[2], editions, editions[1])
    new = _pick(str(q.get("new", "")).rpartition("@")[2], editions, editions[0])
    found = measures(tables, source)
    year_choices = [ALL, *map(str, years(tables, source))]
    return View(
        source=source,
        old=old,
        new=new,
        measure=_pick(q.get("measure"), found, found[0] if found else ""),
        year=_pick(q.get("year"), year_choices, ALL),
        kind=_pick(q.get("kind"), list(KINDS), ALL),
        status=_pick(q.get("status"), STATUS_CHOICES, ALL),
        search=str(q.get("search") or "")[:SEARCH_CHARS],
        at_least=_threshold(q.get("at_least")),
    )


def _threshold(value: Any) -> float | None:
    """A non-negative size of change, or None (no threshold) for anything else."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number >= 0 else None


def table_free(view: View) -> View:
    """The view without the table's own filters (search, status, smallest change)."""
    return View(view.source, view.old, view.new, view.measure, view.year, view.kind)


def reset_notices(query: Mapping[str, Any], view: View) -> list[str]:
    """A sentence for each value of a link (or of the controls) that the view could not use:
    unknown settings, values outside their choices, a search cut to its length."""
    given = {k[len(PREFIX) + 1 :]: v for k, v in query.items() if k.startswith(f"{PREFIX}.")}
    out = []
    for name, value in given.items():
        if name not in LABELS:
            out.append(f"{str(name)[:40]!r} is not a setting of this page; it was ignored.")
            continue
        if value is None or value == "":
            continue
        used = getattr(view, name)
        text = str(value)
        if name in ("old", "new"):
            text = text.rpartition("@")[2]
        if name == "at_least":
            fine = used is not None
        elif name == "search":
            fine = len(text) <= SEARCH_CHARS
        else:
            fine = text == used
        if not fine:
            shown = "no threshold" if used is None else repr(str(used)[:40])
            out.append(f"{LABELS[name]}: {text[:40]!r} could not be used; showing {shown}.")
    return out


def checked(tables: Tables, values: Mapping[str, Any]) -> View | None:
    """A view from the controls' current values, checked like a query string."""
    query = {f"{PREFIX}.{k}": v for k, v in values.items()}
    return resolve(tables, query)


def comparison(tables: Tables, view: View) -> pd.DataFrame:
    """The values of the view's two editions, narrowed to its year and kind of entity."""
    req = diff.request(tables, view.source, view.old, view.new)
    kind = None if view.kind == ALL else view.kind
    return diff.restrict(diff.run(tables, req), view.years, kind, tables)


def summary(tables: Tables, view: View, compared: pd.DataFrame) -> diff.Summary:
    """The diff summary with edition titles and entity names."""
    return diff.summarise(
        compared,
        view.source,
        diff.edition_title(tables, f"{view.source}@{view.old}"),
        diff.edition_title(tables, f"{view.source}@{view.new}"),
        queries.names(tables),
        top=TOP,
    )


def headline(s: diff.Summary) -> str:
    """'Of 6,890 values, 441 were revised, 158 added and 0 dropped; 6,291 are unchanged.'"""
    c = s.counts
    total = sum(c.values())
    return (
        f"Of {total:,} values in either edition, {c['revised']:,} were revised, "
        f"{c['added']:,} added and {c['dropped']:,} dropped; {c['unchanged']:,} are unchanged "
        "(differences within the float noise of the publisher's format are not revisions)."
    )


def measure_line(m: diff.Measure) -> str:
    """'Individuals using the Internet: 35 revised, median absolute revision 0.03 percentage
    points.'"""
    unit = diff.change_unit(m.unit)
    median = f"{diff.number(m.median_abs)} {unit}".rstrip()
    return f"{m.title}: {m.revised:,} revised, median absolute revision {median}."


def coverage(s: diff.Summary) -> list[str]:
    """Coverage gained and lost, one sentence each."""

    def years_text(years: list[int]) -> str:
        return ", ".join(map(str, years)) if years else "none"

    return [
        f"Coverage gained: {s.counts['added']:,} values; years only in the new edition: "
        f"{years_text(s.gained_years)}; entities only in the new edition: "
        f"{s.entities_text(s.gained_entities)}.",
        f"Coverage lost: {s.counts['dropped']:,} values; years only in the old edition: "
        f"{years_text(s.lost_years)}; entities only in the old edition: "
        f"{s.entities_text(s.lost_entities)}.",
    ]


def measure_summary(s: diff.Summary, measure: str) -> diff.Measure | None:
    """The summary of one measure ('table.column'), if the comparison holds it."""
    for m in s.measures:
        if f"{m.table}.{m.column}" == measure:
            return m
    return None


def source_line(tables: Tables, view: View) -> str:
    """Both editions' citations, as the build recorded them."""
    keys = (f"{view.source}@{view.old}", f"{view.source}@{view.new}")
    lines = [queries.source_line(tables, k) for k in keys]
    return lines[0] if lines[0] == lines[1] else "; ".join(lines)


def changed_years(s: diff.Summary) -> pd.DataFrame:
    """The counts per year from the first to the last year with a value revised, added or
    dropped (the years around them hold unchanged values only: no bar to draw)."""
    counts = s.by_year
    changed = counts[list(STATUS_COLOURS)].sum(axis=1) > 0
    if not changed.any():
        return counts
    years = counts.loc[changed, "year"]
    return counts[counts["year"].between(years.min(), years.max())]


def unchanged_note(s: diff.Summary) -> tuple[str, ...]:
    """'Before 2005 (from 1990) no value was revised, added or dropped.' when the bars start
    later than the editions' years."""
    shown, every = changed_years(s)["year"], s.by_year["year"]
    if shown.empty or every.empty or int(shown.min()) == int(every.min()):
        return ()
    return (
        f"Before {int(shown.min())} (from {int(every.min())}) no value was revised, added or "
        "dropped.",
    )


def by_year_figure(s: diff.Summary) -> go.Figure:
    """Stacked bars: values revised, added and dropped in each year with any."""
    counts = changed_years(s)
    fig = go.Figure(
        [
            go.Bar(
                x=counts["year"].tolist(),
                y=counts[status].tolist(),
                name=status.capitalize(),
                marker_color=colour,
                hovertemplate=f"%{{x}}: %{{y}} {status}<extra></extra>",
            )
            for status, colour in STATUS_COLOURS.items()
        ]
    )
    fig.update_layout(
        barmode="stack",
        hovermode="closest",
        height=380,
        margin={"l": 50, "r": 10, "t": 100, "b": 40},
        yaxis={"title": {"text": "Values"}, "rangemode": "tozero"},
        xaxis={"title": {"text": "Year"}},
    )
    return fig


def empty_figure(message: str) -> go.Figure:
    """A blank figure that says why it is blank."""
    fig = go.Figure()
    fig.update_layout(
        xaxis={"visible": False},
        yaxis={"visible": False},
        height=200,
        annotations=[
            {
                "text": message,
                "showarrow": False,
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
            }
        ],
    )
    return fig


def title_parts(title: str) -> tuple[str, str]:
    """An edition's title as its source's title and its month ('WDI Internet use, Feb 2026' ->
    'WDI Internet use', 'Feb 2026'; see ``sources.edition_title``); no source when the title
    has no month part."""
    source, _, month = title.rpartition(", ")
    return source, month


def short_names(old: str, new: str) -> tuple[str, str]:
    """Two editions' labels for a legend: without the source they share ('WDI Internet use,
    Feb 2026' -> 'Feb 2026'; the subtitle names it), so a phone's legend fits beside the
    toolbar."""
    (source_old, edition_old), (source_new, edition_new) = title_parts(old), title_parts(new)
    if source_old and source_old == source_new and edition_old != edition_new:
        return edition_old, edition_new
    return old, new


def dumbbell_figure(m: diff.Measure, s: diff.Summary, with_year: bool) -> go.Figure:
    """The largest revisions of one measure: old value (grey) to new value (blue)."""
    rows = m.largest
    labels = [
        f"{r.name} {r.year}" if with_year else str(r.name) for r in rows.itertuples(index=False)
    ]
    labels = [
        f"{lab} ({diff.series_label(str(sr))})"
        if diff.series_label(str(sr)) not in ("", "total")
        else lab
        for lab, sr in zip(labels, rows["series"], strict=True)
    ]
    xs, ys = figures.connectors(rows["old"], rows["new"], labels)
    plot_px = max(130, 28 * len(rows))
    old_name, new_name = short_names(s.old_label, s.new_label)
    fig = go.Figure(
        [
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                line={"color": "#bbbbbb", "width": 3},
                hoverinfo="skip",
                showlegend=False,
            ),
            go.Scatter(
                x=rows["old"].tolist(),
                y=labels,
                mode="markers",
                name=old_name,
                marker={"color": OLD_COLOUR, "size": 10},
                hovertemplate="%{y}: %{x:.2f}<extra>" + s.old_label + "</extra>",
            ),
            go.Scatter(
                x=rows["new"].tolist(),
                y=labels,
                mode="markers",
                name=new_name,
                marker={"color": NEW_COLOUR, "size": 10, "symbol": "diamond"},
                hovertemplate="%{y}: %{x:.2f}<extra>" + s.new_label + "</extra>",
            ),
        ]
    )
    fig.update_layout(
        hovermode="closest",
        # The legend (the two editions) sits below the axis title, where a narrow screen has
        # room; its position is a fraction of the plot's height, so place it in pixels.
        legend={"orientation": "h", "yanchor": "top", "y": -58 / plot_px, "x": 0},
        height=plot_px + 170,
        margin={"l": 10, "r": 10, "t": 80, "b": 90},
        yaxis={"autorange": "reversed", "automargin": True, "showgrid": False},
        xaxis={"title": {"text": m.unit or m.title}, "showgrid": True, "gridcolor": "#e6e6e6"},
    )
    return fig


def table_view(
    compared: pd.DataFrame, names: Mapping[str, str], view: View, limit: int = TABLE_ROWS
) -> tuple[pd.DataFrame, int]:
    """The compared values matching the view's search, status and smallest change, biggest
    changes first.

    Returns the first ``limit`` rows, formatted for reading, and how many rows matched.
    """
    rows = compared
    if view.status != ALL:
        rows = rows[rows["status"] == view.status]
    if view.at_least is not None:
        rows = rows[rows["change"].abs() >= view.at_least]
    named = rows["entity_id"].map(lambda e: names.get(e, e))
    if view.search.strip():
        needle = view.search.strip().lower()
        hit = rows["entity_id"].str.lower().str.contains(
            needle, regex=False
        ) | named.str.lower().str.contains(needle, regex=False)
        rows, named = rows[hit], named[hit]
    order = pd.DataFrame(
        {
            "rank": rows["status"].map({s: i for i, s in enumerate(diff.STATUSES)}),
            "size": -rows["change"].abs().fillna(0),
        }
    ).sort_values(["rank", "size"], kind="stable")
    shown = rows.loc[order.index[:limit]]
    table = pd.DataFrame(
        {
            "Entity": [f"{names.get(e, e)} ({e})" for e in shown["entity_id"]],
            "Year": shown["year"].astype(str),
            "Series": [
                series_text(t, x) for t, x in zip(shown["table"], shown["series"], strict=True)
            ],
            "Old": shown["old"].map(diff.number),
            "New": shown["new"].map(diff.number),
            "Change": shown["change"].map(lambda v: diff.number(v, signed=True)),
            "Change %": shown["change_pct"].map(lambda v: diff.number(v, signed=True)),
            "Status": shown["status"],
        }
    )
    return table, len(rows)


def download_name(view: View) -> str:
    """'diff-wdi-2026-02-2026-07.csv'."""
    return f"diff-{view.source}-{view.old}-{view.new}.csv"


def source_options(tables: Tables) -> list[dict[str, str]]:
    """Dropdown options for the sources with two editions or more, named as their editions
    are ('ITU key ICT indicators: 2 editions, newest Nov 2024')."""
    out = []
    for source, editions in comparable(tables).items():
        name, month = title_parts(diff.edition_title(tables, f"{source}@{editions[0]}"))
        label = f"{name or source}: {len(editions)} editions, newest {month}"
        out.append({"label": label, "value": source})
    return out


def series_text(table: str, series: str) -> str:
    """'internet_use', 'value_pct;sex=female' -> 'Individuals using the Internet (female)'."""
    column = series.split(";", 1)[0]
    title = schemas.field_info(table, column)["title"]
    dims = diff.series_label(series)
    return f"{title} ({dims})" if dims and dims != "total" else title


def edition_options(tables: Tables, source: str) -> list[dict[str, str]]:
    """Dropdown options for a source's editions, by title."""
    return [
        {"label": diff.edition_title(tables, f"{source}@{v}"), "value": v}
        for v in comparable(tables).get(source, [])
    ]


def as_query(view: View) -> dict[str, str]:
    """The view as ``changes.*`` query parameters (for links to the page)."""
    values = {k: getattr(view, k) for k in ("source", "old", "new", "measure", "year", "kind")}
    return {f"{PREFIX}.{k}": str(v) for k, v in values.items()}


NOISE_NOTE = (
    "A change within the float noise of the publisher's format is no revision (declared per "
    "source)."
)


def by_year_chart(s: diff.Summary, source: str) -> Chart:
    """The revisions per year as a chart with its caption, like every chart of the dashboard
    (title and subtitle above it, source and notes under it, downloads)."""
    caption = Caption(
        title="Values revised, added and dropped per year",
        subtitle=f"Number of values, {s.old_label} to {s.new_label}",
        source=source,
        notes=(*unchanged_note(s), NOISE_NOTE),
    )
    fig = figures.with_caption(by_year_figure(s), caption)
    chart = Chart(fig, changed_years(s).reset_index(drop=True), caption, kind="Stacked bar chart")
    chart.meta.update(chart="changes_by_year", edition=f"{s.old_label} to {s.new_label}")
    return chart


def largest_chart(m: diff.Measure, s: diff.Summary, with_year: bool, source: str) -> Chart:
    """The largest revisions of one measure as a chart with its caption."""
    unit = f" ({m.unit})" if m.unit else ""
    caption = Caption(
        title=f"Largest revisions: {m.title}{unit}",
        subtitle=f"{s.old_label} (grey) to {s.new_label} (blue), largest changes first",
        source=source,
        notes=(NOISE_NOTE,),
    )
    fig = figures.with_caption(dumbbell_figure(m, s, with_year), caption)
    chart = Chart(fig, m.largest.reset_index(drop=True), caption, kind="Dot plot")
    chart.meta.update(chart="changes_largest", edition=f"{s.old_label} to {s.new_label}")
    return chart

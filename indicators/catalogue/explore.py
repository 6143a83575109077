"""Explorer controls, declared once per chart: what users of interactive chart sites expect.

- ``years``: From and To years on a line chart (its query keeps only those years, so title,
  subtitle, notes and download all describe the span drawn);
- ``scale``: a linear or logarithmic value axis, where a chart spans orders of magnitude;
- ``compare``: another edition of the same view drawn faintly behind the chosen one;
- ``play``: the year parameter of a map that a Play button steps through;
- ``pickers``: entity parameters whose lists can be sorted by value and filtered by group.

:func:`params` turns a declaration into chart parameters (so controls, links, the address bar,
report specs and file names know them like any other); :func:`finish` applies the scale and the
comparison to a chart its topic built.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from indicators import figures
from indicators.catalogue import queries
from indicators.catalogue.charts import ChartSpec, Param
from indicators.catalogue.errors import NoData, ParamError
from indicators.contract.store import Tables
from indicators.etl import sources
from indicators.etl.codes import GROUPS, WORLD
from indicators.etl.entities import member_mask
from indicators.figures import Chart

NO_COMPARISON = "none"
SORTS = {"name": "Name", "high": "Highest value first", "low": "Lowest value first"}
LISTS = {"all": "All entities", "groups": "Groups only", "economies": "Economies only"}
FAINT_OPACITY = 0.45


@dataclass(frozen=True)
class Explore:
    """The explorer controls a chart offers, and the table that bounds them.

    ``value`` and ``match`` say which rows of ``table`` give each entity's latest value for
    sorting a picker (``match``: column -> value, e.g. total rather than by sex).
    """

    table: str
    years: bool = False
    scale: bool = False
    compare: bool = False
    play: str = ""
    pickers: tuple[str, ...] = ()
    value: str = ""
    match: tuple[tuple[str, Any], ...] = ()


# ---- parameters


def _edition_years(table: str) -> Any:
    def years(tables: Tables, p: dict[str, Any]) -> list[int]:
        return sorted(queries.edition_values(tables, table, str(p.get("edition") or ""), "year"))

    return years


def _other_editions(spec: ChartSpec) -> Any:
    """The editions that draw something for the chosen view (the others would put nothing
    behind it), besides 'none'."""
    edition = next((p for p in spec.params if p.name == "edition"), None)

    def others(tables: Tables, p: dict[str, Any]) -> list[str]:
        if edition is None:
            return [NO_COMPARISON]
        options = edition.options(tables, p if edition.within is not None else None)
        chosen = p.get("edition")
        return [NO_COMPARISON, *(e for e in options if e != chosen and _draws(spec, tables, p, e))]

    return others


def _draws(spec: ChartSpec, tables: Tables, p: dict[str, Any], other: str) -> bool:
    """Whether the view, drawn from another edition, has anything to draw (once per loaded
    table, view and edition)."""
    ex: Explore | None = spec.explore
    frame = tables.get(ex.table) if ex is not None else None
    if frame is None:
        return False
    view = {k: v for k, v in p.items() if k not in ("compare", "sort", "list")}
    key = ("draws", spec.id, other, tuple(sorted((k, repr(v)) for k, v in view.items())))

    def compute() -> bool:
        try:
            return not spec.query(tables, {**view, "edition": other}).empty
        except (NoData, ParamError, KeyError):
            return False

    return bool(queries.memo(tables, frame, key, compute))


def _lists(tables: Tables) -> list[str]:
    ent = tables.get("entities")
    declared = [g for g in GROUPS if g != WORLD]
    if ent is None:
        return list(LISTS)
    economies = ent[ent["kind"] == "economy"]
    return list(
        queries.memo(
            tables,
            ent,
            ("explore-lists",),
            lambda: [*LISTS, *(g for g in declared if member_mask(economies, g).any())],
        )
    )


def params(spec: ChartSpec) -> tuple[tuple[Param, ...], tuple[tuple[str, str], ...]]:
    """The parameters an explorer declaration adds to a chart, and the span they bound."""
    ex: Explore | None = spec.explore
    if ex is None:
        return (), ()
    added: list[Param] = []
    ranges: list[tuple[str, str]] = []
    if ex.years:
        years = _edition_years(ex.table)
        added += [
            Param("from", "From", "", kind="int", within=years, help="First year drawn."),
            Param(
                "to", "To", "", kind="int", within=years, fallback="last", help="Last year drawn."
            ),
        ]
        ranges.append(("from", "to"))
    if ex.scale:
        added.append(
            Param(
                "scale",
                "Scale",
                "linear",
                ["linear", "log"],
                labels={"linear": "Linear", "log": "Logarithmic"},
                help="A logarithmic axis shows equal growth rates as equal slopes.",
            )
        )
    if ex.compare:
        added.append(
            Param(
                "compare",
                "Compare with edition",
                NO_COMPARISON,
                within=_other_editions(spec),
                labels={NO_COMPARISON: "No comparison"},
                help="Draw the same view from another edition faintly behind this one.",
            )
        )
    if ex.pickers:
        added += [
            Param("sort", "Sort lists by", "name", list(SORTS), labels=SORTS, view_only=True),
            Param(
                "list",
                "List only",
                "all",
                _lists,
                labels={**LISTS, **{g: f"Economies in: {n}" for g, (n, _) in GROUPS.items()}},
                view_only=True,
            ),
        ]
    return tuple(added), tuple(ranges)


def names(spec: ChartSpec) -> list[str]:
    """The parameters the chart's explorer controls added."""
    return [p.name for p in params(spec)[0]]


def summary(spec: ChartSpec) -> str:
    """One line naming what the explorer controls offer."""
    ex: Explore | None = spec.explore
    if ex is None:
        return ""
    parts = [
        text
        for offered, text in (
            (ex.years, "years shown"),
            (ex.scale, "log scale"),
            (ex.compare, "compare with another edition"),
            (bool(ex.pickers), "sort and filter the lists"),
        )
        if offered
    ]
    return "More: " + ", ".join(parts) if parts else ""


# ---- the pickers' lists


def latest_values(tables: Tables, ex: Explore, edition: str) -> dict[str, tuple[float, int]]:
    """Each entity's latest value (and its year) in one edition, for sorting a picker."""
    frame = tables.get(ex.table)
    if frame is None or frame.empty or not ex.value or not edition:
        return {}

    def compute() -> dict[str, tuple[float, int]]:
        try:
            rows = queries.rows_of(tables, ex.table, edition)
        except NoData:
            return {}
        for column, value in ex.match:
            rows = rows[rows[column] == value]
        rows = rows.dropna(subset=[ex.value]).sort_values("year").groupby("entity_id").tail(1)
        return {
            str(e): (float(v), int(y))
            for e, v, y in zip(rows["entity_id"], rows[ex.value], rows["year"], strict=True)
        }

    return dict(
        queries.memo(
            tables, frame, ("latest-values", ex.table, edition, ex.value, ex.match), compute
        )
    )


def picker(
    spec: ChartSpec, tables: Tables, name: str, values: dict[str, Any], options: list[Any]
) -> list[tuple[Any, str]]:
    """A picker's choices (value, text to add to its label), filtered to the chosen list and in
    the chosen order. The chosen values stay, whatever the filter, so a selection never drops."""
    ex: Explore | None = spec.explore
    if ex is None or name not in ex.pickers:
        return [(v, "") for v in options]
    chosen = values.get(name)
    chosen_set = set(chosen) if isinstance(chosen, list) else {chosen}
    listed = str(values.get("list") or "all")
    ent = tables.get("entities")
    if listed != "all" and ent is not None:
        if listed in ("groups", "economies"):
            kind = "group" if listed == "groups" else "economy"
            keep = set(ent.loc[ent["kind"] == kind, "entity_id"])
        else:
            economies = ent[ent["kind"] == "economy"]
            keep = set(economies.loc[member_mask(economies, listed), "entity_id"])
        options = [v for v in options if v in keep or v in chosen_set]
    latest = latest_values(tables, ex, str(values.get("edition") or ""))
    order = str(values.get("sort") or "name")
    if order in ("high", "low"):
        sign = -1 if order == "high" else 1
        options = sorted(
            options,
            key=lambda v: (v not in latest, sign * latest[v][0] if v in latest else 0.0),
        )
        return [(v, _value_text(latest.get(v), spec.unit)) for v in options]
    return [(v, "") for v in options]


def _value_text(found: tuple[float, int] | None, unit: str) -> str:
    if found is None:
        return " · no value"
    value, year = found
    suffix = "%" if unit.startswith("%") else ""
    return f" · {value:,.1f}{suffix} in {year}"


# ---- finishing a built chart


def finish(spec: ChartSpec, tables: Tables, p: dict[str, Any], chart: Chart) -> Chart:
    """The chart with the comparison edition behind it and the chosen scale."""
    ex: Explore | None = spec.explore
    if ex is None:
        return chart
    fig, data, caption = chart.figure, chart.data, chart.caption
    notes: list[str] = []
    other = p.get("compare")
    if ex.compare and other not in (None, "", NO_COMPARISON) and other != p.get("edition"):
        data, note = _compare(spec, tables, p, chart, str(other))
        notes.append(note)
    subtitle = caption.subtitle
    if ex.scale and p.get("scale") == "log":
        subtitle += "; logarithmic scale"
        notes += _log_axis(fig, chart.data, spec.value_column(p))
    if not notes and subtitle == caption.subtitle:
        return chart
    caption = replace(caption, subtitle=subtitle, notes=(*caption.notes, *notes))
    return replace(chart, figure=figures.with_caption(fig, caption), data=data, caption=caption)


def _compare(
    spec: ChartSpec, tables: Tables, p: dict[str, Any], chart: Chart, other: str
) -> tuple[pd.DataFrame, str]:
    """Draw the other edition's traces faintly behind the chart's; say so in a note."""
    label = queries.edition_label(other)
    try:
        behind = spec.build(tables, {**p, "edition": other, "compare": NO_COMPARISON})
    except (NoData, ParamError):
        return chart.data, f"{label} has no data for this view, so nothing is drawn behind it."
    faint = []
    for trace in behind.figure.data:
        if trace.type != "scatter":
            continue
        copy = go.Scatter(trace)
        copy.update(
            name=f"{trace.name} ({label})",
            opacity=FAINT_OPACITY,
            line={"dash": "dot"},
            showlegend=False,
            hovertemplate=None,
        )
        if copy.stackgroup:
            copy.update(stackgroup="compare", fill="none")
        faint.append(copy)
    if not faint:
        return chart.data, f"{label} has no data for this view, so nothing is drawn behind it."
    key = go.Scatter(
        x=[None],
        y=[None],
        mode="lines",
        name=f"Dotted: {_short(p.get('edition'), other)}",
        line={"dash": "dot", "color": "#777777"},
        opacity=FAINT_OPACITY,
    )
    fig = chart.figure
    own = len(fig.data)
    fig.add_traces([*faint, key])
    # Behind: the faint traces first in drawing order, the legend's key for them last.
    fig.data = (*fig.data[own:-1], *fig.data[:own], fig.data[-1])
    data = pd.concat(
        [chart.data.assign(edition=p.get("edition")), behind.data.assign(edition=other)],
        ignore_index=True,
    )
    return data, f"Faint dotted lines: the same view in {label}, for comparison."


def _short(edition: Any, other: str) -> str:
    """The other edition as briefly as the legend needs: its date, when both editions are of
    the same source (a phone's legend has no room for the full title)."""
    source, vintage = queries.split_edition(other)
    if queries.split_edition(str(edition or ""))[0] == source:
        return f"{sources.Edition(vintage, vintage).label()} edition"
    return queries.edition_label(other)


def _log_axis(fig: go.Figure, data: pd.DataFrame, column: str) -> list[str]:
    """Put the value axis on a log scale; say how many values it cannot draw."""
    ticks = _log_ticks(fig)
    fig.update_yaxes(
        type="log", range=None, autorange=True, tickmode="array" if ticks else None, tickvals=ticks
    )
    # Annotations placed in data units (reference-line labels) move to the axis's log units.
    for note in fig.layout.annotations:
        if note.yref == "y" and isinstance(note.y, int | float) and note.y > 0:
            note.y = math.log10(note.y)
    if column in data and pd.api.types.is_numeric_dtype(data[column]):
        hidden = int((data[column] <= 0).sum())
        if hidden:
            return [f"{hidden} values of zero or less cannot be drawn on a logarithmic scale."]
    return []


def _log_ticks(fig: go.Figure) -> list[float]:
    """1-2-5 ticks over the decades of the values drawn (plotly's own log ticks label 20 as
    '2', which misreads in print)."""
    drawn = pd.concat(
        [pd.Series(trace.y, dtype="float64") for trace in fig.data if trace.y is not None]
        or [pd.Series(dtype="float64")]
    )
    values = drawn[(drawn > 0) & drawn.notna()].tolist()
    if not values:
        return []
    low, high = math.floor(math.log10(min(values))), math.ceil(math.log10(max(values)))
    # Ticks the axis range does not reach are not drawn (reference lines widen the range).
    return [m * 10.0**e for e in range(low, high + 1) for m in (1, 2, 5)]

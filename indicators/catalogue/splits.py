"""A divide within a population (urban and rural dwellers; people aged 15-24 and the rest),
charted by group: the query, pure figures and findings the urban-rural and age topics declare.

Each topic names its split (``indicators.metrics.divides``: the table, the two parts, their
words); the charts here draw both parts' rates over time, one colour per group, and the gap
between them in points or as a ratio, the way ITU's Facts and Figures states it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from indicators import figures
from indicators.catalogue import cards, queries
from indicators.catalogue.errors import NoData
from indicators.catalogue.wording import (
    apart,
    aside,
    extremes,
    half_up,
    latest,
    name,
    pct,
    short,
    with_lead,
    year_span,
)
from indicators.contract.store import Tables
from indicators.etl.codes import LDC, WORLD
from indicators.figures import Caption, Chart, theme
from indicators.metrics.divides import SPLIT_MEASURES, Split, split_gap

# The groupings ITU splits these divides by (its editions split no development status).
GROUPINGS = ("income", "itu_region", "special")


def edition_choices(split: Split) -> queries.EditionChoices:
    """The ITU aggregate editions holding the split, and the groupings it is drawn by."""
    return queries.EditionChoices(split.table, ("itu_aggregates",), GROUPINGS)


def group_gaps(tables: Tables, p: dict[str, Any], split: Split) -> pd.DataFrame:
    """The world and the groups of the chosen grouping: both parts' rates, the gap in points
    and the ratio, by year (in the entities' declared order)."""
    rows = queries.in_years(queries.rows_of(tables, split.table, p["edition"]), p)
    own = queries.group_ids(tables, p["grouping"])
    wanted = [WORLD, *own]
    rows = rows[rows["entity_id"].isin(wanted)]
    wide = split_gap(rows, split)
    if not wide["entity_id"].isin(own).any():
        raise NoData(
            f"{queries.edition_label(p['edition'])} has no {split.gap_name} by "
            f"{queries.grouping_phrase(p['grouping'])}; choose another grouping or edition."
        )
    estimates = rows.groupby(["entity_id", "year"])["estimate"].any().rename("estimate")
    wide = wide.merge(estimates.reset_index(), on=["entity_id", "year"], how="left")
    order = {e: i for i, e in enumerate(wanted)}
    wide = wide.sort_values(
        ["entity_id", "year"], key=lambda s: s.map(order) if s.name == "entity_id" else s
    )
    wide.insert(1, "name", wide["entity_id"].map(queries.names(tables)))
    columns = ["entity_id", "name", "year", f"{split.ahead}_pct", f"{split.behind}_pct"]
    data = wide[[*columns, "gap_pp", "ratio", "estimate"]]
    return queries.framed(data, tables, p["edition"], notes=queries.estimate_note(rows))


def rates_frame(wide: pd.DataFrame, split: Split) -> pd.DataFrame:
    """Both parts' rates, one row per group, year and part (the rows the rates chart draws)."""
    a, b = f"{split.ahead}_pct", f"{split.behind}_pct"
    data = wide.melt(
        id_vars=["entity_id", "name", "year", "estimate"],
        value_vars=[a, b],
        var_name=split.column,
        value_name="value_pct",
    )
    data[split.column] = data[split.column].str.removesuffix("_pct")
    # Groups in their order, the part ahead first within each.
    order = {e: i for i, e in enumerate(wide["entity_id"].unique())}
    parts = {split.ahead: 0, split.behind: 1}
    data = data.sort_values(
        ["entity_id", split.column, "year"],
        key=lambda s: s.map(order if s.name == "entity_id" else parts) if s.name != "year" else s,
    )
    data = data[["entity_id", "name", "year", split.column, "value_pct", "estimate"]]
    out = data.reset_index(drop=True)
    out.attrs = dict(wide.attrs)
    return out


def _style(
    fig: go.Figure, keys: list[tuple[str, str]], names: dict[str, str], split: Split
) -> None:
    """One colour per group; the part ahead solid (and in the legend), the other dashed."""
    colours = theme.entity_colours(entity for entity, _ in keys)
    labels = {split.ahead: split.ahead_label, split.behind: split.behind_label}
    for trace, (entity, part) in zip(fig.data, keys, strict=True):
        behind = part == split.behind
        trace.update(
            name=names.get(entity, entity),
            legendgroup=entity,
            showlegend=not behind,
            line={"color": colours[entity], "dash": "dash" if behind else "solid"},
            marker={"color": colours[entity], "symbol": "circle-open" if behind else "circle"},
            hovertemplate=f"{labels[part]} %{{y:.1f}}",
        )
    # The groups' legend entries show only their solid part: the page keys the two styles at
    # the legend's end (the export's subtitle names them).
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    styles = [[labels[split.ahead], "solid"], [labels[split.behind], "dash"]]
    fig.layout.meta = {**meta, figures.STYLE_KEYS: styles}


# Up to this many years, the year axis is ticked every year (plotly would add half-years).
YEARLY_TICKS = 10


def year_ticks(fig: go.Figure, years: pd.Series) -> None:
    """Tick every year on a short span, where plotly's own ticks fall on half-years."""
    if years.nunique() <= YEARLY_TICKS:
        fig.update_xaxes(tickmode="linear", tick0=int(years.min()), dtick=1, tickformat="d")


def rates_chart(data: pd.DataFrame, p: dict[str, Any], split: Split, title: str) -> Chart:
    """Both parts' Internet use over time, one colour per group: the part ahead solid, the
    other dashed."""
    series = data["entity_id"] + "|" + data[split.column]
    fig = figures.lines(
        data.assign(series=series), "year", "value_pct", "series", y_title="% of population"
    )
    keys = [(k.split("|")[0], k.split("|")[1]) for k in series.unique()]
    _style(fig, keys, queries.names_in(data), split)
    fig.update_yaxes(range=[0, 100])
    year_ticks(fig, data["year"])
    grouping = queries.grouping_phrase(p["grouping"])
    caption = Caption(
        title=f"{title} by {grouping}",
        subtitle=(
            f"% of population, {split.ahead_label.lower()} solid, "
            f"{split.behind_label.lower()} dashed, {year_span(data)}"
        ),
        source=queries.source_of(data),
        notes=(
            f"Solid: {split.ahead_people}; dashed: {split.behind_people}. Each rate is a "
            "percentage of that part of the population.",
            *queries.notes_of(data),
        ),
    )
    return Chart(figures.with_caption(fig, caption), data, caption)


def rates_finding(data: pd.DataFrame, p: dict[str, Any], split: Split) -> str:
    """Both parts worldwide (or in the first group) in the latest year, and the widest gap."""
    year, rows = latest(data)
    wide = rows.pivot_table(index=["entity_id", "name"], columns=split.column, values="value_pct")
    wide = wide.reset_index().assign(gap=lambda f: f[split.ahead] - f[split.behind])
    world, groups, lead = with_lead(wide)
    place = "worldwide" if world is not None else f"in {name(lead)}"
    widest, _ = extremes(groups, "gap")
    return (
        f"In {year}, {pct(lead[split.ahead])} of {split.ahead_people} and "
        f"{pct(lead[split.behind])} of {split.behind_people} used the Internet {place}; the gap "
        f"was widest in {aside(name(widest), f'{widest.gap:.1f} points')}."
    )


def _place(world: pd.Series | None, lead: pd.Series) -> str:
    return " worldwide" if world is not None else f" in {short(lead)}"


def rates_headline(data: pd.DataFrame, p: dict[str, Any], split: Split) -> str:
    """'Internet use worldwide: 83% of urban dwellers vs 48% of rural dwellers (2024)'."""
    year, rows = latest(data)
    wide = rows.pivot_table(index=["entity_id", "name"], columns=split.column, values="value_pct")
    world, _, lead = with_lead(wide.reset_index())
    return (
        f"Internet use{_place(world, lead)}: {pct(lead[split.ahead])} of {split.ahead_short} vs "
        f"{pct(lead[split.behind])} of {split.behind_short} ({year})"
    )


def gap_chart(data: pd.DataFrame, p: dict[str, Any], split: Split, title: str) -> Chart:
    """The gap over time, one line per group, in points (ahead - behind) or as a ratio."""
    measure = SPLIT_MEASURES[p["measure"]]
    fig = figures.group_lines(
        data,
        measure.column,
        queries.names_in(data),
        y_title=measure.unit,
        hover_format=measure.hover,
    )
    no_gap = 1.0 if p["measure"] == "ratio" else 0.0
    figures.reference_lines(fig, [("no gap", no_gap)], dash="dot")
    values = data[measure.column].dropna()
    if len(values) and no_gap <= float(values.min()):
        # The no-gap line below every value: room under it, so it is not drawn on the axis.
        top = float(values.max())
        pad = 0.06 * ((top - no_gap) or 1.0)
        fig.update_yaxes(range=[no_gap - pad, top + pad])
    year_ticks(fig, data["year"])
    ahead, behind = split.ahead_label.lower(), split.behind_label.lower()
    how = (
        f"Ratio = {ahead} rate / {behind} rate, as ITU states it; 1 means no gap."
        if p["measure"] == "ratio"
        else f"Gap = {ahead} rate - {behind} rate, in percentage points; 0 means no gap."
    )
    caption = Caption(
        title=f"{title} by {queries.grouping_phrase(p['grouping'])}",
        subtitle=f"{measure.unit} ({ahead} / {behind} Internet use), {year_span(data)}"
        if p["measure"] == "ratio"
        else f"{measure.unit} ({ahead} - {behind} Internet use), {year_span(data)}",
        source=queries.source_of(data),
        notes=(how, *queries.notes_of(data)),
    )
    return Chart(figures.with_caption(fig, caption), data, caption)


def _lead_values(data: pd.DataFrame, lead: pd.Series, column: str) -> tuple[Any, Any, pd.Series]:
    """The lead's latest and first values, printed with as many decimals as tell them apart
    (the finding and the headline print the same figure), and its first row."""
    first = data[(data["entity_id"] == lead["entity_id"])].sort_values("year").iloc[0]
    places = apart(float(lead[column]), float(first[column]))
    return half_up(lead[column], places), half_up(first[column], places), first


def gap_finding(data: pd.DataFrame, p: dict[str, Any], split: Split) -> str:
    """The gap worldwide in the first and latest year, and the widest group."""
    measure = SPLIT_MEASURES[p.get("measure", "ratio")]
    year, rows = latest(data)
    world, groups, lead = with_lead(rows)
    place = "worldwide" if world is not None else f"in {name(lead)}"
    widest, _ = extremes(groups, measure.column)
    column = "ratio" if p.get("measure", "ratio") == "ratio" else "gap_pp"
    now, was, first = _lead_values(data, lead, column)
    if column == "ratio":
        text = (
            f"In {year}, {split.ahead_people} were {now} times as likely to use "
            f"the Internet as {split.behind_people} {place}"
        )
        widest_text = f"{widest['ratio']:.1f} times"
    else:
        text = (
            f"In {year}, the {split.gap_name} in Internet use was {now} percentage points {place}"
        )
        widest_text = f"{widest['gap_pp']:.1f} points"
    if int(first["year"]) != year:
        text += f" ({was} in {int(first['year'])})"
    return f"{text}; it was widest in {aside(name(widest), widest_text)}."


def gap_headline(data: pd.DataFrame, p: dict[str, Any], split: Split) -> str:
    """'Urban dwellers 1.7 times as likely to be online as rural dwellers worldwide (2024)'."""
    year, rows = latest(data)
    world, _, lead = with_lead(rows)
    place = _place(world, lead)
    if p.get("measure", "ratio") == "ratio":
        who = split.ahead_short[0].upper() + split.ahead_short[1:]
        now = _lead_values(data, lead, "ratio")[0]
        return f"{who} {now} times as likely to be online as {split.behind_short}{place} ({year})"
    gap = split.gap_name[0].upper() + split.gap_name[1:]
    now = _lead_values(data, lead, "gap_pp")[0]
    return f"{gap} in Internet use{place}: {now} points ({year})"


@dataclass(frozen=True)
class GapCard:
    """How a split's overview card states the gap: the measure, its words and its link."""

    split: Split
    card: cards.Card
    measure: str  # a key of SPLIT_MEASURES: the column the card states and trends
    text: Callable[[pd.Series], str]  # the latest year's row -> the headline figure
    detail: Callable[[pd.Series], str]  # the latest year's row -> the sentence under it
    trend_label: str
    link: Callable[[str, str, str], str]  # (entity, measure, edition) -> the chart's link
    missing: str  # what the tables lack when neither the world nor the LDCs have the split
    notes: tuple[str, ...]


def gap_metric(frame: pd.DataFrame, vintage: str, entity: str, how: GapCard) -> cards.Metric | None:
    """The gap of one group in its latest year of an ITU edition, with both rates."""
    rows = frame[(frame["source"] == cards.ITU_SOURCE) & (frame["vintage"] == vintage)]
    wide = split_gap(rows[rows["entity_id"] == entity], how.split).set_index("year").sort_index()
    if wide.empty:
        return None
    last = wide.iloc[-1]
    column = SPLIT_MEASURES[how.measure].column
    return cards.Metric(
        label=cards.short_name(entity),
        text=how.text(last),
        value=queries.number(last[column]),
        detail=how.detail(last),
        year=int(wide.index.max()),
        edition=cards.edition_name(cards.ITU_SOURCE, vintage),
        trend=cards.trend(wide[column]),
        trend_label=how.trend_label,
        href=how.link(entity, how.measure, f"{cards.ITU_SOURCE}@{vintage}"),
    )


def gap_card(tables: Tables, how: GapCard) -> cards.Card:
    """The gap of the world and the LDCs (newest ITU edition)."""
    frame = tables.get(how.split.table)
    if frame is None or frame.empty:
        return cards.empty_card(how.card, how.split.table)
    vintages = cards.vintages(frame, cards.ITU_SOURCE)
    found = [gap_metric(frame, vintages[0], e, how) for e in (WORLD, LDC)] if vintages else []
    metrics = tuple(m for m in found if m is not None)
    if not metrics:
        return cards.no_rows_card(how.card, how.missing)
    return cards.filled_card(how.card, metrics, how.notes)

"""Covered but not connected: who lives within reach of a mobile network and who uses the
Internet, the best network within reach (5G to none), the coverage and usage gaps over time, and
mobile-phone ownership and mobile-broadband subscriptions by group."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from indicators import figures
from indicators.catalogue import cards, queries, splits
from indicators.catalogue.charts import ChartSpec, Finding, Param, edition_param, grouping_param
from indicators.catalogue.errors import NoData
from indicators.catalogue.explore import Explore
from indicators.catalogue.topic import ClaimMetric, Topic
from indicators.catalogue.wording import (
    aside,
    extremes,
    latest,
    latest_range,
    name,
    pair,
    pct,
    short,
    spans_note,
    with_lead,
    year_span,
)
from indicators.contract.schemas import field_info
from indicators.contract.store import Tables
from indicators.etl.codes import GROUPING_STAND_INS, LDC, WORLD
from indicators.figures import Caption, Chart
from indicators.metrics import divides
from indicators.metrics.claims import Computed, NotComputable, value_of, with_rounding

TABLE = "mobile_broadband"
UNIT = field_info(TABLE, "per_100")["unit"]
EDITIONS = queries.EditionChoices(
    TABLE, ("itu_aggregates",), ("development", "itu_region", "income", "special")
)
# Groups drawn beside a grouping's own: the LDCs with developed and developing countries.
SHOWN_WITH = {"development": [LDC]}
# Several subscriptions per person are common (a phone and a dongle): 100 is one per person, not
# a ceiling, and is marked as such.
ONE_EACH = ("one subscription per inhabitant", 100.0)


def group_rows(tables: Tables, p: dict[str, Any]) -> pd.DataFrame:
    """Subscriptions per 100 inhabitants of the world and the groups of one grouping."""
    frame = queries.in_years(queries.rows_of(tables, TABLE, p["edition"]), p)
    own = queries.group_ids(tables, p["grouping"])
    wanted = [WORLD, *own, *(e for e in SHOWN_WITH.get(p["grouping"], []) if e not in own)]
    rows = frame[frame["entity_id"].isin(wanted)]
    if not rows["entity_id"].isin(own).any():
        raise NoData(
            f"{queries.edition_label(p['edition'])} has no mobile-broadband subscriptions by "
            f"{queries.grouping_phrase(p['grouping'])}; choose another grouping or edition."
        )
    order = {e: i for i, e in enumerate(wanted)}
    rows = rows.assign(name=rows["entity_id"].map(queries.names(tables)))
    rows = rows.sort_values(
        ["entity_id", "year"], key=lambda s: s.map(order) if s.name == "entity_id" else s
    )
    data = rows[["entity_id", "name", "year", "per_100", "subscriptions_millions", "estimate"]]
    return queries.framed(data, tables, p["edition"])


def by_group(data: pd.DataFrame, p: dict[str, Any]) -> Chart:
    """Subscriptions per 100 inhabitants over time, one line per group, the world included."""
    fig = figures.group_lines(data, "per_100", queries.names_in(data), y_title=UNIT)
    figures.reference_lines(fig, [ONE_EACH], dash="dot")
    caption = Caption(
        title="Active mobile-broadband subscriptions by " + queries.grouping_phrase(p["grouping"]),
        subtitle=f"{UNIT}, {year_span(data)}",
        source=queries.source_of(data),
        notes=(
            *queries.estimate_note(data),
            *spans_note(data, "per_100"),
            "Dotted line: one subscription per inhabitant; many people hold more than one, so "
            "values above 100 are common and do not mean everyone is connected.",
        ),
    )
    return Chart(figures.with_caption(fig, caption), data, caption)


def by_group_finding(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """The highest and lowest group in the latest year, and the world."""
    year, top, low, world = latest_range(data, "per_100")
    text = (
        f"In {year}, {name(top)} had {top['per_100']:.0f} active mobile-broadband "
        f"subscriptions per 100 inhabitants, against {low['per_100']:.0f} in {name(low)}"
    )
    if world is not None:
        text += f" and {world['per_100']:.0f} worldwide"
    return text + "."


def by_group_headline(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """'Mobile broadband: 153 per 100 people in high-income vs 40 in low-income (2024)'."""
    year, top, low, _ = latest_range(data, "per_100")
    return (
        f"Mobile broadband: {top['per_100']:.0f} per 100 people in {short(top)} vs "
        f"{low['per_100']:.0f} in {aside(short(low), str(year))}"
    )


BY_GROUP = ChartSpec(
    "mobile_by_group",
    "Mobile-broadband subscriptions by group",
    "Active mobile-broadband subscriptions per 100 inhabitants over time, for the world and "
    "the groups of a grouping (development status, ITU region, income, LDC/LLDC/SIDS).",
    (
        grouping_param(EDITIONS, stand_ins=GROUPING_STAND_INS),
        edition_param(EDITIONS),
    ),
    query=group_rows,
    figure=by_group,
    finding=Finding("Line chart", by_group_finding, headline=by_group_headline),
    tables=(TABLE, "entities"),
    explore=Explore(TABLE, years=True, compare=True, end_labels=True),
    value="per_100",
    unit=UNIT,
    columns={
        "per_100": f"Active mobile-broadband subscriptions ({UNIT})",
        "subscriptions_millions": "Subscriptions (millions)",
    },
)


# ---- covered but not connected: coverage by technology and area, against Internet use

COVERAGE = "network_coverage"
OWNERSHIP = "mobile_phone_ownership"
SHARE_UNIT = field_info(COVERAGE, "coverage_pct")["unit"]
OWNERSHIP_UNIT = field_info(OWNERSHIP, "value_pct")["unit"]
# How each technology reads in a control, and inside a sentence (ITU counts "at least" each).
TECHNOLOGY_LABELS = {
    "3g": "3G or better (mobile broadband)",
    "lte": "LTE/WiMAX or better",
    "5g": "5G",
    "mobile_cellular": "Any mobile-cellular signal (2G or better)",
}
TECHNOLOGY_WORDS = {
    "3g": "mobile broadband (3G or better)",
    "lte": "LTE/WiMAX or better",
    "5g": "5G",
    "mobile_cellular": "a mobile-cellular signal",
}
AREA_LABELS = {"total": "Whole population", "urban": "Urban areas", "rural": "Rural areas"}
# The technology in a one-line headline.
TECHNOLOGY_SHORT = {"3g": "3G", "lte": "LTE", "5g": "5G", "mobile_cellular": "a mobile signal"}
AREA_WORDS = {"total": "", "urban": " in urban areas", "rural": " in rural areas"}
# The usage gap counts people within reach who are offline; that needs (nearly) everyone online
# to be within reach, which holds for mobile broadband and any mobile signal, mostly for LTE,
# and not for 5G (most people online are outside 5G): 5G is shown in the split by network.
USAGE_TECHNOLOGIES = ["3g", "lte", "mobile_cellular"]
COVERAGE_GROUPINGS = ("income", "development", "itu_region", "special")
COVERAGE_EDITIONS = queries.EditionChoices(COVERAGE, ("itu_aggregates",), COVERAGE_GROUPINGS)
OWNERSHIP_EDITIONS = queries.EditionChoices(OWNERSHIP, ("itu_aggregates",), COVERAGE_GROUPINGS)
# Segments of the usage bars: (column, legend, colour). Blues lie within reach (dark: online).
USAGE_SEGMENTS = (
    ("use_pct", "Online", "#0072B2", "white"),
    ("usage_gap_pp", "Within reach, offline", "#9ECAE1", "#222222"),
    ("coverage_gap_pp", "Out of reach", "#D55E00", "white"),
)
# The best network within reach, best first: darker blue for a better network.
NETWORK_SEGMENTS = {
    "5g": ("5G", "#08306B", "white"),
    "lte": ("LTE, no 5G", "#2171B5", "white"),
    "3g": ("3G only", "#6BAED6", "#222222"),
    "mobile_cellular": ("2G only", "#C6DBEF", "#222222"),
    "none": ("No signal", "#D55E00", "white"),
}
BAR_PX = 44  # per group row of a bar chart, with room for the gap between bars
LABEL_MIN = 3.0  # the narrowest segment (in points) that is labelled with its value


def _areas(tables: Tables, p: dict[str, Any]) -> list[str]:
    """The areas (whole population, urban, rural) the edition's coverage has."""
    present = queries.edition_values(tables, COVERAGE, p["edition"], "location")
    return [a for a in AREA_LABELS if a in present]


def _use(tables: Tables, edition: str) -> pd.DataFrame:
    """Internet use of the whole population and by area in the coverage's own edition."""
    use = queries.table(tables, "internet_use")

    def compute() -> pd.DataFrame:
        source, vintage = queries.split_edition(edition)
        by_area = tables.get("internet_use_by_location")
        own = (use["source"] == source) & (use["vintage"] == vintage)
        areas = (
            by_area[(by_area["source"] == source) & (by_area["vintage"] == vintage)]
            if by_area is not None and not by_area.empty
            else None
        )
        return divides.use_by_location(use[own], areas)

    return pd.DataFrame(queries.memo(tables, use, ("coverage-use", edition), compute))


def _wanted(tables: Tables, grouping: str) -> tuple[list[str], list[str]]:
    """The grouping's own groups, and every entity drawn (the world first, LDCs beside the
    development split)."""
    own = queries.group_ids(tables, grouping)
    extra = [e for e in SHOWN_WITH.get(grouping, []) if e not in own]
    return own, [WORLD, *own, *extra]


def _coverage_rows(tables: Tables, p: dict[str, Any], technologies: list[str]) -> pd.DataFrame:
    """Coverage by the technologies, in the chosen area, of the world and the grouping."""
    rows = queries.in_years(queries.rows_of(tables, COVERAGE, p["edition"]), p)
    own, wanted = _wanted(tables, p["grouping"])
    keep = (
        rows["entity_id"].isin(wanted)
        & (rows["location"] == p["location"])
        & rows["technology"].isin(technologies)
    )
    rows = rows[keep]
    if not rows["entity_id"].isin(own).any():
        raise NoData(
            f"{queries.edition_label(p['edition'])} has no network coverage"
            f"{AREA_WORDS[p['location']]} by {queries.grouping_phrase(p['grouping'])}; choose "
            "another grouping, area or edition."
        )
    return _in_order(rows.assign(name=rows["entity_id"].map(queries.names(tables))), wanted)


def _in_order(rows: pd.DataFrame, wanted: list[str]) -> pd.DataFrame:
    """Rows in the drawing order of their entities, then by year."""
    order = {e: i for i, e in enumerate(wanted)}
    return rows.sort_values(
        ["entity_id", "year"], key=lambda s: s.map(order) if s.name == "entity_id" else s
    )


def _usage_years(tables: Tables, p: dict[str, Any]) -> list[int]:
    """Years with coverage by the technology in the area and Internet use to set it against."""
    frame = tables.get(COVERAGE)
    if frame is None or frame.empty or not p.get("edition"):
        return []

    def compute() -> list[int]:
        source, vintage = queries.split_edition(p["edition"])
        rows = frame[(frame["source"] == source) & (frame["vintage"] == vintage)]
        rows = rows[(rows["technology"] == p["technology"]) & (rows["location"] == p["location"])]
        use = _use(tables, p["edition"])
        used = use[use["location"] == p["location"]]
        return sorted({int(y) for y in rows["year"]} & {int(y) for y in used["year"]})

    key = ("usage-years", p["edition"], p["technology"], p["location"])
    return list(queries.memo(tables, frame, key, compute))


def usage_rows(tables: Tables, p: dict[str, Any]) -> pd.DataFrame:
    """Each group's population in the year: online, within reach but offline (the usage gap),
    out of reach (the coverage gap). Groups with more people online than within reach cannot
    be split so and are named in a note instead of drawn."""
    rows = _coverage_rows(tables, p, [p["technology"]])
    rows = rows[rows["year"] == p["year"]]
    joined = divides.coverage_and_use(rows, _use(tables, p["edition"]))
    if joined.empty:
        raise NoData(
            f"{queries.edition_label(p['edition'])} has no Internet use"
            f"{AREA_WORDS[p['location']]} in {p['year']} to set against coverage; choose "
            "another year or area."
        )
    over = joined[joined["use_pct"] > joined["coverage_pct"]]
    drawn = joined[joined["use_pct"] <= joined["coverage_pct"]]
    notes = list(queries.estimate_note(drawn))
    if len(over):
        listed = ", ".join(
            f"{n} ({u:.1f}% online, {c:.1f}% within reach)"
            for n, u, c in zip(over["name"], over["use_pct"], over["coverage_pct"], strict=True)
        )
        notes.append(
            f"Not drawn: {listed}. More people are online there than live within reach of "
            f"{TECHNOLOGY_WORDS[p['technology']]}: some go online over other networks, so the "
            "population cannot be split this way (the usage gap is below zero)."
        )
    columns = ["entity_id", "name", "year", "technology", "location", "coverage_pct", "use_pct"]
    data = drawn[[*columns, "usage_gap_pp", "coverage_gap_pp", "estimate"]]
    return queries.framed(data, tables, p["edition"], notes=tuple(notes))


def _whole(value: float) -> str:
    """A share as a bar's label: a whole per cent, rounded half up as ITU prints it (26.5
    reads 27, where Python's own rounding gives 26)."""
    return str(Decimal(repr(float(value))).quantize(Decimal("1"), ROUND_HALF_UP))


def _stacked_bars(
    data: pd.DataFrame, segments: list[tuple[str, str, str, str]], height_rows: int
) -> go.Figure:
    """Horizontal bars of 100% of the population, one per group (the first at the top), each
    split into the segments (column, legend, colour, text colour) in order."""
    fig = go.Figure()
    for column, label, colour, ink in segments:
        values = data[column].clip(lower=0)
        fig.add_trace(
            go.Bar(
                x=values,
                y=data["name"],
                orientation="h",
                name=label,
                marker={"color": colour, "line": {"color": "white", "width": 1}},
                # A sliver's label would spill over its neighbours: the table has every value.
                text=[_whole(v) if v >= LABEL_MIN else "" for v in values],
                textposition="inside",
                insidetextanchor="middle",
                textfont={"color": ink},
                hovertemplate=f"{label}: %{{x:.1f}}%<extra>%{{y}}</extra>",
            )
        )
    fig.update_layout(
        barmode="stack",
        hovermode="closest",
        legend={"traceorder": "normal"},  # plotly lists stacked bars last first
        uniformtext={"minsize": 11, "mode": "hide"},  # smaller is unreadable on a phone
        height=max(420, BAR_PX * height_rows + 220),
    )
    # Rows read top to bottom in the query's order; the unit is in the subtitle.
    fig.update_yaxes(categoryorder="array", categoryarray=list(data["name"])[::-1], title=None)
    fig.update_xaxes(range=[0, 100], title=None, ticksuffix="%")
    return fig


def usage(data: pd.DataFrame, p: dict[str, Any]) -> Chart:
    """Stacked bars per group: online, within reach but offline, out of reach."""
    fig = _stacked_bars(data, list(USAGE_SEGMENTS), len(data))
    technology = TECHNOLOGY_WORDS[p["technology"]]
    where = AREA_WORDS[p["location"]]
    caption = Caption(
        title=f"Covered but not connected{where}, by {queries.grouping_phrase(p['grouping'])}",
        subtitle=f"{SHARE_UNIT}, within reach of {technology}, {p['year']}",
        source=queries.source_of(data),
        notes=(
            f"Within reach, offline: the usage gap (the share within reach of {technology} "
            "less the share using the Internet); out of reach: the coverage gap (100% less the "
            "share within reach). GSMA and ITU use both terms. Internet use counts any access, "
            "not only mobile. Shares are rounded, so a bar's labels may add up to 99 or 101.",
            *queries.notes_of(data),
        ),
    )
    return Chart(figures.with_caption(fig, caption), data, caption)


def usage_finding(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """The world's usage and coverage gaps, and where the usage gap is widest."""
    world, groups, lead = with_lead(data)
    where = AREA_WORDS[p.get("location", "total")]
    people = "the world's population" if world is not None else f"people in {name(lead)}"
    widest, _ = extremes(groups, "usage_gap_pp")
    return (
        f"In {int(lead['year'])}, {pct(lead['usage_gap_pp'])} of {people}{where} lived within "
        f"reach of {TECHNOLOGY_WORDS[p.get('technology', '3g')]} but did not use the Internet "
        f"and {pct(lead['coverage_gap_pp'])} lived out of its reach; the usage gap was widest "
        f"in {aside(name(widest), pct(widest['usage_gap_pp']))}."
    )


def usage_headline(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """'Covered but not connected: 34% of the world's population, 3G (2024)'."""
    world, _, lead = with_lead(data)
    who = "the world's population" if world is not None else short(lead)
    tech = TECHNOLOGY_SHORT[p.get("technology", "3g")]
    return (
        f"Covered by {tech} but offline: {pct(lead['usage_gap_pp'])} of {who}"
        f"{AREA_WORDS[p.get('location', 'total')]} ({int(lead['year'])})"
    )


# ---- the best network within reach (the 5G split)


def _network_years(tables: Tables, p: dict[str, Any]) -> list[int]:
    """Years in which the edition has coverage by every technology it has, in the area."""
    frame = tables.get(COVERAGE)
    if frame is None or frame.empty or not p.get("edition"):
        return []

    def compute() -> list[int]:
        source, vintage = queries.split_edition(p["edition"])
        rows = frame[(frame["source"] == source) & (frame["vintage"] == vintage)]
        rows = rows[rows["location"] == p["location"]]
        count = rows.groupby("year")["technology"].nunique()
        return sorted(int(y) for y in count[count == rows["technology"].nunique()].index)

    key = ("network-years", p["edition"], p["location"])
    return list(queries.memo(tables, frame, key, compute))


def network_rows(tables: Tables, p: dict[str, Any]) -> pd.DataFrame:
    """Each group's population in the year by the best network within reach: 5G, LTE/WiMAX
    without 5G, 3G only, 2G only, none; with ITU's coverage by each technology beside it."""
    rows = _coverage_rows(tables, p, list(divides.NETWORK_ORDER))
    rows = rows[rows["year"] == p["year"]]
    wide = rows.pivot_table(
        index=["entity_id", "name", "year"], columns="technology", values="coverage_pct"
    )
    present = [t for t in divides.NETWORK_ORDER if t in wide.columns]
    wide = wide.dropna(subset=present).reset_index()
    if wide.empty:
        raise NoData(
            f"{queries.edition_label(p['edition'])} has no coverage by every technology in "
            f"{p['year']}; choose another year."
        )
    wide.columns.name = None
    shares = divides.best_network(wide)
    _, wanted = _wanted(tables, p["grouping"])
    shares = _in_order(shares, wanted)
    estimates = rows.groupby("entity_id")["estimate"].any()
    shares = shares.assign(estimate=shares["entity_id"].map(estimates).fillna(False).astype(bool))
    coverage = {t: f"{t}_coverage_pct" for t in present}
    best = [f"best_{t}_pct" for t in (*present, "none")]
    data = shares.rename(columns=coverage)[
        ["entity_id", "name", "year", *coverage.values(), *best, "estimate"]
    ]
    notes = [*queries.estimate_note(data), *_rounding_note(data, present)]
    return queries.framed(data, tables, p["edition"], notes=tuple(notes))


def _rounding_note(data: pd.DataFrame, present: list[str]) -> list[str]:
    """Name the shares below zero that ITU's rounding makes (a better network 0.1 points above
    a worse one): they are drawn as zero."""
    below = [
        f"{row['name']} ({NETWORK_SEGMENTS[t][0]}: {row[f'best_{t}_pct']:.1f})"
        for t in present
        for _, row in data.iterrows()
        if row[f"best_{t}_pct"] < 0
    ]
    if not below:
        return []
    return [
        "ITU's coverage is rounded to 0.1: a better network's coverage a little above a worse "
        f"one's leaves a share below zero, drawn as zero: {', '.join(below)}."
    ]


def _network_segments(data: pd.DataFrame) -> list[tuple[str, str, str, str]]:
    """The segments the frame has, best network first; the best one present reads 'or better'
    when the edition has no better network (no 5G before 2020)."""
    present = [t for t in divides.NETWORK_ORDER if f"best_{t}_pct" in data.columns]
    out = []
    for i, technology in enumerate([*present, "none"]):
        label, colour, ink = NETWORK_SEGMENTS[technology]
        if i == 0 and technology != "5g":
            label = f"{TECHNOLOGY_LABELS[technology].split(' (')[0]}"
        out.append((f"best_{technology}_pct", label, colour, ink))
    return out


def networks(data: pd.DataFrame, p: dict[str, Any]) -> Chart:
    """Stacked bars per group: the share whose best network within reach is 5G, LTE, 3G, 2G or
    none."""
    fig = _stacked_bars(data, _network_segments(data), len(data))
    where = AREA_WORDS[p["location"]]
    grouping = queries.grouping_phrase(p["grouping"])
    caption = Caption(
        title=f"Best mobile network within reach{where}, by {grouping}",
        subtitle=f"{SHARE_UNIT}, {p['year']}",
        source=queries.source_of(data),
        notes=(
            "Each share is ITU's coverage by a technology less the coverage by the next better "
            "one (ITU counts the population within reach of at least each technology). LTE: "
            "LTE/WiMAX; 2G only: a mobile signal but no mobile broadband.",
            *queries.notes_of(data),
        ),
    )
    return Chart(figures.with_caption(fig, caption), data, caption)


def networks_finding(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """5G coverage worldwide and its range across the groups, and the share out of reach of
    mobile broadband where it is largest."""
    world, groups, lead = with_lead(data)
    place = "the world's population" if world is not None else f"people in {name(lead)}"
    top = "best_5g_pct" if "best_5g_pct" in data.columns else None
    beyond = [c for c in ("best_mobile_cellular_pct", "best_none_pct") if c in data.columns]
    groups = groups.assign(no_broadband=groups[beyond].sum(axis=1))
    worst, _ = extremes(groups, "no_broadband")
    place += AREA_WORDS[p.get("location", "total")]
    lead_text = (
        f"In {int(lead['year'])}, 5G reached {pct(lead[top])} of {place}"
        if top
        else f"In {int(lead['year'])}, {pct(lead['best_none_pct'])} of {place} had no mobile signal"
    )
    # The parts the bars draw, so that the sum can be found on the chart.
    parts = [
        f"{label} {pct(worst[column])}"
        for column, label in (
            ("best_none_pct", "no signal"),
            ("best_mobile_cellular_pct", "2G only"),
        )
        if column in beyond
    ]
    how = f" ({', '.join(parts)})" if len(parts) > 1 else ""
    return (
        f"{lead_text}; {pct(worst['no_broadband'])} of people in {name(worst)} were out of reach "
        f"of mobile broadband{how}."
    )


def networks_headline(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """'5G reaches 51% of the world's population (2024)'."""
    world, _, lead = with_lead(data)
    place = ("the world's population" if world is not None else short(lead)) + AREA_WORDS[
        p.get("location", "total")
    ]
    year = int(lead["year"])
    if "best_5g_pct" in data.columns:
        return f"5G reaches {pct(lead['best_5g_pct'])} of {place} ({year})"
    return f"No mobile signal for {pct(lead['best_none_pct'])} of {place} ({year})"


# ---- the coverage and usage gaps over time

GAP_MEASURES: dict[str, tuple[str, str, str]] = {
    # measure -> (column, title, how it is computed)
    "usage_gap": (
        "usage_gap_pp",
        "Usage gap: within reach of {tech} but not online",
        "Usage gap = coverage - Internet use; below zero, more people are online than live "
        "within reach of {tech}.",
    ),
    "coverage_gap": (
        "coverage_gap_pp",
        "Coverage gap: out of reach of {tech}",
        "Coverage gap = 100 - coverage.",
    ),
    "coverage": (
        "coverage_pct",
        "Population within reach of {tech}",
        "ITU counts the population within reach of at least the technology, whether or not "
        "they use it.",
    ),
}


def gap_rows(tables: Tables, p: dict[str, Any]) -> pd.DataFrame:
    """Coverage, the coverage gap and the usage gap of the world and the groups, by year."""
    rows = _coverage_rows(tables, p, [p["technology"]])
    use = _use(tables, p["edition"])
    keys = ["source", "vintage", "entity_id", "year", "location"]
    joined = rows.merge(use[[*keys, "use_pct"]], on=keys, how="left", validate="many_to_one")
    joined = joined.assign(
        coverage_gap_pp=[divides.coverage_gap(c) for c in joined["coverage_pct"]],
        usage_gap_pp=[
            divides.usage_gap(c, u)
            for c, u in zip(joined["coverage_pct"], joined["use_pct"], strict=True)
        ],
    )
    column = GAP_MEASURES[p["measure"]][0]
    drawn = joined.dropna(subset=[column])
    if drawn.empty:
        raise NoData(
            f"{queries.edition_label(p['edition'])} has no Internet use{AREA_WORDS[p['location']]} "
            "to set against coverage; choose another measure or area."
        )
    columns = ["entity_id", "name", "year", "technology", "location", "coverage_pct", "use_pct"]
    data = drawn[[*columns, "coverage_gap_pp", "usage_gap_pp", "estimate"]]
    return queries.framed(data, tables, p["edition"], notes=queries.estimate_note(data))


def gaps_chart(data: pd.DataFrame, p: dict[str, Any]) -> Chart:
    """One line per group of coverage, the coverage gap or the usage gap."""
    column, title, how = GAP_MEASURES[p["measure"]]
    technology = TECHNOLOGY_WORDS[p["technology"]]
    fig = figures.group_lines(data, column, queries.names_in(data), y_title=SHARE_UNIT)
    if p["measure"] == "usage_gap" and (data[column] < 0).any():
        figures.reference_lines(fig, [("no usage gap", 0.0)], dash="dot")
    splits.year_ticks(fig, data["year"])
    where = AREA_WORDS[p["location"]]
    grouping = queries.grouping_phrase(p["grouping"])
    caption = Caption(
        title=f"{title.format(tech=technology)}{where}, by {grouping}",
        subtitle=f"{SHARE_UNIT}, {year_span(data)}",
        source=queries.source_of(data),
        notes=(
            how.format(tech=technology),
            *spans_note(data, column),
            *queries.notes_of(data),
        ),
    )
    return Chart(figures.with_caption(fig, caption), data, caption)


def gaps_finding(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """The measure worldwide in the first and latest year, and the highest group."""
    column = GAP_MEASURES[p.get("measure", "usage_gap")][0]
    year, rows = latest(data)
    world, groups, lead = with_lead(rows)
    place = "worldwide" if world is not None else f"in {name(lead)}"
    top, _ = extremes(groups, column)
    first = data[data["entity_id"] == lead["entity_id"]].sort_values("year").iloc[0]
    what = {
        "usage_gap": "the usage gap for {tech}",
        "coverage_gap": "the coverage gap for {tech}",
        "coverage": "coverage by {tech}",
    }[p.get("measure", "usage_gap")]
    since = (
        f", from {pct(first[column])} in {int(first['year'])}" if int(first["year"]) != year else ""
    )
    technology = TECHNOLOGY_WORDS[p.get("technology", "3g")]
    return (
        f"In {year}, {what.format(tech=technology)} was {pct(lead[column])} of the population "
        f"{place}{since}; it was highest in {aside(name(top), pct(top[column]))}."
    )


def gaps_headline(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """'Usage gap for 3G: 34% of the population worldwide (2024)'."""
    column = GAP_MEASURES[p.get("measure", "usage_gap")][0]
    year, rows = latest(data)
    world, _, lead = with_lead(rows)
    place = "worldwide" if world is not None else f"in {short(lead)}"
    what = {
        "usage_gap": "Usage gap for {tech}",
        "coverage_gap": "Coverage gap for {tech}",
        "coverage": "Coverage by {tech}",
    }[p.get("measure", "usage_gap")]
    tech = TECHNOLOGY_SHORT[p.get("technology", "3g")]
    return f"{what.format(tech=tech)}: {pct(lead[column])} of the population {place} ({year})"


# ---- mobile-phone ownership


def ownership_rows(tables: Tables, p: dict[str, Any]) -> pd.DataFrame:
    """Mobile-phone ownership of the world and the groups of a grouping, of one sex."""
    rows = queries.in_years(queries.rows_of(tables, OWNERSHIP, p["edition"]), p)
    own, wanted = _wanted(tables, p["grouping"])
    rows = rows[rows["entity_id"].isin(wanted) & (rows["sex"] == p["sex"])]
    if not rows["entity_id"].isin(own).any():
        raise NoData(
            f"{queries.edition_label(p['edition'])} has no mobile-phone ownership "
            f"({p['sex']}) by {queries.grouping_phrase(p['grouping'])}; choose another "
            "grouping or sex."
        )
    rows = _in_order(rows.assign(name=rows["entity_id"].map(queries.names(tables))), wanted)
    data = rows[["entity_id", "name", "year", "sex", "value_pct", "owners_millions", "estimate"]]
    return queries.framed(data, tables, p["edition"], notes=queries.estimate_note(data))


def ownership(data: pd.DataFrame, p: dict[str, Any]) -> Chart:
    """Mobile-phone ownership over time, one line per group."""
    fig = figures.group_lines(data, "value_pct", queries.names_in(data), y_title=OWNERSHIP_UNIT)
    fig.update_yaxes(range=[0, 100])
    splits.year_ticks(fig, data["year"])
    who = {"total": "", "female": " (women)", "male": " (men)"}[p["sex"]]
    caption = Caption(
        title=f"Individuals owning a mobile phone{who} by {queries.grouping_phrase(p['grouping'])}",
        subtitle=f"{OWNERSHIP_UNIT}, {year_span(data)}",
        source=queries.source_of(data),
        notes=(
            "Individuals aged 10 or older (ITU's footnote), as a share of the population of "
            "that age" + (" and sex." if p["sex"] != "total" else "."),
            *queries.notes_of(data),
        ),
    )
    return Chart(figures.with_caption(fig, caption), data, caption)


def ownership_finding(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """The highest and lowest group in the latest year, and the world."""
    year, top, low, world = latest_range(data, "value_pct")
    who = {"total": "people", "female": "women", "male": "men"}[p.get("sex", "total")]
    text = (
        f"In {year}, {pct(top['value_pct'])} of {who} aged 10 or older owned a mobile phone in "
        f"{name(top)}, against {pct(low['value_pct'])} in {name(low)}"
    )
    if world is not None:
        text += f" and {pct(world['value_pct'])} worldwide"
    return text + "."


def ownership_headline(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """'Mobile phone ownership: 98% in high-income vs 56% in low-income economies (2024)'."""
    year, top, low, _ = latest_range(data, "value_pct")
    among = {"total": "", "female": " among women", "male": " among men"}[p.get("sex", "total")]
    values = pair(top, low, pct(top["value_pct"]), pct(low["value_pct"]))
    return f"Mobile phone ownership{among}: {values} ({year})"


COVERAGE_GROUPING = grouping_param(COVERAGE_EDITIONS)
AREA = Param("location", "Area", "total", list(AREA_LABELS), within=_areas, labels=AREA_LABELS)
COVERAGE_EDITION = edition_param(COVERAGE_EDITIONS)
COVERAGE_COLUMNS = {
    "technology": "Technology (at least)",
    "location": "Area",
    "coverage_pct": f"Population within reach ({SHARE_UNIT})",
    "use_pct": f"Individuals using the Internet ({SHARE_UNIT})",
    "usage_gap_pp": "Usage gap: within reach, not online (% of population)",
    "coverage_gap_pp": "Coverage gap: out of reach (% of population)",
    **{
        f"{t}_coverage_pct": f"Within reach of {TECHNOLOGY_WORDS[t]} (%)" for t in TECHNOLOGY_LABELS
    },
    **{
        f"best_{t}_pct": f"Best network: {label} (%)"
        for t, (label, _, _) in NETWORK_SEGMENTS.items()
    },
}

USAGE = ChartSpec(
    "coverage_usage",
    "Covered but not connected, by group",
    "Each group's population split into the people online, those within reach of a mobile "
    "network but offline (the usage gap) and those out of reach (the coverage gap), for one "
    "year, technology and area.",
    (
        COVERAGE_GROUPING,
        Param(
            "technology",
            "Network",
            "3g",
            USAGE_TECHNOLOGIES,
            labels={t: TECHNOLOGY_LABELS[t] for t in USAGE_TECHNOLOGIES},
        ),
        AREA,
        Param("year", "Year", "", kind="int", within=_usage_years, fallback="last"),
        COVERAGE_EDITION,
    ),
    query=usage_rows,
    figure=usage,
    finding=Finding("Stacked bar chart", usage_finding, headline=usage_headline),
    tables=(COVERAGE, "internet_use", "internet_use_by_location", "entities"),
    value="usage_gap_pp",
    unit=SHARE_UNIT,
    columns=COVERAGE_COLUMNS,
)
NETWORKS = ChartSpec(
    "coverage_networks",
    "Best mobile network within reach, by group",
    "Each group's population by the best mobile network within reach (5G, LTE/WiMAX, 3G, 2G "
    "or none), for one year and area, from ITU's coverage by technology.",
    (
        COVERAGE_GROUPING,
        AREA,
        Param("year", "Year", "", kind="int", within=_network_years, fallback="last"),
        COVERAGE_EDITION,
    ),
    query=network_rows,
    figure=networks,
    finding=Finding("Stacked bar chart", networks_finding, headline=networks_headline),
    tables=(COVERAGE, "entities"),
    value="best_none_pct",
    unit=SHARE_UNIT,
    columns=COVERAGE_COLUMNS,
)
GAPS = ChartSpec(
    "coverage_gaps",
    "Coverage and usage gaps over time, by group",
    "The usage gap (within reach but offline), the coverage gap (out of reach) or coverage "
    "itself over time, by technology and area, for the world and the groups of a grouping.",
    (
        COVERAGE_GROUPING,
        Param(
            "measure",
            "Measure",
            "usage_gap",
            list(GAP_MEASURES),
            labels={
                "usage_gap": "Usage gap (within reach, not online)",
                "coverage_gap": "Coverage gap (out of reach)",
                "coverage": "Coverage",
            },
        ),
        Param("technology", "Network", "3g", list(TECHNOLOGY_LABELS), labels=TECHNOLOGY_LABELS),
        AREA,
        COVERAGE_EDITION,
    ),
    query=gap_rows,
    figure=gaps_chart,
    finding=Finding("Line chart", gaps_finding, headline=gaps_headline),
    tables=(COVERAGE, "internet_use", "internet_use_by_location", "entities"),
    explore=Explore(COVERAGE, years=True, compare=True),
    value=lambda p: GAP_MEASURES[p["measure"]][0],
    unit=SHARE_UNIT,
    columns=COVERAGE_COLUMNS,
)
OWNERS = ChartSpec(
    "ownership_by_group",
    "Mobile-phone ownership by group",
    "Individuals aged 10 or older owning a mobile phone over time, in all or by sex, for the "
    "world and the groups of a grouping.",
    (
        grouping_param(OWNERSHIP_EDITIONS),
        Param(
            "sex",
            "Sex",
            "total",
            ["total", "female", "male"],
            labels={"total": "Total", "female": "Women", "male": "Men"},
        ),
        edition_param(OWNERSHIP_EDITIONS),
    ),
    query=ownership_rows,
    figure=ownership,
    finding=Finding("Line chart", ownership_finding, headline=ownership_headline),
    tables=(OWNERSHIP, "entities"),
    explore=Explore(OWNERSHIP, years=True, compare=True),
    value="value_pct",
    unit=OWNERSHIP_UNIT,
    columns={
        "value_pct": f"Individuals owning a mobile phone ({OWNERSHIP_UNIT})",
        "owners_millions": "Owners (millions)",
    },
)


# ---- Overview card, claims and links


def usage_link(
    entity: str, year: int | None = None, location: str = "total", edition: str = ""
) -> str:
    """The covered-but-not-connected bars of the grouping that holds a group."""
    grouping = queries.link_grouping(entity)
    params = {"grouping": grouping, "location": location, "year": year or "", "edition": edition}
    return TOPIC.link(USAGE.id, params)


def _claim_link(row: Mapping[str, Any], spec: Mapping[str, Any], edition: str) -> str:
    if "entity_a" not in spec:
        return TOPIC.path
    entity = str(spec["entity_a"])
    grouping = queries.link_grouping(entity)
    year = spec.get("year") or ""
    if row.get("metric") in ("coverage_gap", "not_online_share"):
        return usage_link(entity, int(year) if year else None, edition=edition)
    return TOPIC.link(NETWORKS.id, {"grouping": grouping, "year": year, "edition": edition})


def _technology(claim: dict[str, Any]) -> str:
    technology = str(claim.get("technology") or "")
    if technology not in TECHNOLOGY_LABELS:
        raise NotComputable(f"the claim names no technology ({', '.join(TECHNOLOGY_LABELS)})")
    return technology


def _coverage(frame: pd.DataFrame, claim: dict[str, Any], technology: str) -> float:
    location = str(claim.get("location") or "total")
    return value_of(
        frame,
        claim["entity_a"],
        int(claim["year"]),
        "coverage_pct",
        technology=technology,
        location=location,
    )


def _coverage_level(frame: pd.DataFrame, claim: dict[str, Any], tables: dict[str, Any]) -> Computed:
    """The share of a group's population within reach of a technology in a year."""
    technology = _technology(claim)
    return with_rounding(
        lambda v: v, {f"{claim['entity_a']} {technology}": _coverage(frame, claim, technology)}
    )


def _coverage_gap(frame: pd.DataFrame, claim: dict[str, Any], tables: dict[str, Any]) -> Computed:
    """The share of a group's population out of reach of a technology: 100 - coverage."""
    technology = _technology(claim)
    named = {f"{claim['entity_a']} {technology}": _coverage(frame, claim, technology)}
    return with_rounding(divides.coverage_gap, named)


def _best_network(frame: pd.DataFrame, claim: dict[str, Any], tables: dict[str, Any]) -> Computed:
    """The share whose best network within reach is the technology: its coverage less the
    next better technology's ('rely exclusively on 3G': 3G less LTE)."""
    technology = _technology(claim)
    order = list(divides.NETWORK_ORDER)
    if technology == order[0]:
        return _coverage_level(frame, claim, tables)
    better = order[order.index(technology) - 1]
    named = {
        technology: _coverage(frame, claim, technology),
        better: _coverage(frame, claim, better),
    }
    return with_rounding(divides.point_gap, named)


def _not_online(frame: pd.DataFrame, claim: dict[str, Any], tables: dict[str, Any]) -> Computed:
    """The share of a group's population not using the Internet: 100 - use."""
    use = value_of(frame, claim["entity_a"], int(claim["year"]), "value_pct", sex="total")
    return with_rounding(lambda v: divides.point_gap(100.0, v), {claim["entity_a"]: use})


def access_metric(tables: Tables, edition: str, entity: str) -> cards.Metric | None:
    """A group's usage gap (within reach of mobile broadband, offline) in its latest year."""
    try:
        rows = queries.rows_of(tables, COVERAGE, edition)
        use = _use(tables, edition)
    except NoData:
        return None
    rows = rows[
        (rows["entity_id"] == entity) & (rows["technology"] == "3g") & (rows["location"] == "total")
    ]
    joined = divides.coverage_and_use(rows, use).set_index("year").sort_index()
    if joined.empty:
        return None
    year = int(joined.index.max())
    last = joined.loc[year]
    return cards.Metric(
        label=cards.short_name(entity),
        text=f"{last['usage_gap_pp']:.0f}%",
        value=queries.number(last["usage_gap_pp"]),
        detail=(
            f"of the population live within reach of mobile broadband (3G or better) but do "
            f"not use the Internet; {last['coverage_gap_pp']:.1f}% live out of its reach."
        ),
        year=year,
        edition=queries.edition_label(edition),
        trend=cards.trend(joined["usage_gap_pp"]),
        trend_label="Usage gap, % of population",
        href=usage_link(entity, year, edition=edition),
    )


def access_card(tables: Tables) -> cards.Card:
    """The usage gap of the world and the LDCs (newest ITU edition with coverage)."""
    card = cards.Card("mobile", "Covered but not connected", "/mobile", "Mobile access page")
    missing = cards.missing_tables(tables, (COVERAGE, "internet_use"))
    if missing:
        return replace(card, empty=missing)
    edition = COVERAGE_EDITIONS.newest(tables)
    found = [access_metric(tables, edition, e) for e in (WORLD, LDC)] if edition else []
    metrics = tuple(m for m in found if m is not None)
    if not metrics:
        return cards.no_rows_card(card, "ITU coverage and Internet use for the world or LDCs")
    return cards.filled_card(
        card,
        metrics,
        ("Usage gap = 3G coverage - Internet use; coverage gap = 100 - 3G coverage.",),
    )


TOPIC = Topic(
    key="mobile",
    title="Covered but not connected",
    nav="Mobile access",
    path="/mobile",
    order=5,
    intro=(
        "Who lives within reach of a mobile network and who uses the Internet, from ITU's key "
        "ICT indicators: the population online, within reach but offline (the usage gap) and "
        "out of reach (the coverage gap) by group, technology and area; the best network within "
        "reach, from 5G to none; both gaps over time; mobile-phone ownership; and active "
        "mobile-broadband subscriptions per 100 inhabitants (subscriptions are not people: one "
        "person may hold several, so the counts can exceed 100 where use is far from universal)."
    ),
    panels=(
        ("mobile-usage", USAGE),
        ("mobile-networks", NETWORKS),
        ("mobile-gaps", GAPS),
        ("mobile-owners", OWNERS),
        ("mobile-groups", BY_GROUP),
    ),
    card=access_card,
    claims=(
        ClaimMetric(
            "coverage", COVERAGE, _coverage_level, "%", _claim_link, ("technology", "location")
        ),
        ClaimMetric(
            "coverage_gap", COVERAGE, _coverage_gap, "%", _claim_link, ("technology", "location")
        ),
        ClaimMetric(
            "best_network_share",
            COVERAGE,
            _best_network,
            "%",
            _claim_link,
            ("technology", "location"),
        ),
        ClaimMetric("not_online_share", "internet_use", _not_online, "%", _claim_link),
    ),
    tables=(COVERAGE, "internet_use", "internet_use_by_location", OWNERSHIP, TABLE, "entities"),
)

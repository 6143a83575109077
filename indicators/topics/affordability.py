"""Broadband affordability: group medians over time, the spread across economies, a world map."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from indicators import figures
from indicators.catalogue import cards, queries
from indicators.catalogue.charts import ChartSpec, Finding, Param, edition_param
from indicators.catalogue.errors import NoData
from indicators.catalogue.explore import Explore
from indicators.catalogue.topic import ClaimMetric, Topic
from indicators.catalogue.wording import (
    aside,
    count,
    extremes,
    group_name,
    latest,
    name,
    named,
    short,
    world_and_groups,
)
from indicators.contract import schemas
from indicators.contract.store import Tables
from indicators.etl.codes import INCOME_GROUPS, ITU_REGIONS, LDC, WORLD
from indicators.etl.entities import member_mask
from indicators.figures import Caption, Chart, theme
from indicators.metrics import gaps
from indicators.metrics.claims import Computed, NotComputable

BASKETS = {"fixed_broadband": "Fixed broadband", "mobile_broadband": "Mobile broadband (data only)"}
BASKET_TEXT = {"fixed_broadband": "fixed broadband", "mobile_broadband": "mobile broadband"}
# unit -> (axis and subtitle text, short form for colour bars and hover)
UNITS = {
    "pct_gni_pc": ("% of monthly GNI per capita", "% of monthly GNI p.c."),
    "usd": ("USD per month", "USD"),
    "ppp": ("PPP$ per month", "PPP$"),
}
GROUPINGS = ["itu_region", "income", "special"]
# How a grouping reads inside a sentence ("... medians by income group").
GROUPING_TEXT = {
    "itu_region": "ITU region",
    "income": "income group",
    "special": "LDCs, LLDCs and SIDS",
}
GROUPING_LABELS = {
    "itu_region": "ITU region",
    "income": "Income group",
    "special": "LDC / LLDC / SIDS",
}
GROUPS = ["all", "LDC", "LLDC", "SIDS", "DEVELOPING", "DEVELOPED", *ITU_REGIONS, *INCOME_GROUPS]

# Broadband Commission target: entry-level broadband at *less than* 2% of monthly GNI per capita,
# so a price of exactly 2.00% does not meet it (as in claim 4d, "lower than 2 per cent").
TARGET_PCT = 2.0
TARGET_OP = "<"
TARGET_LABEL = "2% target (Broadband Commission)"
TARGET_NOTE = (
    "Dashed line: Broadband Commission target, entry-level broadband at less than 2% "
    "of monthly GNI per capita; an economy meets it if its price is below 2.00%."
)
# ITU labels the workbook's annual medians "Not to be used for year-on-year comparison": the
# economies behind each year's median change. Only its constant-sample blocks ("last N years")
# support a trend, so annual medians are drawn as separate points, never joined by a line.
ANNUAL_CAUTION = (
    'Points: annual medians, each over the economies with a price that year. ITU: "Not to be used '
    'for year-on-year comparison"; the points are not joined for that reason.'
)
# ITU's constant-sample blocks: medians over the same economies in every year of a window, which
# ITU says can be compared over time. They are drawn as lines; 'none' draws the points alone.
ANNUAL = schemas.ANNUAL_SAMPLE
NO_WINDOW = "none"
# Short, so that the choice reads in full in its control under "Trend over the same economies".
WINDOW_LABELS = {
    NO_WINDOW: "None: points only",
    **{schemas.window_sample(n): f"Last {n} years" for n in range(1, 31)},
}
WINDOW_NOTE = (
    'Lines: ITU\'s "last {n} years" medians, over the same economies: those priced in every '
    "year {span}. ITU says these can be compared over time."
)
SYMBOLS = ["circle-open", "diamond-open", "square-open", "triangle-up-open"]
# The WSIS reports (claim 4) cite 5% of GNI per capita, the Commission's target before 2018.
HIGH_PCT = 5.0
HIGH_LABEL = "5% (target before 2018)"
HIGH_NOTE = (
    "Dotted line: 5% of monthly GNI per capita, the Broadband Commission's target before "
    "2018 and the level the WSIS reports cite; {above} of {total} economies price above it."
)
LOG_TICKS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000]
# Colour-scale cap for % of GNI: five times the target; dearer economies share the darkest shade.
MAP_CAP_PCT = 10.0


EDITIONS = queries.EditionChoices("broadband_price")


def _years(tables: Tables) -> list[int]:
    return queries.years_of(tables, "broadband_price")


def _gb(allowance: Any) -> str:
    return f"{queries.number(allowance):g} GB"


def _span(first: int, last: int) -> str:
    return f"{first}–{last}" if first != last else str(first)


def _basket_rows(
    tables: Tables, p: dict[str, Any], statistic: str, samples: tuple[str, ...] = (ANNUAL,)
) -> pd.DataFrame:
    """One edition's rows of a basket, unit and statistic, in the given samples (annual)."""
    if not p["edition"]:
        raise NoData(f"The broadband_price table has not been built yet: {queries.BUILD_HINT}.")
    frame = queries.rows_of(tables, "broadband_price", p["edition"])
    return frame[
        (frame["basket"] == p["basket"])
        & (frame["unit"] == p["unit"])
        & (frame["statistic"] == statistic)
        & frame["sample"].isin(samples)
    ]


def _windows_of(samples: Any) -> list[str]:
    """The constant-sample windows among ``samples``, longest first."""
    windows = {str(s) for s in samples if schemas.window_years(str(s))}
    return sorted(windows, key=lambda s: -(schemas.window_years(s) or 0))


def _window_choices(tables: Tables) -> list[str]:
    """Every edition's windows, longest first, then 'none'."""
    samples = [
        s
        for key in EDITIONS.options(tables)
        for s in queries.edition_values(tables, "broadband_price", key, "sample")
    ]
    return [*_windows_of(samples), NO_WINDOW]


def _windows_in_edition(tables: Tables, p: dict[str, Any]) -> list[str]:
    samples = queries.edition_values(tables, "broadband_price", p["edition"], "sample")
    return [*_windows_of(samples), NO_WINDOW]


def _default_window(tables: Tables) -> str:
    """The newest edition's longest window."""
    return _windows_in_edition(tables, {"edition": EDITIONS.newest(tables)})[0]


def _allowance_runs(rows: pd.DataFrame) -> list[tuple[float, int, int]]:
    """(allowance, first year, last year) of each run of the official basket's allowance."""
    per_year = rows[~rows["experimental"]].groupby("year")["allowance_gb"].first().sort_index()
    runs: list[tuple[float, int, int]] = []
    for year, gb in zip(per_year.index.astype(int), per_year.to_numpy(float), strict=True):
        if runs and runs[-1][0] == gb:
            runs[-1] = (float(gb), runs[-1][1], int(year))
        else:
            runs.append((float(gb), int(year), int(year)))
    return runs


def _runs_note(basket: str, runs: list[tuple[float, int, int]]) -> tuple[str, ...]:
    """Say where the basket's data allowance changed: a break in the series."""
    if not runs:
        return ()
    if len(runs) == 1:
        gb, first, last = runs[0]
        return (f"{BASKETS[basket]} basket: {_gb(gb)} of data per month ({_span(first, last)}).",)
    spans = "; ".join(f"{_gb(gb)} {_span(a, b)}" for gb, a, b in runs)
    return (
        f"Series break: the {BASKETS[basket].lower()} basket's monthly data allowance changed "
        f"({spans}); years either side of a break are not strictly comparable.",
    )


def _experimental_note(
    rows: pd.DataFrame, include: bool, symbols: dict[float, str] | None = None
) -> tuple[str, ...]:
    """Say whether ITU's experimental collections are shown, which, and how they are drawn."""
    exp = rows[rows["experimental"]]
    if exp.empty:
        return ()
    if not include:
        return ("ITU's experimental collections of this basket are left out (not official).",)
    spans = ", ".join(
        f"{_gb(gb)} {_span(int(y.min()), int(y.max()))}"
        + (f" ({symbols[queries.number(gb)]})" if symbols else "")
        for gb, y in exp.groupby("allowance_gb")["year"]
    )
    return (f"ITU's experimental collections, not official: {spans}.",)


def _log_axis(fig: go.Figure, values: pd.Series, axis: str = "y") -> go.Figure:
    """A log axis with 1-2-5 ticks across the plotted range."""
    positive = values[values > 0]
    low, high = (float(positive.min()), float(positive.max())) if len(positive) else (1.0, 10.0)
    ticks = [t for t in LOG_TICKS if low / 2 <= t <= high * 2]
    update = {"type": "log", "tickvals": ticks, "ticktext": [f"{t:g}" for t in ticks]}
    fig.update_xaxes(**update) if axis == "x" else fig.update_yaxes(**update)
    # Annotations on a log axis are placed in log10 units; the target line's label is not.
    for note in fig.layout.annotations:
        if note.text in (TARGET_LABEL, HIGH_LABEL):
            note.y = math.log10(TARGET_PCT if note.text == TARGET_LABEL else HIGH_PCT)
    return fig


def _median_rows(tables: Tables, p: dict[str, Any]) -> pd.DataFrame:
    """Published group medians for World and the grouping, in the entities table's order:
    the annual medians, then the chosen window's constant-sample medians.

    Experimental collections are kept here (the caption says what was left out); the caller
    drops them unless asked.
    """
    window = p.get("window", NO_WINDOW)
    samples = (ANNUAL,) if window == NO_WINDOW else (ANNUAL, window)
    rows = _basket_rows(tables, p, "median", samples)
    wanted = [WORLD, *queries.group_ids(tables, p["grouping"])]
    rows = rows[rows["entity_id"].isin(wanted)]
    if rows[~rows["experimental"] & (rows["sample"] == ANNUAL)].empty:
        raise NoData(
            f"{queries.edition_label(p['edition'])} has no {BASKETS[p['basket']].lower()} "
            f"medians in {UNITS[p['unit']][0]} for {GROUPING_TEXT[p['grouping']]}."
        )
    order = {e: i for i, e in enumerate(wanted)}
    return (
        rows.assign(_order=rows["entity_id"].map(order), _trend=rows["sample"] != ANNUAL)
        .sort_values(["_order", "_trend", "experimental", "allowance_gb", "year"])
        .drop(columns=["_order", "_trend"])
    )


def _trend_rows(data: pd.DataFrame) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The medians without constant-sample series of a single year (no line to draw), and a
    note naming them."""
    trend = data["sample"] != ANNUAL
    size = data.groupby(_series_keys(data))["year"].transform("size")
    single = data[trend & (size < 2)]
    if single.empty:
        return data, ()
    spans = ", ".join(
        f"{_gb(gb)} {int(y.min())}" for gb, y in single.groupby("allowance_gb")["year"]
    )
    note = f"No line where the window holds one year of a basket ({spans})."
    return data[~(trend & (size < 2))], (note,)


def _series_keys(data: pd.DataFrame) -> pd.Series:
    """One series per entity, allowance, collection and sample, so lines break where the basket
    changes."""
    return (
        data["entity_id"]
        + "|"
        + data["allowance_gb"].map("{:g}".format)
        + "|"
        + data["experimental"].map({True: "exp", False: "official"})
        + "|"
        + data["sample"]
    )


def _symbols(rows: pd.DataFrame) -> dict[float, str]:
    """A marker symbol for each experimental allowance, smallest allowance first."""
    allowances = sorted(rows.loc[rows["experimental"], "allowance_gb"].unique())
    return {float(gb): SYMBOLS[i % len(SYMBOLS)] for i, gb in enumerate(allowances)}


def _style_series(
    fig: go.Figure,
    keys: list[str],
    names: dict[str, str],
    symbols: dict[float, str],
    span: str = "",
) -> go.Figure:
    """Colour per entity and one legend entry each; annual medians as points only (ITU: not a
    trend), experimental collections in open symbols by size; constant-sample medians as lines,
    dotted for experimental collections."""
    colours = theme.entity_colours(key.split("|")[0] for key in keys)
    seen: set[str] = set()
    for trace, key in zip(fig.data, keys, strict=True):
        entity, gb, kind, sample = key.split("|")
        first = entity not in seen
        seen.add(entity)
        colour = colours[entity]
        experimental = kind == "exp"
        name = names.get(entity, entity)
        if sample != ANNUAL:
            trace.update(
                name=f"{name}, same economies {span}"
                + (f", {gb} GB (experimental)" if experimental else ""),
                mode="lines",
                line={"color": colour, "dash": "dot" if experimental else "solid"},
                legendgroup=entity,
                showlegend=first,
            )
            continue
        trace.update(
            name=f"{name}, {gb} GB (experimental)" if experimental else name,
            mode="markers",
            marker={
                "color": colour,
                "size": 7,
                "symbol": symbols[float(gb)] if experimental else "circle",
            },
            legendgroup=entity,
            showlegend=first,
        )
    return fig


def _break_lines(fig: go.Figure, runs: list[tuple[float, int, int]]) -> go.Figure:
    """A dotted vertical line where the official basket's allowance changes."""
    for gb, start, _ in runs[1:]:
        fig.add_vline(
            x=start - 0.5,
            line={"dash": "dot", "color": "#999999", "width": 1},
            annotation_text=f"{_gb(gb)} from {start}",
            annotation_position="bottom right",
            annotation_font={"size": 10, "color": "#666666"},
        )
    return fig


def _window_notes(
    rows: pd.DataFrame, window: str, drawn: bool, defined: pd.Series
) -> tuple[str, tuple[str, ...]]:
    """The chosen window's years drawn ('2021–2025') and the caption note on its lines ('' and
    a note saying why when no line is drawn). ``rows``: the rows drawn, their value last (an
    experimental collection left out, or a year without a value, is not in the span);
    ``defined``: the window's years in the edition, which define its economies even when the
    chart's span shows only some of them."""
    if window == NO_WINDOW:
        return "", ()
    years = rows.loc[(rows["sample"] == window) & rows.iloc[:, -1].notna(), "year"]
    n = schemas.window_years(window)
    if years.empty or not drawn:
        return "", (f"No same-economies medians of this basket to draw for the last {n} years.",)
    span = _span(int(years.min()), int(years.max()))
    whole = _span(int(defined.min()), int(defined.max())) if len(defined) else span
    return span, (WINDOW_NOTE.format(n=n, span=whole),)


def median_rows(tables: Tables, p: dict[str, Any]) -> pd.DataFrame:
    """ITU's group medians to draw: the annual medians and the chosen window's constant-sample
    medians, with what the caption says about the basket's allowances, ITU's experimental
    collections and the window's economies."""
    whole = _median_rows(tables, p)
    rows = queries.in_years(whole, p)
    window = p.get("window", NO_WINDOW)
    annual = rows[rows["sample"] == ANNUAL]
    include = p["experimental"] == "include"
    column = f"median_{p['unit']}"
    data = rows[include | ~rows["experimental"]][
        ["entity_id", "year", "allowance_gb", "experimental", "sample", "value"]
    ].rename(columns={"value": column})
    data, single = _trend_rows(data)
    data.insert(1, "name", data["entity_id"].map(queries.names(tables)))
    symbols = _symbols(data[data["sample"] == ANNUAL])
    defined = whole.loc[whole["sample"] == window, "year"]
    drawn = bool((data["sample"] != ANNUAL).any())
    span, window_notes = _window_notes(data, window, drawn, defined)
    outlines = {g: s.replace("-open", " outline") for g, s in symbols.items()}
    out = queries.framed(data, tables, p["edition"])
    out.attrs.update(
        runs=_allowance_runs(annual),
        span=span,
        experimental_notes=_experimental_note(annual, include, outlines),
        window_notes=(*window_notes, *single),
    )
    return out


def medians(data: pd.DataFrame, p: dict[str, Any]) -> Chart:
    """ITU's published price medians for World and the groups of a grouping: annual medians as
    points, and the chosen window's constant-sample medians as lines."""
    column = f"median_{p['unit']}"
    keys = _series_keys(data)
    unit_text = UNITS[p["unit"]][0]
    fig = figures.lines(
        data.assign(series=keys), "year", column, "series", y_title=unit_text, hover_format=".2f"
    )
    span = str(data.attrs.get("span", ""))
    symbols = _symbols(data[data["sample"] == ANNUAL])
    _style_series(fig, keys.unique().tolist(), queries.names_in(data), symbols, span)
    runs = list(data.attrs.get("runs", ()))
    _break_lines(fig, runs)
    pct = p["unit"] == "pct_gni_pc"
    if pct:
        # Shares of GNI span two orders of magnitude (Low income near 300% in 2008): log scale.
        figures.reference_lines(fig, [(TARGET_LABEL, TARGET_PCT)], log=True)
        _log_axis(fig, data[column])
    else:
        fig.update_yaxes(rangemode="tozero")
    label = GROUPING_TEXT[p["grouping"]]
    years = data.loc[data["sample"] == ANNUAL, "year"]
    lines = f"; lines: same economies, {span}" if span else ""
    caption = Caption(
        title=f"{BASKETS[p['basket']]} prices: medians "
        + (f"by {label}" if p["grouping"] != "special" else f"for {label}"),
        subtitle=f"{unit_text}{' (log scale)' if pct else ''}, World and {label}; "
        f"points: annual medians, {_span(int(years.min()), int(years.max()))}"
        f"{lines}",
        source=queries.source_of(data),
        notes=(
            *_runs_note(p["basket"], runs),
            *((TARGET_NOTE,) if pct else ()),
            *data.attrs.get("experimental_notes", ()),
            ANNUAL_CAUTION,
            *data.attrs.get("window_notes", ()),
        ),
        cautions=(*(_runs_note(p["basket"], runs) if len(runs) > 1 else ()), ANNUAL_CAUTION),
    )
    return Chart(figures.with_caption(fig, caption), data, caption)


def _price(value: float, unit: str) -> str:
    if unit == "pct_gni_pc":
        return f"{value:.1f}% of monthly GNI per capita"
    return f"{'USD' if unit == 'usd' else 'PPP$'} {value:,.2f} a month"


def _short(value: float, unit: str) -> str:
    return f"{value:.1f}%" if unit == "pct_gni_pc" else f"{value:,.2f}"


def _official(data: pd.DataFrame) -> pd.DataFrame:
    """The rows of ITU's official collections (its experimental ones are left aside)."""
    return data[~data["experimental"]] if "experimental" in data else data


def _annual(data: pd.DataFrame) -> pd.DataFrame:
    """The official annual medians (no constant-sample window)."""
    official = _official(data)
    return official[official["sample"] == ANNUAL] if "sample" in official else official


def medians_finding(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """The world's median in the latest year, the range across groups, and how many groups
    have a median below the target (annual medians only; the lines are not restated)."""
    unit = p.get("unit", "pct_gni_pc")
    column = f"median_{unit}"
    year, rows = latest(_annual(data))
    world, groups = world_and_groups(rows)
    top, low = extremes(groups, column)
    basket = BASKET_TEXT.get(p.get("basket", ""), "broadband")
    text = f"In {year}, the median {basket} price was "
    if world is not None:
        text += f"{_price(world[column], unit)} worldwide, "
    if len(groups) == 1:
        text += f"and {_short(top[column], unit)} in {name(top)}"
    else:
        text += (
            f"from {_short(low[column], unit)} in {name(low)} to "
            f"{_short(top[column], unit)} in {name(top)}"
        )
    if unit == "pct_gni_pc" and len(groups) == 1:
        text += f", {'below' if top[column] < TARGET_PCT else 'not below'} the 2% target"
    elif unit == "pct_gni_pc":
        below = int((groups[column] < TARGET_PCT).sum())
        text += f"; {count(below, len(groups))} groups had a median below the 2% target"
    return text + "."


def _cost(value: float, unit: str) -> str:
    return (
        f"{value:.1f}%"
        if unit == "pct_gni_pc"
        else f"{'USD' if unit == 'usd' else 'PPP$'} {value:,.2f}"
    )


def medians_headline(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """'Fixed broadband: 29.9% of monthly GNI p.c. in low-income vs 1.0% in high-income (2025)'."""
    unit = p.get("unit", "pct_gni_pc")
    column = f"median_{unit}"
    year, rows = latest(_annual(data))
    _, groups = world_and_groups(rows)
    top, low = extremes(groups, column)
    basket = BASKET_TEXT.get(p.get("basket", ""), "broadband").capitalize()
    of = " of monthly GNI p.c." if unit == "pct_gni_pc" else " a month"
    if len(groups) == 1:
        return f"{basket}: {_cost(top[column], unit)}{of} in {aside(named(top), str(year))}"
    return (
        f"{basket}: {_cost(top[column], unit)}{of} in {short(top)} vs "
        f"{_cost(low[column], unit)} in {aside(short(low), str(year))}"
    )


def _members(tables: Tables, group: str) -> set[str]:
    """Economies in a group (entities table: ldc, development_status, itu_region, income)."""
    ent = queries.entities(tables)
    economies = ent[ent["kind"] == "economy"]
    if group != "all":
        economies = economies[member_mask(economies, group)]
    return set(economies["entity_id"])


def _group_label(tables: Tables, group: str) -> str:
    """How the chosen group reads in a subtitle ('ITU region Africa', 'all economies')."""
    return _group_label_of(group, queries.names(tables).get(group, group))


def _group_label_of(group: str, label: str = "") -> str:
    if group == "all":
        return "all economies"
    label = label or group
    return f"ITU region {label}" if group in ITU_REGIONS else label


def _year_up_to(rows: pd.DataFrame, requested: Any, what: str) -> int:
    """The latest year with official data not after the requested one (or the newest)."""
    official = rows[~rows["experimental"]]
    if official.empty:
        raise NoData(f"No official {what}.")
    years = (
        official["year"]
        if requested in (None, "")
        else official.loc[official["year"] <= int(requested), "year"]
    )
    if years.empty:
        raise NoData(
            f"No official {what} up to {requested}: the series starts in "
            f"{int(official['year'].min())}; choose a later year."
        )
    return int(years.max())


def _economy_prices(tables: Tables, p: dict[str, Any], include: bool) -> tuple[pd.DataFrame, int]:
    """Economies' prices in the chosen group, at the latest year with data up to the asked one."""
    rows = _basket_rows(tables, p, "value")
    rows = rows[rows["entity_id"].isin(_members(tables, p["group"]))]
    what = (
        f"{BASKETS[p['basket']].lower()} prices in {UNITS[p['unit']][0]} for "
        f"{_group_label(tables, p['group'])}"
    )
    year = _year_up_to(rows, p["year"], what)
    rows = rows[(rows["year"] == year) & (include | ~rows["experimental"])]
    column = f"price_{p['unit']}"
    data = rows[["entity_id", "year", "allowance_gb", "experimental", "value"]].rename(
        columns={"value": column}
    )
    data.insert(1, "name", data["entity_id"].map(queries.names(tables)))
    return data.sort_values(["experimental", "allowance_gb", column, "entity_id"]), year


def _series_name(gb: float, experimental: bool) -> str:
    return f"{_gb(gb)} (experimental)" if experimental else f"{_gb(gb)} basket"


def _strip(
    data: pd.DataFrame, column: str, unit: str, classes: list[tuple[str, pd.Series, str]]
) -> go.Figure:
    """One column of jittered dots per series over a quartile box; dots coloured by class."""
    series = [
        _series_name(g, e) for g, e in zip(data["allowance_gb"], data["experimental"], strict=True)
    ]
    fig = go.Figure(
        go.Box(
            y=data[column],
            x=series,
            name="Quartiles",
            boxpoints=False,
            fillcolor="rgba(0,0,0,0.04)",
            line={"color": "#999999", "width": 1},
            hoverinfo="skip",
            showlegend=False,
        )
    )
    hover = data["name"] + " (" + data["entity_id"] + ")"
    for label, mask, colour in classes:
        fig.add_trace(
            go.Box(
                y=data.loc[mask, column],
                x=[s for s, m in zip(series, mask, strict=True) if m],
                name=label,
                text=hover[mask],
                boxpoints="all",
                jitter=0.8,
                pointpos=0,
                fillcolor="rgba(0,0,0,0)",
                line={"color": "rgba(0,0,0,0)"},
                hoveron="points",
                marker={"color": colour, "size": 6, "opacity": 0.8},
                hovertemplate=f"%{{text}}: %{{y:.2f}} {unit}<extra></extra>",
            )
        )
    order = sorted(set(zip(data["experimental"], data["allowance_gb"], series, strict=True)))
    fig.update_xaxes(categoryorder="array", categoryarray=[name for *_, name in order])
    fig.update_layout(
        boxmode="overlay",
        hovermode="closest",
        yaxis_title=unit,
        height=560,
        boxgap=0.6 if len(order) == 1 else 0.3,
    )
    return fig


def _target_classes(data: pd.DataFrame, column: str, pct: bool) -> list[tuple[str, pd.Series, str]]:
    """Dots below the target in green, the rest in vermillion (one class when not in % GNI)."""
    if not pct:
        return [("Economies", data[column].notna(), theme.OKABE_ITO[0])]
    meets = data[column] < TARGET_PCT
    return [
        ("Below 2%: meets the target", meets, theme.OKABE_ITO[2]),
        ("2% or more", ~meets, theme.OKABE_ITO[5]),
    ]


def _count_text(values: pd.Series) -> str:
    """'N of M economies meet the 2% target' for prices in % of GNI per capita."""
    met, total = gaps.count_meeting(values, TARGET_PCT, TARGET_OP)
    return f"{met} of {total} economies meet the 2% target"


def _distribution_notes(
    data: pd.DataFrame, column: str, p: dict[str, Any], year: int
) -> tuple[str, ...]:
    """Fallback year, experimental counts, zeros hidden by the log scale."""
    notes: list[str] = []
    if p["year"] not in (None, "") and int(p["year"]) != year:
        notes.append(
            f"No official prices for {p['year']}; showing {year}, the latest year "
            "with data before it."
        )
    if p["unit"] == "pct_gni_pc":
        notes.append(TARGET_NOTE)
        official = data.loc[~data["experimental"], column]
        notes.append(HIGH_NOTE.format(above=int((official > HIGH_PCT).sum()), total=len(official)))
        for gb, rows in data[data["experimental"]].groupby("allowance_gb"):
            met, total = gaps.count_meeting(rows[column], TARGET_PCT, TARGET_OP)
            notes.append(f"Experimental {_gb(gb)} basket: {met} of {total} below 2%.")
    zeros = int((data[column] == 0).sum())
    if zeros:
        notes.append(
            f"{zeros} price(s) of 0 cannot be drawn on the log scale (they are in the data table)."
        )
    if p["group"] in ("DEVELOPED", "DEVELOPING"):
        notes.append("Developed / developing: UN M49, 2021 (the last edition with them).")
    return tuple(notes)


def _high_line(fig: go.Figure) -> None:
    """The 5% level as a dotted line, labelled like the target line."""
    figures.reference_lines(fig, [(HIGH_LABEL, HIGH_PCT)], dash="dot", log=True)


def distribution_rows(tables: Tables, p: dict[str, Any]) -> pd.DataFrame:
    """Every economy's price in the group, at the latest year with data up to the asked one."""
    include = p["experimental"] == "include"
    data, _ = _economy_prices(tables, p, include)
    if p["unit"] == "pct_gni_pc":
        data = data.assign(below_2pct=data[f"price_{p['unit']}"] < TARGET_PCT)
    out = queries.framed(data, tables, p["edition"])
    out.attrs["group_label"] = _group_label(tables, p["group"])
    return out


def distribution(data: pd.DataFrame, p: dict[str, Any]) -> Chart:
    """Every economy's price in a year against the 2% target, with how many meet it."""
    include = p["experimental"] == "include"
    year = int(data["year"].max())
    column, pct = f"price_{p['unit']}", p["unit"] == "pct_gni_pc"
    unit_text, unit_short = UNITS[p["unit"]]
    fig = _strip(data, column, unit_short, _target_classes(data, column, pct))
    if pct:
        figures.reference_lines(fig, [(TARGET_LABEL, TARGET_PCT)], log=True)
        _high_line(fig)
    _log_axis(fig, data[column])
    official = data[~data["experimental"]]
    counted = _count_text(official[column]) if pct else f"{len(official)} economies"
    group = data.attrs.get("group_label") or _group_label_of(p["group"])
    caption = Caption(
        title=f"{BASKETS[p['basket']]} prices across economies, {year}",
        subtitle=f"{unit_text} (log scale), {group}: {counted}",
        source=queries.source_of(data),
        notes=(
            *_runs_note(p["basket"], _allowance_runs(data)),
            *_distribution_notes(data, column, p, year),
            *_experimental_note(data, include),
        ),
    )
    return Chart(figures.with_caption(fig, caption), data, caption)


def _prices(data: pd.DataFrame, p: dict[str, Any]) -> tuple[str, int, str, pd.Series]:
    """The unit, the latest year, the basket in words and the official prices of economies."""
    unit = p.get("unit", "pct_gni_pc")
    official = _official(data)
    basket = BASKET_TEXT.get(p.get("basket", ""), "broadband")
    return unit, int(official["year"].max()), basket, official[f"price_{unit}"].dropna()


def _economy_finding(data: pd.DataFrame, p: dict[str, Any], where: str) -> str:
    """How many economies price the basket below 2% (and above 5%), or the median price."""
    unit, year, basket, values = _prices(data, p)
    if unit != "pct_gni_pc":
        return (
            f"In {year}, the median {basket} price across {len(values)} {where} was "
            f"{_price(float(values.median()), unit)}."
        )
    below = int((values < TARGET_PCT).sum())
    above = int((values > HIGH_PCT).sum())
    return (
        f"In {year}, {count(below, len(values))} {where} priced {basket} below 2% of "
        f"monthly GNI per capita; {above or 'none'} priced it above 5%."
    )


def economy_headline(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """'87 of 195 economies price fixed broadband below the 2% target (2025)'."""
    unit, year, basket, values = _prices(data, p)
    group = str(p.get("group", "all"))
    where = "economies" if group in ("all", "") else named(group)
    if group.startswith("ITU_"):
        where = f"economies in {short(group)}"
    if unit != "pct_gni_pc":
        median = f"{'USD' if unit == 'usd' else 'PPP$'} {float(values.median()):,.2f}"
        return f"Median {basket} price {median} a month ({year})"
    below = int((values < TARGET_PCT).sum())
    return (
        f"{count(below, len(values)).capitalize()} {where} price {basket} below the 2% target "
        f"({year})"
    )


def _group_words(group: str) -> str:
    if group in ("all", ""):
        return "economies"
    label = group_name(group).removeprefix("the ")
    return f"economies in {label}" if group.startswith("ITU_") else label


def distribution_finding(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """How many economies of the group meet the target."""
    return _economy_finding(data, p, _group_words(str(p.get("group", "all"))))


def _colour_cap(values: pd.Series, unit: str) -> float:
    """Top of the colour scale: 10% of GNI, or the 90th percentile rounded up for money."""
    if unit == "pct_gni_pc":
        return MAP_CAP_PCT
    top = float(values.quantile(0.9))
    step = 10 ** math.floor(math.log10(top)) if top > 0 else 1
    return math.ceil(top / step) * step


def _colourbar(fig: go.Figure, cap: float, unit: str) -> go.Figure:
    """Cap the colour scale, label its top as 'or more', and mark the target on it."""
    ticks = [0, TARGET_PCT, 5, cap] if unit == "pct_gni_pc" else [0, cap / 2, cap]
    text = [f"{t:g}" for t in ticks]
    text[-1] = f"≥{cap:g}"
    if unit == "pct_gni_pc":
        text[1] = "2 (target)"
    fig.update_traces(zmin=0, zmax=cap, colorbar={"tickvals": ticks, "ticktext": text})
    return fig


def map_rows(tables: Tables, p: dict[str, Any]) -> pd.DataFrame:
    """Every economy's official price at the latest year with data up to the asked one."""
    data, _ = _economy_prices(tables, {**p, "group": "all"}, include=False)
    data = data.drop(columns="experimental").sort_values("entity_id")
    return queries.framed(data, tables, p["edition"])


def world_map(data: pd.DataFrame, p: dict[str, Any]) -> Chart:
    """A world map of the official basket's price in a year; darker is dearer."""
    year = int(data["year"].max())
    column, unit_text = f"price_{p['unit']}", UNITS[p["unit"]][0]
    hover = (
        data["name"]
        + ": "
        + data[column].map("{:.2f}".format)
        + " "
        + UNITS[p["unit"]][1]
        + " ("
        + data["allowance_gb"].map(_gb)
        + ", "
        + data["year"].astype(str)
        + ")"
    )
    fig = figures.choropleth(
        data.assign(hover=hover), column, "hover", UNITS[p["unit"]][1], reverse=True
    )
    cap = _colour_cap(data[column], p["unit"])
    _colourbar(fig, cap, p["unit"])
    fig.update_layout(height=560)
    notes = [
        f"Darker = dearer. Colour scale capped at {cap:g} {UNITS[p['unit']][1]}: economies "
        "above it share the darkest shade (exact values in the data table)."
    ]
    if p["unit"] == "pct_gni_pc":
        notes.append(f"{_count_text(data[column])} (price below 2%).")
    if p["year"] not in (None, "") and int(p["year"]) != year:
        notes.append(f"No official prices for {p['year']}; showing {year}.")
    caption = Caption(
        title=f"{BASKETS[p['basket']]} prices, {year}",
        subtitle=f"{unit_text}, {_gb(float(data['allowance_gb'].iloc[0]))} basket, "
        f"{len(data)} economies; grey: no price collected",
        source=queries.source_of(data),
        notes=(*notes, "ITU's experimental collections are not mapped."),
    )
    return Chart(figures.with_caption(fig, caption), data, caption)


def map_finding(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """How many economies meet the target."""
    return _economy_finding(data, p, "economies")


def _years_in_edition(tables: Tables, p: dict[str, Any]) -> list[int]:
    return queries.edition_values(tables, "broadband_price", p["edition"], "year")


PRICE_COLUMNS = {f"price_{u}": f"Price ({text})" for u, (text, _) in UNITS.items()}
EDITION = edition_param(EDITIONS)
BASKET = Param("basket", "Basket", "fixed_broadband", list(BASKETS), labels=BASKETS)
UNIT = Param(
    "unit", "Unit", "pct_gni_pc", list(UNITS), labels={u: text for u, (text, _) in UNITS.items()}
)
YEAR = Param(
    "year",
    "Year",
    queries.first_of(_years),
    _years,
    kind="int",
    help="The latest year with data up to this one is shown.",
    within=_years_in_edition,
)
WINDOW = Param(
    "window",
    "Trend over the same economies",
    _default_window,
    _window_choices,
    help="ITU's medians over the economies priced in every year of a window, drawn as lines: "
    "unlike the annual medians, ITU says they can be compared over time.",
    within=_windows_in_edition,
    labels=WINDOW_LABELS,
)
EXPERIMENTAL = Param(
    "experimental",
    "Experimental",
    "exclude",
    ["exclude", "include"],
    help="ITU's experimental collections of a basket (not official).",
    labels={"exclude": "Official only", "include": "Include experimental"},
)

MEDIANS = ChartSpec(
    "price_medians",
    "Broadband prices: group medians",
    "ITU's median fixed- or mobile-broadband price for World and the groups of a grouping, "
    "as a share of monthly GNI per capita, in USD or in PPP$, with the 2% affordability "
    "target: annual medians as points, and ITU's medians over the same economies in every "
    "year of a window as lines.",
    (
        BASKET,
        Param("grouping", "Grouping", "income", GROUPINGS, labels=GROUPING_LABELS),
        UNIT,
        WINDOW,
        EXPERIMENTAL,
        EDITION,
    ),
    query=median_rows,
    figure=medians,
    finding=Finding("Line chart", medians_finding, headline=medians_headline),
    tables=("broadband_price", "entities"),
    explore=Explore("broadband_price", years=True, compare=True),
    value="median_{unit}",
    unit="% of monthly GNI per capita, US$ or PPP$ per month",
    columns={
        **{f"median_{u}": f"Median price ({text})" for u, (text, _) in UNITS.items()},
        "sample": "Economies (annual: priced that year; last_N_years: the same in every year)",
    },
)
DISTRIBUTION = ChartSpec(
    "price_distribution",
    "Broadband prices across economies",
    "Every economy's fixed- or mobile-broadband price in a year, against the 2% target, with "
    "the count that meets it, for all economies or a group.",
    (
        BASKET,
        YEAR,
        Param("group", "Economies", "all", GROUPS, labels={"all": "All economies"}),
        UNIT,
        EXPERIMENTAL,
        EDITION,
    ),
    query=distribution_rows,
    figure=distribution,
    finding=Finding("Strip plot", distribution_finding, headline=economy_headline),
    tables=("broadband_price", "entities"),
    value="price_{unit}",
    unit="% of monthly GNI per capita, US$ or PPP$ per month",
    columns={**PRICE_COLUMNS, "below_2pct": "Below the 2% target"},
)
MAP = ChartSpec(
    "price_map",
    "Broadband prices: world map",
    "A world map of the official fixed- or mobile-broadband basket price in a year.",
    (BASKET, YEAR, UNIT, EDITION),
    query=map_rows,
    figure=world_map,
    finding=Finding("World map", map_finding, headline=economy_headline),
    tables=("broadband_price", "entities"),
    explore=Explore("broadband_price", play="year"),
    value="price_{unit}",
    unit="% of monthly GNI per capita, US$ or PPP$ per month",
    columns=PRICE_COLUMNS,
)


# ---- Overview card and links into this topic's views


def medians_link(entity: str, basket: str = "fixed_broadband", edition: str = "") -> str:
    """The annual medians of a group's grouping, in % of GNI per capita."""
    grouping = "special" if queries.grouping_of(entity) == "special" else "income"
    params = {"basket": basket, "grouping": grouping, "unit": "pct_gni_pc", "edition": edition}
    return TOPIC.link("price_medians", params)


def distribution_link(
    group: str, year: int | None, basket: str = "fixed_broadband", edition: str = ""
) -> str:
    """A group's economies against the 2% target in a year."""
    params = {
        "basket": basket,
        "year": year,
        "group": "all" if group == WORLD else group,
        "unit": "pct_gni_pc",
        "edition": edition,
    }
    return TOPIC.link("price_distribution", params)


def _count_claim(row: Mapping[str, Any], spec: Mapping[str, Any], edition: str) -> str:
    if "entity_a" not in spec:
        return TOPIC.path
    year = row.get("year")
    known = year is not None and not pd.isna(year) and year != ""
    basket = str(spec.get("basket") or "fixed_broadband")
    when = int(year) if known and year is not None else None
    return distribution_link(str(spec["entity_a"]), when, basket, edition)


def _count_meeting(frame: pd.DataFrame, claim: dict[str, Any], tables: dict[str, Any]) -> Computed:
    """How many economies of a group price a basket below (or above) a threshold in a year."""
    entities = tables.get("entities")
    group = claim["entity_a"]
    if entities is None:
        raise NotComputable("the entities table has not been built")
    economies = entities[entities["kind"] == "economy"]
    members = set(economies.loc[member_mask(economies, group), "entity_id"])
    if not members:
        raise NotComputable(f"no member economies of {group} in the entities table")
    prices = frame[
        (frame["statistic"] == "value")
        & (frame["sample"] == ANNUAL)
        & (frame["year"] == int(claim["year"]))
        & (frame["basket"] == claim["basket"])
        & (frame["unit"] == "pct_gni_pc")
        & (frame["allowance_gb"] == float(claim["allowance_gb"]))
        & frame["entity_id"].isin(members)
    ]
    if prices.empty:
        raise NotComputable(f"no {claim['basket']} prices for {group} members in {claim['year']}")
    met, total = gaps.count_meeting(prices["value"], float(claim["threshold"]), claim["op"])
    return Computed(float(met), float(met), float(met), f"{met} of {total} {group} economies")


def _median_prices(prices: pd.DataFrame, vintage: str) -> pd.DataFrame:
    """Official fixed-broadband group medians in % of GNI per capita, one edition: annual and
    constant-sample (``sample``)."""
    rows = prices[
        (prices["source"] == cards.PRICE_SOURCE)
        & (prices["vintage"] == vintage)
        & (prices["basket"] == "fixed_broadband")
        & (prices["unit"] == "pct_gni_pc")
        & (prices["statistic"] == "median")
        & ~prices["experimental"]
    ]
    return rows


def price_metric(rows: pd.DataFrame, vintage: str, entity: str) -> cards.Metric | None:
    """The median fixed-broadband price of a group at its latest year, against the target."""
    own = rows[rows["entity_id"] == entity].sort_values("year")
    annual = own[own["sample"] == ANNUAL]
    if annual.empty:
        return None
    last = annual.iloc[-1]
    # ITU moved the basket from 1 GB to 5 GB in 2018: the trend keeps the latest basket only.
    trend, trend_label, trend_mode = _price_trend(own[own["allowance_gb"] == last["allowance_gb"]])
    value = float(last["value"])
    times = gaps.ratio(value, cards.PRICE_TARGET_PCT)
    versus = (
        f"{times:.1f} times the 2% target" if value > cards.PRICE_TARGET_PCT else "meets the target"
    )
    return cards.Metric(
        label=f"{cards.short_name(entity)} (median)",
        text=f"{value:.1f}%",
        value=value,
        detail=(
            f"Fixed broadband ({last['allowance_gb']:g} GB) as % of monthly GNI per capita; "
            f"{versus}."
        ),
        year=int(last["year"]),
        edition=cards.edition_name(cards.PRICE_SOURCE, vintage),
        trend=trend,
        trend_label=trend_label,
        trend_mode=trend_mode,
        href=medians_link(entity, "fixed_broadband", f"{cards.PRICE_SOURCE}@{vintage}"),
    )


def _price_trend(same: pd.DataFrame) -> tuple[pd.DataFrame, str, str]:
    """A group's medians of one basket for the sparkline: the longest constant-sample window as
    a line; without one, the annual medians as points (ITU: not a trend)."""
    gb = f"{queries.number(same['allowance_gb'].iloc[0]):g} GB basket"
    windows = _windows_of(same["sample"].unique())
    line = same[same["sample"] == windows[0]] if windows else same.iloc[:0]
    if len(line) > 1:
        values = line.set_index("year")["value"].sort_index()
        return cards.trend(values), f"{gb}, median over the same economies", "lines"
    annual = same[same["sample"] == ANNUAL].set_index("year")["value"].sort_index()
    label = f"Annual medians, {gb} (ITU: not for year-on-year comparison)"
    return cards.trend(annual), label, "markers"


def meeting_metric(prices: pd.DataFrame, vintage: str) -> cards.Metric | None:
    """How many economies' fixed-broadband basket costs less than 2% of GNI p.c., latest year."""
    rows = prices[
        (prices["source"] == cards.PRICE_SOURCE)
        & (prices["vintage"] == vintage)
        & (prices["basket"] == "fixed_broadband")
        & (prices["unit"] == "pct_gni_pc")
        & (prices["statistic"] == "value")
        & (prices["sample"] == ANNUAL)
        & ~prices["experimental"]
    ]
    if rows.empty:
        return None
    year = int(rows["year"].max())
    # The trend keeps the latest basket (1 GB until 2017, 5 GB since): one basket, one series.
    latest = rows.loc[rows["year"] == year, "allowance_gb"].iloc[0]
    rows = rows[rows["allowance_gb"] == latest]
    met, total = gaps.count_meeting(rows.loc[rows["year"] == year, "value"], cards.PRICE_TARGET_PCT)
    per_year = rows.groupby("year")["value"].apply(
        lambda v: 100 * gaps.count_meeting(v, cards.PRICE_TARGET_PCT)[0] / max(1, v.notna().sum())
    )
    return cards.Metric(
        label="Economies meeting the 2% target",
        text=f"{met} of {total}",
        value=float(met),
        detail=(
            f"Economies whose fixed-broadband basket costs less than 2% of monthly GNI per "
            f"capita ({100 * met / total:.0f}%)."
        ),
        year=year,
        edition=cards.edition_name(cards.PRICE_SOURCE, vintage),
        trend=cards.trend(per_year),
        trend_label=(
            f"Share meeting it each year, %, {latest:g} GB basket (the economies priced vary "
            "by year)"
        ),
        trend_mode="markers",
        href=distribution_link("all", year, "fixed_broadband", f"{cards.PRICE_SOURCE}@{vintage}"),
    )


# The medians' sparklines end at a constant-sample value, which differs from the annual headline.
SAME_ECONOMIES_NOTE = (
    "Median sparklines: ITU's medians over the same economies in every year shown, the medians "
    "ITU says can be compared over time; the figures above are the latest annual medians, over "
    "every economy priced that year."
)


def price_card(prices: pd.DataFrame | None) -> cards.Card:
    """Median fixed-broadband price in LDCs and the world vs the 2% affordability target."""
    card = cards.Card("prices", "Fixed-broadband prices", "/affordability", "Affordability page")
    if prices is None or prices.empty:
        return cards.empty_card(card, "broadband_price")
    vintages = cards.vintages(prices, cards.PRICE_SOURCE)
    if not vintages:
        return cards.no_rows_card(card, "ITU price-basket medians")
    rows = _median_prices(prices, vintages[0])
    medians = [m for m in (price_metric(rows, vintages[0], e) for e in (LDC, WORLD)) if m]
    meeting = meeting_metric(prices, vintages[0])
    metrics = tuple([meeting, *medians] if meeting else medians)
    if not metrics:
        return cards.no_rows_card(card, "fixed-broadband medians for LDCs or the world")
    notes = (
        "Target: entry-level broadband below 2% of monthly GNI per capita "
        "(Broadband Commission, 2025).",
        *((SAME_ECONOMIES_NOTE,) if any(m.trend_mode == "lines" for m in medians) else ()),
    )
    return cards.filled_card(card, metrics, notes)


TOPIC = Topic(
    key="prices",
    title="Affordability",
    nav="Affordability",
    path="/affordability",
    order=3,
    intro=(
        "What entry-level fixed and mobile broadband cost, from the ITU ICT Price Baskets: as a "
        "share of monthly GNI per capita (against the Broadband Commission target of less than "
        "2%), in US dollars or in PPP dollars. Group medians by year, every economy in a year, "
        "and a map. The baskets' data allowances changed over the years (series breaks are "
        "marked)."
    ),
    panels=(
        ("prices-medians", MEDIANS),
        ("prices-distribution", DISTRIBUTION),
        ("prices-map", MAP),
    ),
    card=lambda tables: price_card(tables.get("broadband_price")),
    claims=(
        ClaimMetric("count_meeting", "broadband_price", _count_meeting, " economies", _count_claim),
    ),
    tables=("broadband_price", "entities"),
)

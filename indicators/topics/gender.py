"""The gender gap in Internet use: parity over time by group, female vs male by economy."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from indicators import figures
from indicators.catalogue import cards, economies, queries
from indicators.catalogue.charts import ChartSpec, Finding, Param, grouping_param
from indicators.catalogue.errors import NoData
from indicators.catalogue.explore import Explore
from indicators.catalogue.topic import ClaimMetric, Topic
from indicators.catalogue.wording import (
    aside,
    count,
    extremes,
    latest,
    name,
    named,
    pct,
    with_lead,
    year_span,
)
from indicators.contract.schemas import field_info
from indicators.contract.store import Tables
from indicators.etl.codes import GROUPING_STAND_INS, LDC, WORLD
from indicators.figures import Caption, Chart, theme
from indicators.metrics import gaps
from indicators.metrics.claims import Computed, value_of, with_rounding

ITU_EDITIONS = queries.EditionChoices(
    "internet_use", ("itu_aggregates",), ("development", "itu_region", "income", "special")
)
COUNTRY_EDITIONS = queries.EditionChoices("internet_use", ("itu_gender_country",))
# How a grouping reads inside a sentence ("... by income group").
GROUPING_TEXT = {
    "development": "development status",
    "itu_region": "ITU region",
    "income": "income group",
    "special": "LDCs, LLDCs and SIDS",
}
UNIT = field_info("internet_use", "value_pct")["unit"]
PARITY_LABEL = f"parity band {gaps.PARITY_BAND[0]:.2f}-{gaps.PARITY_BAND[1]:.2f}"


@dataclass(frozen=True)
class Metric:
    """One reading of the gap between the female and the male rate."""

    column: str
    title: str
    unit: str
    hover: str
    compute: Callable[[float, float], float]  # (female, male) -> value
    note: str


# The gap as ITU and the reports state it, in four readings of the same two rates.
METRICS: dict[str, Metric] = {
    "parity": Metric(
        "parity",
        "Gender parity score in Internet use",
        "female / male rate",
        ".3f",
        gaps.parity_score,
        "Parity score = female rate / male rate; below 1 fewer women than men are online. "
        f"ITU reads {gaps.PARITY_BAND[0]}-{gaps.PARITY_BAND[1]} (shaded) as parity.",
    ),
    "points": Metric(
        "gap_pp",
        "Gender gap in Internet use",
        "percentage points (male - female)",
        ".1f",
        # Both rates carry one decimal, so one decimal is exact and drops float noise.
        lambda female, male: round(gaps.point_gap(male, female), 1),
        "Gap = male rate - female rate, in percentage points; above 0 favours men.",
    ),
    "relative_gap": Metric(
        "relative_gap_pct",
        "Relative gender gap in Internet use (ITU)",
        "%, (male - female) / male",
        ".1f",
        lambda female, male: 100 * gaps.relative_gender_gap(female, male),
        "ITU's gender gap = (male rate - female rate) / male rate: how much less likely "
        "women are to use the Internet than men, in per cent.",
    ),
}
METRIC_CHOICES = [*METRICS, "rates"]
RATES_NOTE = "Dashed: women; solid: men. Each rate is a % of the population of that sex."


def _sex_editions(tables: Tables) -> list[str]:
    """ITU aggregate editions that split Internet use by sex, newest first."""
    frame = tables.get("internet_use")
    if frame is None or frame.empty:
        return []

    def compute() -> list[str]:
        female = frame[frame["sex"] == "female"]
        with_split = {
            f"{s}@{v}"
            for s, v in female[["source", "vintage"]].drop_duplicates().itertuples(index=False)
        }
        return [k for k in ITU_EDITIONS.options(tables) if k in with_split]

    return list(queries.memo(tables, frame, ("sex-editions",), compute))


def _edition_rows(tables: Tables, key: str, what: str) -> pd.DataFrame:
    """The rows of an edition, or NoData saying that no edition with ``what`` was built."""
    if not key:
        raise NoData(f"No edition with {what} has been built: {queries.BUILD_HINT}.")
    return queries.rows_of(tables, "internet_use", key)


def _by_sex(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per entity and year with female_pct and male_pct (both present)."""
    wide = rows[rows["sex"].isin(["female", "male"])].pivot_table(
        index=["entity_id", "year"], columns="sex", values="value_pct", aggfunc="first"
    )
    wide = wide.reindex(columns=["female", "male"]).dropna()
    wide.columns = ["female_pct", "male_pct"]
    return wide.reset_index()


def _group_rows(tables: Tables, p: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """World and the groups of the grouping with both sexes, in the entities table's order."""
    rows = queries.in_years(_edition_rows(tables, p["edition"], "Internet use by sex"), p)
    wanted = [WORLD, *queries.group_ids(tables, p["grouping"])]
    rows = rows[rows["entity_id"].isin(wanted)]
    wide = _by_sex(rows)
    if not wide["entity_id"].isin(wanted[1:]).any():
        raise NoData(
            f"{queries.edition_label(p['edition'])} has no {GROUPING_TEXT[p['grouping']]} "
            "groups split by sex; choose another grouping."
        )
    order = {e: i for i, e in enumerate(wanted)}
    wide = wide.sort_values(
        ["entity_id", "year"], key=lambda s: s.map(order) if s.name == "entity_id" else s
    )
    names = queries.names(tables)
    wide.insert(1, "name", wide["entity_id"].map(names))
    return wide.reset_index(drop=True), rows


def _estimate_note(rows: pd.DataFrame) -> tuple[str, ...]:
    """Say which plotted years of the female and male rates the publisher marks as estimates."""
    return queries.estimate_note(rows[rows["sex"].isin(["female", "male"])])


def _style_rates(fig: go.Figure, keys: list[tuple[str, str]], names: dict[str, str]) -> go.Figure:
    """One colour and one legend entry (the solid male line) per group; female dashed."""
    colours = theme.entity_colours(entity for entity, _ in keys)
    for trace, (entity, sex) in zip(fig.data, keys, strict=True):
        colour = colours[entity]
        female = sex == "female"
        trace.update(
            name=names.get(entity, entity),
            legendgroup=entity,
            showlegend=not female,
            line={"color": colour, "dash": "dash" if female else "solid"},
            marker={"color": colour, "symbol": "circle-open" if female else "circle"},
            hovertemplate=f"{sex} %{{y:.1f}}",
        )
    return fig


def _rates(wide: pd.DataFrame) -> pd.DataFrame:
    """Female and male rates, one row per group, year and sex."""
    data = wide.melt(
        id_vars=["entity_id", "name", "year"],
        value_vars=["female_pct", "male_pct"],
        var_name="sex",
        value_name="value_pct",
    )
    data["sex"] = data["sex"].str.removesuffix("_pct")
    order = {e: i for i, e in enumerate(wide["entity_id"].unique())}
    return data.sort_values(
        ["entity_id", "sex", "year"], key=lambda s: s.map(order) if s.name == "entity_id" else s
    )


def parity_rows(tables: Tables, p: dict[str, Any]) -> pd.DataFrame:
    """The world and the groups of a grouping: both rates, or the chosen measure of the gap."""
    wide, rows = _group_rows(tables, p)
    if p["metric"] == "rates":
        data = _rates(wide)
    else:
        spec = METRICS[p["metric"]]
        values = [
            spec.compute(f, m) for f, m in zip(wide["female_pct"], wide["male_pct"], strict=True)
        ]
        data = wide.assign(**{spec.column: values})
    return queries.framed(data, tables, p["edition"], notes=_estimate_note(rows))


def _rates_figure(data: pd.DataFrame) -> go.Figure:
    """Female and male rates as two lines per group."""
    series = data["entity_id"] + "|" + data["sex"]
    fig = figures.lines(data.assign(series=series), "year", "value_pct", "series", y_title=UNIT)
    keys = [(k.split("|")[0], k.split("|")[1]) for k in series.unique()]
    _style_rates(fig, keys, queries.names_in(data))
    fig.update_yaxes(range=[0, 100])
    return fig


def _metric_figure(data: pd.DataFrame, metric: str) -> go.Figure:
    """One line per group of the chosen gap metric, with parity marked."""
    spec = METRICS[metric]
    fig = figures.group_lines(
        data, spec.column, queries.names_in(data), y_title=spec.unit, hover_format=spec.hover
    )
    if metric == "parity":
        figures.band(fig, *gaps.PARITY_BAND, PARITY_LABEL)
        low = min(float(data["parity"].min()), gaps.PARITY_BAND[0])
        high = max(float(data["parity"].max()), gaps.PARITY_BAND[1])
        fig.update_yaxes(range=[low - 0.03, high + 0.03])
    else:
        figures.reference_lines(fig, [("parity", 0.0)])
    return fig


def parity(data: pd.DataFrame, p: dict[str, Any]) -> Chart:
    """The gender gap over time for World and the groups of a grouping, in the chosen metric."""
    if p["metric"] == "rates":
        fig = _rates_figure(data)
        title, unit, note = (
            "Internet use of women and men",
            f"{UNIT}, women dashed, men solid",
            RATES_NOTE,
        )
    else:
        fig = _metric_figure(data, p["metric"])
        spec = METRICS[p["metric"]]
        title, unit, note = spec.title, spec.unit, spec.note
    label = GROUPING_TEXT[p["grouping"]]
    caption = Caption(
        title=f"{title} by {label}" if p["grouping"] != "special" else f"{title}: {label}",
        subtitle=f"{unit}, World and {label}, {year_span(data)}",
        source=queries.source_of(data),
        notes=(
            note,
            f"Edition: {queries.edition_label(p['edition'])}.",
            *queries.notes_of(data),
        ),
    )
    return Chart(figures.with_caption(fig, caption), data, caption)


def _rates_finding(year: int, rows: pd.DataFrame) -> str:
    """Women's and men's use in the latest year, and where the gap is widest."""
    wide = rows.pivot_table(index=["entity_id", "name"], columns="sex", values="value_pct")
    wide = wide.reset_index().assign(gap=lambda f: f["male"] - f["female"])
    where = wide[wide["entity_id"] == WORLD]
    first = where.iloc[0] if len(where) else wide.iloc[0]
    place = "worldwide" if len(where) else f"in {name(first)}"
    others = wide[wide["entity_id"] != WORLD]
    text = (
        f"In {year}, {pct(first['female'])} of women and {pct(first['male'])} of men used "
        f"the Internet {place}"
    )
    if len(others):
        widest = others.sort_values("gap").iloc[-1]
        text += f"; the gap was widest in {aside(name(widest), f'{widest.gap:.1f} points')}"
    return text + "."


def parity_finding(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """The gap worldwide in the latest year, in the chosen measure, and the widest group."""
    year, rows = latest(data)
    metric = p.get("metric", "parity")
    if metric == "rates":
        return _rates_finding(year, rows)
    world, groups, lead = with_lead(rows)
    where = "worldwide" if world is not None else f"in {name(groups.iloc[0])}"
    if metric == "parity":
        within = int(groups["parity"].between(*gaps.PARITY_BAND).sum())
        _, low = extremes(groups, "parity")
        return (
            f"In {year}, the gender parity score was {lead['parity']:.2f} {where}; "
            f"{count(within, len(groups))} groups {'was' if within == 1 else 'were'} within "
            f"the parity band ({gaps.PARITY_BAND[0]:.2f}-{gaps.PARITY_BAND[1]:.2f}), "
            f"and the lowest score was in {aside(name(low), f'{low.parity:.2f}')}."
        )
    column = "gap_pp" if metric == "points" else "relative_gap_pct"
    top, _ = extremes(groups, column)
    if metric == "points":
        return (
            f"In {year}, the share of men using the Internet exceeded that of women by "
            f"{lead[column]:.1f} percentage points {where}; the gap was widest in "
            f"{aside(name(top), f'{top[column]:.1f} points')}."
        )
    return (
        f"In {year}, women were {lead[column]:.0f}% less likely than men to use the Internet "
        f"{where}, and {top[column]:.0f}% less likely in {name(top)}."
    )


def parity_headline(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """'Gender parity score 0.94 worldwide, 0.66 in low-income economies (2024)'."""
    year, rows = latest(data)
    metric = p.get("metric", "parity")
    if metric == "rates":
        wide = rows.pivot_table(index="entity_id", columns="sex", values="value_pct")
        at = list(wide.index).index(WORLD) if WORLD in wide.index else 0
        women, men = float(wide["female"].iloc[at]), float(wide["male"].iloc[at])
        return f"{pct(women)} of women vs {pct(men)} of men online ({year})"
    world, groups, lead = with_lead(rows)
    where = "worldwide" if world is not None else f"in {named(lead)}"
    if metric == "parity":
        _, low = extremes(groups, "parity")
        return (
            f"Gender parity score {lead['parity']:.2f} {where}, {low['parity']:.2f} in "
            f"{aside(named(low), str(year))}"
        )
    if metric == "points":
        top, _ = extremes(groups, "gap_pp")
        return (
            f"Men {lead['gap_pp']:.1f} points ahead of women online {where}, "
            f"{top['gap_pp']:.1f} in {aside(named(top), str(year))}"
        )
    top, _ = extremes(groups, "relative_gap_pct")
    return (
        f"Women {lead['relative_gap_pct']:.0f}% less likely than men to be online {where}, "
        f"{top['relative_gap_pct']:.0f}% in {aside(named(top), str(year))}"
    )


def _country_rows(tables: Tables, p: dict[str, Any]) -> pd.DataFrame:
    """Economies with both sexes in the edition, optionally in one ITU region."""
    rows = _edition_rows(tables, p["edition"], "Internet use by sex for economies")
    ent = queries.entities(tables)
    economies = ent[ent["kind"] == "economy"]
    if p["region"] != "all":
        economies = economies[economies["itu_region"] == p["region"]]
    wide = _by_sex(rows[rows["entity_id"].isin(set(economies["entity_id"]))])
    if wide.empty:
        where = "" if p["region"] == "all" else f" in {queries.names(tables).get(p['region'])}"
        raise NoData(
            f"{queries.edition_label(p['edition'])} has no economies{where} with "
            "Internet use for both women and men."
        )
    wide.insert(1, "name", wide["entity_id"].map(queries.names(tables)))
    # Inputs carry one decimal, so the difference is exact at one decimal (no float noise).
    gap = [
        round(gaps.point_gap(m, f), 1)
        for f, m in zip(wide["female_pct"], wide["male_pct"], strict=True)
    ]
    return wide.assign(gap_pp=gap)


SORTS: economies.Sorts = {
    "gap": (["gap_pp", "name"], [False, True], "largest gap in men's favour first"),
    "female": (["female_pct", "name"], [False, True], "highest female use first"),
    "name": (["name"], [True], "by name"),
}


def country_rows(tables: Tables, p: dict[str, Any]) -> pd.DataFrame:
    """Economies with both rates at their latest survey year, in the chosen order."""
    data = economies.in_order(_country_rows(tables, p), SORTS, p["sort"])
    names = {p["region"]: queries.names(tables).get(p["region"], p["region"])}
    notes = _region_note(tables, data, p["region"])
    return queries.framed(data, tables, p["edition"], notes=notes, names=names)


def countries(data: pd.DataFrame, p: dict[str, Any]) -> Chart:
    """Female vs male Internet use by economy, each at its latest survey year."""
    order = SORTS[p["sort"]][2]
    fig = economies.dot_plot(data, "female_pct", "male_pct", "Female", "Male", UNIT)
    where = economies.region_text(data, p)
    ahead = int((data["gap_pp"] <= 0).sum())
    caption = Caption(
        title="Internet use by sex, by economy",
        subtitle=f"{UNIT}, women vs men; {len(data)} economies ({where}), {order}",
        source=queries.source_of(data),
        notes=(
            economies.years_note(data),
            f"Women's use equals or exceeds men's in {ahead} of {len(data)} economies; "
            "gap = male - female, in percentage points.",
            *queries.notes_of(data),
        ),
    )
    return Chart(figures.with_caption(fig, caption), data, caption)


def countries_finding(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """In how many economies men are ahead, and the widest gap."""
    men_ahead = int((data["gap_pp"] > 0).sum())
    top = economies.widest(data)
    where = economies.widest_text(top)
    if len(top) == 1:
        widest = top.iloc[0]
        where += f": {pct(widest['male_pct'])} of men against {pct(widest['female_pct'])} of women"
    return (
        f"Men's Internet use exceeded women's in {count(men_ahead, len(data))} economies "
        f"shown; the gap was widest in {where}."
    )


def countries_headline(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """'More men than women online in all 10 economies shown'."""
    men_ahead = int((data["gap_pp"] > 0).sum())
    return f"More men than women online in {count(men_ahead, len(data))} economies shown"


def _region_note(tables: Tables, data: pd.DataFrame, region: str) -> tuple[str, ...]:
    """Name the economies that no ITU region holds (they show under all regions only)."""
    if region != "all":
        return ("Regions: ITU/BDT regions, from the ITU price-basket economy list.",)
    ent = queries.entities(tables).set_index("entity_id")["itu_region"]
    loose = sorted(data.loc[data["entity_id"].map(ent).isna(), "name"])
    if not loose:
        return ()
    return (f"Not in any ITU region, shown under all regions only: {', '.join(loose)}.",)


SEX_COLUMNS = {
    "female_pct": "Women using the Internet (% of women)",
    "male_pct": "Men using the Internet (% of men)",
    "value_pct": f"Individuals using the Internet ({UNIT})",
    "parity": "Gender parity score (female / male)",
    "gap_pp": "Gender gap (percentage points, male - female)",
    "relative_gap_pct": "ITU relative gender gap (%)",
}
SEX_EDITION = Param("edition", "Edition", queries.first_of(_sex_editions), _sex_editions)

PARITY = ChartSpec(
    "gender_parity",
    "Gender gap in Internet use by group",
    "Gender parity score (female / male), the gap in percentage points, ITU's relative gap or "
    "both rates over time, for World and the groups of a grouping (ITU editions split by sex).",
    (
        grouping_param(ITU_EDITIONS, stand_ins=GROUPING_STAND_INS),
        Param(
            "metric",
            "Measure",
            "parity",
            METRIC_CHOICES,
            labels={
                "parity": "Parity score (female / male)",
                "points": "Gap in percentage points",
                "relative_gap": "ITU relative gap (%)",
                "rates": "Female and male rates",
            },
        ),
        SEX_EDITION,
    ),
    query=parity_rows,
    figure=parity,
    finding=Finding("Line chart", parity_finding, headline=parity_headline),
    tables=("internet_use", "entities"),
    explore=Explore("internet_use", years=True, compare=True, end_labels=True),
    value=lambda p: METRICS[p["metric"]].column if p["metric"] in METRICS else "value_pct",
    unit="parity score, percentage points, % or % of population, by measure",
    columns=SEX_COLUMNS,
)
COUNTRIES = ChartSpec(
    "gender_countries",
    "Women and men online, by economy",
    "Female vs male Internet use for each economy at its latest survey year (ITU, Dec 2019).",
    economies.params(SORTS, COUNTRY_EDITIONS),
    query=country_rows,
    figure=countries,
    finding=Finding("Dot plot", countries_finding, headline=countries_headline),
    tables=("internet_use", "entities"),
    value="gap_pp",
    unit="percentage points",
    columns={**SEX_COLUMNS, "year": "Survey year"},
)


# ---- Overview card and links into this topic's views


def parity_link(entity: str, metric: str = "parity", edition: str = "") -> str:
    """The gap over time of the grouping that holds a group, in one measure."""
    grouping = queries.link_grouping(entity)
    params = {"grouping": grouping, "metric": metric, "edition": edition}
    return TOPIC.link("gender_parity", params)


def _gender_claim(row: Mapping[str, Any], spec: Mapping[str, Any], edition: str) -> str:
    if "entity_a" in spec:
        metric = "parity" if row.get("metric") == "parity_score" else "relative_gap"
        return parity_link(str(spec["entity_a"]), metric, edition)
    return TOPIC.path


def _rates_of(frame: pd.DataFrame, claim: dict[str, Any]) -> dict[str, float]:
    """A group's female and male rates in the claim's year."""
    year = int(claim["year"])
    return {
        sex: value_of(frame, claim["entity_a"], year, "value_pct", sex=sex)
        for sex in ("female", "male")
    }


def _parity(frame: pd.DataFrame, claim: dict[str, Any], tables: dict[str, Any]) -> Computed:
    """Gender parity score: the female rate over the male rate."""
    return with_rounding(gaps.parity_score, _rates_of(frame, claim))


def _relative_gap(frame: pd.DataFrame, claim: dict[str, Any], tables: dict[str, Any]) -> Computed:
    """ITU's relative gender gap, in per cent of the male rate."""
    return with_rounding(lambda f, m: 100 * gaps.relative_gender_gap(f, m), _rates_of(frame, claim))


def gender_metric(use: pd.DataFrame, vintage: str, entity: str) -> cards.Metric | None:
    """Gender parity score (headline) and ITU's relative gender gap of one group."""
    female, male = cards.wide(use, vintage, "female"), cards.wide(use, vintage, "male")
    if entity not in female or entity not in male:
        return None
    both = pd.DataFrame({"f": female[entity], "m": male[entity]}).dropna()
    if both.empty:
        return None
    year = int(both.index.max())
    f, m = queries.number(both.loc[year, "f"]), queries.number(both.loc[year, "m"])
    score = gaps.parity_score(f, m)
    gap = 100 * gaps.relative_gender_gap(f, m)
    return cards.Metric(
        label=cards.short_name(entity),
        text=f"{score:.2f}",
        value=score,
        detail=(
            f"Gender parity score; women are {gap:.1f}% less likely than men to use the "
            f"Internet ({f:.1f}% vs {m:.1f}%)."
        ),
        year=year,
        edition=cards.edition_name(cards.ITU_SOURCE, vintage),
        trend=cards.trend(both["f"] / both["m"]),
        trend_label="Parity score",
        href=parity_link(entity, "parity", f"{cards.ITU_SOURCE}@{vintage}"),
    )


def gender_card(use: pd.DataFrame | None) -> cards.Card:
    """Parity score and relative gap for the world and LDCs, newest ITU edition with sexes."""
    card = cards.Card("gender", "Gender gap in Internet use", "/gender", "Gender page")
    if use is None or use.empty:
        return cards.empty_card(card, "internet_use")
    with_sex = [
        v for v in cards.vintages(use, cards.ITU_SOURCE) if not cards.wide(use, v, "female").empty
    ]
    if not with_sex:
        return cards.no_rows_card(card, "an ITU aggregate edition with a split by sex")
    metrics = tuple(
        m for m in (gender_metric(use, with_sex[0], e) for e in (WORLD, LDC)) if m is not None
    )
    if not metrics:
        return cards.no_rows_card(card, "female and male Internet use for the world or LDCs")
    low, high = gaps.PARITY_BAND
    notes = (f"Parity score = female / male rate; {low}-{high} counts as parity.",)
    return cards.filled_card(card, metrics, notes)


TOPIC = Topic(
    key="gender",
    title="Gender gap in Internet use",
    nav="Gender gap",
    path="/gender",
    order=2,
    intro=(
        "How much less likely women are to use the Internet than men: ITU's gender parity "
        "score (female / male rate, with 0.98-1.02 counted as parity), the gap in percentage "
        "points or ITU's relative gap, for the world and groups of economies; and women's and "
        "men's use side by side for each economy at its latest survey year."
    ),
    panels=(("gender-parity", PARITY), ("gender-countries", COUNTRIES)),
    card=lambda tables: gender_card(tables.get("internet_use")),
    claims=(
        ClaimMetric("relative_gender_gap", "internet_use", _relative_gap, "%", _gender_claim),
        ClaimMetric("parity_score", "internet_use", _parity, "", _gender_claim),
    ),
    tables=("internet_use", "entities"),
)

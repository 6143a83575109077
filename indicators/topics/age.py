"""Young and old: Internet use of people aged 15-24 and of the rest of the population by group,
and the generational gap over time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import partial
from typing import Any

import pandas as pd

from indicators import figures
from indicators.catalogue import cards, queries, splits
from indicators.catalogue.charts import ChartSpec, Finding, Param, edition_param, grouping_param
from indicators.catalogue.explore import Explore
from indicators.catalogue.topic import ClaimMetric, Topic
from indicators.contract.schemas import field_info
from indicators.contract.store import Tables
from indicators.figures import Chart
from indicators.metrics import gaps
from indicators.metrics.claims import Computed, NotComputable, value_of, with_rounding
from indicators.metrics.divides import GENERATIONAL, SPLIT_MEASURES, point_gap

SPLIT = GENERATIONAL
TABLE = SPLIT.table
UNIT = field_info(TABLE, "value_pct")["unit"]
COLUMNS = {
    "age": "Age group (youth: 15-24; rest: everyone else)",
    "value_pct": f"Individuals using the Internet ({UNIT})",
    "youth_pct": "People aged 15-24 using the Internet (% of the age group)",
    "rest_pct": "Rest of the population using the Internet (% of the rest)",
    "gap_pp": "Generational gap (percentage points, youth - rest)",
    "ratio": "Generational ratio (youth / rest)",
}
# Not two age bands of equal width: the rest is everyone who is not 15-24.
REST_NOTE = (
    "Youth: aged 15-24 (the UN definition ITU uses); the rest of the population is everyone "
    "else, so the two are not age bands of equal width."
)


EDITIONS = splits.edition_choices(SPLIT)
GROUPING = grouping_param(EDITIONS)
EDITION = edition_param(EDITIONS)


def _with_note(chart: Chart) -> Chart:
    """The chart with the note on what 'the rest of the population' is."""
    caption = replace(chart.caption, notes=(*chart.caption.notes, REST_NOTE))
    return replace(chart, figure=figures.with_caption(chart.figure, caption), caption=caption)


def rate_rows(tables: Tables, p: dict[str, Any]) -> pd.DataFrame:
    """Internet use aged 15-24 and of the rest, of the world and the groups, by year."""
    return splits.rates_frame(splits.group_gaps(tables, p, SPLIT), SPLIT)


def by_group(data: pd.DataFrame, p: dict[str, Any]) -> Chart:
    """Youth (solid) and the rest of the population (dashed) over time, one colour per group."""
    chart = splits.rates_chart(data, p, SPLIT, "Internet use of young people and the rest")
    return _with_note(chart)


by_group_finding = partial(splits.rates_finding, split=SPLIT)
by_group_headline = partial(splits.rates_headline, split=SPLIT)
gap_rows = partial(splits.group_gaps, split=SPLIT)


def gap(data: pd.DataFrame, p: dict[str, Any]) -> Chart:
    """The generational gap over time, one line per group."""
    return _with_note(splits.gap_chart(data, p, SPLIT, "The generational gap in Internet use"))


gap_finding = partial(splits.gap_finding, split=SPLIT)
gap_headline = partial(splits.gap_headline, split=SPLIT)


BY_GROUP = ChartSpec(
    "age_by_group",
    "Internet use of young people and the rest, by group",
    "Internet use of people aged 15-24 and of the rest of the population over time, for the "
    "world and the groups of a grouping, from ITU's key ICT indicators.",
    (GROUPING, EDITION),
    query=rate_rows,
    figure=by_group,
    finding=Finding("Line chart", by_group_finding, headline=by_group_headline),
    tables=(TABLE, "entities"),
    explore=Explore(TABLE, years=True, compare=True),
    value="value_pct",
    unit=UNIT,
    columns=COLUMNS,
)
GAP = ChartSpec(
    "age_gap",
    "Generational gap by group",
    "The generational gap in Internet use (people aged 15-24 against the rest) over time, as a "
    "ratio or in percentage points, for the world and the groups of a grouping.",
    (
        GROUPING,
        Param(
            "measure",
            "Measure",
            "points",
            list(SPLIT_MEASURES),
            labels={"ratio": "Ratio (youth / rest)", "points": "Gap in percentage points"},
        ),
        EDITION,
    ),
    query=gap_rows,
    figure=gap,
    finding=Finding("Line chart", gap_finding, headline=gap_headline),
    tables=(TABLE, "entities"),
    explore=Explore(TABLE, years=True, compare=True),
    value=lambda p: SPLIT_MEASURES[p["measure"]].column,
    unit="percentage points or times, by measure",
    columns=COLUMNS,
)


# ---- Overview card, claims and links


def gap_link(entity: str, measure: str = "points", edition: str = "") -> str:
    """The generational gap over time of the grouping that holds a group."""
    grouping = queries.link_grouping(entity)
    return TOPIC.link(GAP.id, {"grouping": grouping, "measure": measure, "edition": edition})


def _claim_link(row: Mapping[str, Any], spec: Mapping[str, Any], edition: str) -> str:
    if "entity_a" not in spec:
        return TOPIC.path
    entity = str(spec["entity_a"])
    if row.get("metric") == "generational_ratio":
        return gap_link(entity, "ratio", edition)
    if row.get("metric") == "generational_gap":
        return gap_link(entity, "points", edition)
    grouping = queries.link_grouping(entity)
    return TOPIC.link(BY_GROUP.id, {"grouping": grouping, "edition": edition})


def _rate(frame: pd.DataFrame, claim: dict[str, Any], age: str) -> float:
    return value_of(frame, claim["entity_a"], int(claim["year"]), "value_pct", age=age)


def _level(frame: pd.DataFrame, claim: dict[str, Any], tables: dict[str, Any]) -> Computed:
    """Internet use (%) of an age group of a group in a year."""
    age = str(claim.get("age") or "")
    if age not in ("youth", "rest", "total"):
        raise NotComputable("the claim gives no age group (youth, rest or total)")
    return with_rounding(lambda v: v, {f"{claim['entity_a']} {age}": _rate(frame, claim, age)})


def _both(frame: pd.DataFrame, claim: dict[str, Any]) -> dict[str, float]:
    return {"youth": _rate(frame, claim, "youth"), "rest": _rate(frame, claim, "rest")}


def _ratio(frame: pd.DataFrame, claim: dict[str, Any], tables: dict[str, Any]) -> Computed:
    """The generational ratio: youth use / use of the rest of the population."""
    return with_rounding(gaps.ratio, _both(frame, claim))


def _points(frame: pd.DataFrame, claim: dict[str, Any], tables: dict[str, Any]) -> Computed:
    """The generational gap in percentage points: youth use - use of the rest."""
    return with_rounding(point_gap, _both(frame, claim))


TOPIC_PATH = "/age"
CARD = splits.GapCard(
    SPLIT,
    cards.Card("age", "Young and old", TOPIC_PATH, "Young and old page"),
    "points",
    text=lambda last: f"{last['gap_pp']:+.1f}",
    detail=lambda last: (
        f"Percentage points between people aged 15-24 ({last['youth_pct']:.1f}% online) "
        f"and the rest of the population ({last['rest_pct']:.1f}%); a ratio of "
        f"{last['ratio']:.2f}."
    ),
    trend_label="Gap in points",
    link=gap_link,
    missing="ITU Internet use by age for the world or LDCs",
    notes=("Youth: aged 15-24; the rest: everyone else in the population.",),
)


def age_card(tables: Tables) -> cards.Card:
    """The generational gap of the world and the LDCs (newest ITU edition)."""
    return splits.gap_card(tables, CARD)


TOPIC = Topic(
    key="age",
    title="Young and old",
    nav="Young and old",
    path=TOPIC_PATH,
    order=7,
    intro=(
        "How much more likely people aged 15-24 are to use the Internet than the rest of the "
        "population: both rates and the gap (in percentage points, or as a ratio) for the world "
        "and groups of economies, from ITU's key ICT indicators. The rest of the population is "
        "everyone not aged 15-24, so the two groups are not age bands of equal width."
    ),
    panels=(("age-groups", BY_GROUP), ("age-gap", GAP)),
    card=age_card,
    claims=(
        ClaimMetric("use_by_age", TABLE, _level, "%", _claim_link, ("age",)),
        ClaimMetric("generational_ratio", TABLE, _ratio, "×", _claim_link),
        ClaimMetric("generational_gap", TABLE, _points, " points", _claim_link),
    ),
    tables=(TABLE, "entities"),
)

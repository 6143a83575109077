"""Mobile broadband: active subscriptions per 100 inhabitants by group, and the gap to the LDCs."""

from __future__ import annotations

from typing import Any

import pandas as pd

from indicators import figures
from indicators.catalogue import cards, queries
from indicators.catalogue.charts import ChartSpec, Finding, Param
from indicators.catalogue.errors import NoData
from indicators.catalogue.explore import Explore
from indicators.catalogue.topic import Topic
from indicators.catalogue.wording import extremes, latest, name, world_and_groups
from indicators.contract.schemas import field_info
from indicators.contract.store import Tables
from indicators.etl.codes import GROUPING_STAND_INS, LDC, WORLD
from indicators.figures import Caption, Chart, theme

TABLE = "mobile_broadband"
UNIT = field_info(TABLE, "per_100")["unit"]
GROUPINGS = ["development", "itu_region", "income", "special"]
# Groups drawn beside a grouping's own: the LDCs with developed and developing countries.
SHOWN_WITH = {"development": [LDC]}
# Several subscriptions per person are common (a phone and a dongle): 100 is one per person, not
# a ceiling, and is marked as such.
ONE_EACH = ("one subscription per inhabitant", 100.0)


def _editions(tables: Tables) -> list[str]:
    return queries.editions(tables, TABLE, ("itu_aggregates",))


def _newest_edition(tables: Tables) -> str:
    options = _editions(tables)
    return options[0] if options else ""


def _groupings_in_edition(tables: Tables, p: dict[str, Any]) -> list[str]:
    return queries.edition_groupings(tables, TABLE, p["edition"], GROUPINGS)


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
    fig = figures.lines(
        data,
        "year",
        "per_100",
        "entity_id",
        queries.names_in(data),
        y_title=UNIT,
        colours=theme.entity_colours(data["entity_id"]),
    )
    figures.reference_lines(fig, [ONE_EACH], dash="dot")
    years = sorted(int(y) for y in data.loc[data["estimate"], "year"].unique())
    every = len(years) == data["year"].nunique()
    estimates = (
        ("All values are ITU estimates.",)
        if years and every
        else (f"{', '.join(map(str, years))} = ITU estimate.",)
        if years
        else ()
    )
    caption = Caption(
        title="Active mobile-broadband subscriptions by " + queries.grouping_phrase(p["grouping"]),
        subtitle=f"{UNIT}, {int(data['year'].min())}-{int(data['year'].max())}",
        source=queries.source_of(data),
        notes=(
            *estimates,
            "Dotted line: one subscription per inhabitant; many people hold more than one, so "
            "values above 100 are common and do not mean everyone is connected.",
        ),
    )
    return Chart(figures.with_caption(fig, caption), data, caption)


def by_group_finding(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """The highest and lowest group in the latest year, and the world."""
    year, rows = latest(data)
    world, groups = world_and_groups(rows)
    top, low = extremes(groups, "per_100")
    text = (
        f"In {year}, {name(top)} had {top['per_100']:.0f} active mobile-broadband "
        f"subscriptions per 100 inhabitants, against {low['per_100']:.0f} in {name(low)}"
    )
    if world is not None:
        text += f" and {world['per_100']:.0f} worldwide"
    return text + "."


BY_GROUP = ChartSpec(
    "mobile_by_group",
    "Mobile-broadband subscriptions by group",
    "Active mobile-broadband subscriptions per 100 inhabitants over time, for the world and "
    "the groups of a grouping (development status, ITU region, income, LDC/LLDC/SIDS).",
    (
        Param(
            "grouping",
            "Grouping",
            "income",
            GROUPINGS,
            within=_groupings_in_edition,
            labels=queries.GROUPING_LABELS,
            stand_ins=GROUPING_STAND_INS,
        ),
        Param("edition", "Edition", _newest_edition, _editions),
    ),
    query=group_rows,
    figure=by_group,
    finding=Finding("Line chart", by_group_finding),
    tables=(TABLE, "entities"),
    explore=Explore(TABLE, years=True, compare=True),
    value="per_100",
    unit=UNIT,
    columns={
        "per_100": f"Active mobile-broadband subscriptions ({UNIT})",
        "subscriptions_millions": "Subscriptions (millions)",
    },
)


def mobile_metric(frame: pd.DataFrame, vintage: str, entity: str) -> cards.Metric | None:
    """A group's subscriptions per 100 inhabitants in its latest year, against the world."""
    rows = frame[(frame["vintage"] == vintage) & (frame["source"] == cards.ITU_SOURCE)]
    own = rows[rows["entity_id"] == entity].set_index("year")["per_100"].sort_index()
    world = rows[rows["entity_id"] == WORLD].set_index("year")["per_100"]
    if own.empty:
        return None
    year = int(own.index.max())
    value = float(own[year])
    versus = (
        f", against {float(world[year]):.0f} worldwide"
        if entity != WORLD and year in world.index
        else ""
    )
    return cards.Metric(
        label=cards.short_name(entity),
        text=f"{value:.0f}",
        value=value,
        detail=f"Active mobile-broadband subscriptions per 100 inhabitants{versus}.",
        year=year,
        edition=cards.edition_name(cards.ITU_SOURCE, vintage),
        trend=cards.trend(own),
        trend_label="Per 100 inhabitants",
        href=TOPIC.link(BY_GROUP.id, {"grouping": queries.grouping_of(entity)}),
    )


def mobile_card(tables: Tables) -> cards.Card:
    """Subscriptions per 100 inhabitants in the world and the LDCs (newest ITU edition)."""
    card = cards.Card("mobile", "Mobile-broadband subscriptions", "/mobile", "Mobile page")
    frame = tables.get(TABLE)
    if frame is None or frame.empty:
        return cards.empty_card(card, TABLE)
    vintages = cards.vintages(frame, cards.ITU_SOURCE)
    metrics = tuple(
        m for m in (mobile_metric(frame, vintages[0], e) for e in (WORLD, LDC)) if m is not None
    )
    if not vintages or not metrics:
        return cards.no_rows_card(card, "ITU mobile-broadband subscriptions for the world or LDCs")
    return cards.filled_card(card, metrics, ("One person may hold several subscriptions.",))


TOPIC = Topic(
    key="mobile",
    title="Mobile-broadband subscriptions",
    nav="Mobile broadband",
    path="/mobile",
    order=5,
    intro=(
        "Active mobile-broadband subscriptions per 100 inhabitants, from ITU's key ICT "
        "indicators, for the world and groups of economies. Subscriptions are not people: one "
        "person may hold several, so the counts can exceed 100 where use is far from universal."
    ),
    panels=(("mobile-groups", BY_GROUP),),
    card=mobile_card,
    tables=(TABLE, "entities"),
)

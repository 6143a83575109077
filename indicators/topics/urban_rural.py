"""Urban and rural: Internet use of urban and rural dwellers by group, the urban-rural gap over
time, and urban against rural use by economy at each economy's latest survey year."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial
from typing import Any

import pandas as pd

from indicators import figures
from indicators.catalogue import cards, economies, queries, splits, wording
from indicators.catalogue.charts import ChartSpec, Finding, Param, edition_param, grouping_param
from indicators.catalogue.errors import NoData
from indicators.catalogue.explore import Explore
from indicators.catalogue.topic import ClaimMetric, Topic
from indicators.catalogue.wording import count, pct
from indicators.contract.schemas import field_info
from indicators.contract.store import Tables
from indicators.figures import Caption, Chart
from indicators.metrics import gaps
from indicators.metrics.claims import Computed, NotComputable, value_of, with_rounding
from indicators.metrics.divides import SPLIT_MEASURES, URBAN_RURAL, split_gap

SPLIT = URBAN_RURAL
TABLE = SPLIT.table
UNIT = field_info(TABLE, "value_pct")["unit"]
COUNTRY_SOURCE = "itu_gender_country"
COLUMNS = {
    "location": "Area (urban or rural)",
    "value_pct": f"Individuals using the Internet ({UNIT})",
    "urban_pct": "Urban dwellers using the Internet (% of urban population)",
    "rural_pct": "Rural dwellers using the Internet (% of rural population)",
    "gap_pp": "Urban-rural gap (percentage points, urban - rural)",
    "ratio": "Urban-rural ratio (urban / rural)",
}


EDITIONS = splits.edition_choices(SPLIT)
COUNTRY_EDITIONS = queries.EditionChoices(TABLE, (COUNTRY_SOURCE,))
GROUPING = grouping_param(EDITIONS)
EDITION = edition_param(EDITIONS)


def rate_rows(tables: Tables, p: dict[str, Any]) -> pd.DataFrame:
    """Urban and rural Internet use of the world and the groups of a grouping, by year."""
    return splits.rates_frame(splits.group_gaps(tables, p, SPLIT), SPLIT)


def by_group(data: pd.DataFrame, p: dict[str, Any]) -> Chart:
    """Urban (solid) and rural (dashed) Internet use over time, one colour per group."""
    return splits.rates_chart(data, p, SPLIT, "Internet use in urban and rural areas")


by_group_finding = partial(splits.rates_finding, split=SPLIT)
by_group_headline = partial(splits.rates_headline, split=SPLIT)
gap_rows = partial(splits.group_gaps, split=SPLIT)


def gap(data: pd.DataFrame, p: dict[str, Any]) -> Chart:
    """The urban-rural gap over time, one line per group."""
    return splits.gap_chart(data, p, SPLIT, "The urban-rural gap in Internet use")


gap_finding = partial(splits.gap_finding, split=SPLIT)
gap_headline = partial(splits.gap_headline, split=SPLIT)


# ---- economies: urban against rural at each economy's latest survey year

SORTS: economies.Sorts = {
    "gap": (["gap_pp", "name"], [False, True], "largest gap in urban dwellers' favour first"),
    "rural": (["rural_pct", "name"], [False, True], "highest rural use first"),
    "name": (["name"], [True], "by name"),
}


def country_rows(tables: Tables, p: dict[str, Any]) -> pd.DataFrame:
    """Economies with both urban and rural use in the edition (optionally in one ITU region),
    in the chosen order, with the economies that give one area only named in a note."""
    rows = queries.rows_of(tables, TABLE, p["edition"])
    ent = queries.entities(tables)
    shown = ent[ent["kind"] == "economy"]
    if p["region"] != "all":
        shown = shown[shown["itu_region"] == p["region"]]
    rows = rows[rows["entity_id"].isin(set(shown["entity_id"])) & (rows["sex"] == "total")]
    wide = split_gap(rows, SPLIT)
    names = queries.names(tables)
    if wide.empty:
        where = "" if p["region"] == "all" else f" in {names.get(p['region'], p['region'])}"
        raise NoData(
            f"{queries.edition_label(p['edition'])} has no economies{where} with Internet use "
            "in both urban and rural areas."
        )
    wide.insert(1, "name", wide["entity_id"].map(names))
    data = economies.in_order(wide, SORTS, p["sort"])
    data = data[["entity_id", "name", "year", "urban_pct", "rural_pct", "gap_pp", "ratio"]]
    one_area = rows[~rows["entity_id"].isin(set(wide["entity_id"]))]
    notes = tuple(
        f"Not shown, with a rate for {area} areas only: "
        f"{', '.join(sorted(names.get(e, e) for e in set(only['entity_id'])))}."
        for area, only in one_area.groupby("location")
    )
    region = {p["region"]: names.get(p["region"], p["region"])}
    return queries.framed(data, tables, p["edition"], notes=notes, names=region)


def countries(data: pd.DataFrame, p: dict[str, Any]) -> Chart:
    """Rural and urban Internet use by economy, each at its latest survey year."""
    fig = economies.dot_plot(data, "rural_pct", "urban_pct", "Rural", "Urban", UNIT)
    where = economies.region_text(data, p)
    ahead = int((data["gap_pp"] < 0).sum())
    caption = Caption(
        title="Internet use in urban and rural areas, by economy",
        subtitle=f"{UNIT}, rural vs urban; {len(data)} economies ({where}), {SORTS[p['sort']][2]}",
        source=queries.source_of(data),
        notes=(
            economies.years_note(data),
            f"Rural use exceeds urban use in {ahead} of {len(data)} economies; gap = urban - "
            "rural, in percentage points.",
            *queries.notes_of(data),
        ),
    )
    return Chart(figures.with_caption(fig, caption), data, caption)


def countries_finding(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """In how many economies urban dwellers are ahead, and the widest gap."""
    urban_ahead = int((data["gap_pp"] > 0).sum())
    top = economies.widest(data)
    where = economies.widest_text(top)
    if len(top) == 1:
        widest = top.iloc[0]
        where += (
            f": {pct(widest['urban_pct'])} in urban areas against "
            f"{pct(widest['rural_pct'])} in rural areas"
        )
    return (
        f"Urban dwellers used the Internet more than rural dwellers in "
        f"{count(urban_ahead, len(data))} economies shown; the gap was widest in {where}."
    )


def countries_headline(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """'Urban use above rural in 80 of 95 economies; widest in Niger (2022): 56 points'."""
    urban_ahead = int((data["gap_pp"] > 0).sum())
    top = economies.widest(data)
    widest = top.iloc[0]
    where = f"{wording.short(widest)} ({int(widest['year'])})"
    if len(top) > 1:
        where = " and ".join(economies.short_name(wording.name(r)) for _, r in top.iterrows())
    return (
        f"Urban use above rural in {count(urban_ahead, len(data))} economies; widest in "
        f"{where}: {wording.half_up(float(widest['gap_pp']), 0)} points"
    )


BY_GROUP = ChartSpec(
    "urban_rural_by_group",
    "Urban and rural Internet use by group",
    "Internet use of urban and of rural dwellers over time, for the world and the groups of a "
    "grouping (income, ITU region, LDC/LLDC/SIDS), from ITU's key ICT indicators.",
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
    "urban_rural_gap",
    "Urban-rural gap by group",
    "The urban-rural gap in Internet use over time, as a ratio (ITU's measure) or in "
    "percentage points, for the world and the groups of a grouping.",
    (
        GROUPING,
        Param(
            "measure",
            "Measure",
            "ratio",
            list(SPLIT_MEASURES),
            labels={"ratio": "Ratio (urban / rural)", "points": "Gap in percentage points"},
        ),
        EDITION,
    ),
    query=gap_rows,
    figure=gap,
    finding=Finding("Line chart", gap_finding, headline=gap_headline),
    tables=(TABLE, "entities"),
    explore=Explore(TABLE, years=True, compare=True),
    value=lambda p: SPLIT_MEASURES[p["measure"]].column,
    unit="times or percentage points, by measure",
    columns=COLUMNS,
)
COUNTRIES = ChartSpec(
    "urban_rural_countries",
    "Urban and rural Internet use, by economy",
    "Rural vs urban Internet use for each economy at its latest survey year (ITU, Dec 2019).",
    economies.params(SORTS, COUNTRY_EDITIONS),
    query=country_rows,
    figure=countries,
    finding=Finding("Dot plot", countries_finding, headline=countries_headline),
    tables=(TABLE, "entities"),
    value="gap_pp",
    unit="percentage points",
    columns={**COLUMNS, "year": "Survey year"},
)


# ---- Overview card, claims and links


def gap_link(entity: str, measure: str = "ratio", edition: str = "") -> str:
    """The urban-rural gap over time of the grouping that holds a group."""
    grouping = queries.link_grouping(entity)
    return TOPIC.link(GAP.id, {"grouping": grouping, "measure": measure, "edition": edition})


def _claim_link(row: Mapping[str, Any], spec: Mapping[str, Any], edition: str) -> str:
    if "entity_a" not in spec:
        return TOPIC.path
    if row.get("metric") == "urban_rural_ratio":
        return gap_link(str(spec["entity_a"]), "ratio", edition)
    grouping = queries.link_grouping(str(spec["entity_a"]))
    return TOPIC.link(BY_GROUP.id, {"grouping": grouping, "edition": edition})


def _rate(frame: pd.DataFrame, claim: dict[str, Any], location: str) -> float:
    return value_of(
        frame, claim["entity_a"], int(claim["year"]), "value_pct", location=location, sex="total"
    )


def _level(frame: pd.DataFrame, claim: dict[str, Any], tables: dict[str, Any]) -> Computed:
    """Internet use (%) of urban or rural dwellers of a group in a year."""
    location = str(claim.get("location") or "")
    if location not in ("urban", "rural", "total"):
        raise NotComputable("the claim gives no location (urban, rural or total)")
    return with_rounding(
        lambda v: v, {f"{claim['entity_a']} {location}": _rate(frame, claim, location)}
    )


def _ratio(frame: pd.DataFrame, claim: dict[str, Any], tables: dict[str, Any]) -> Computed:
    """The urban-rural ratio: urban use / rural use."""
    named = {"urban": _rate(frame, claim, "urban"), "rural": _rate(frame, claim, "rural")}
    return with_rounding(gaps.ratio, named)


def offline_in(users: float, total: float, urban: float, rural: float, location: str) -> float:
    """People offline in urban or rural areas, in billions, from ITU's rounded aggregates: the
    population (users / share online), its rural share (the total rate is the urban and rural
    rates weighted by population: (urban - total) / (urban - rural)), then those not online."""
    population = users * 100 / total
    rural_share = (urban - total) / (urban - rural)
    share, rate = (rural_share, rural) if location == "rural" else (1 - rural_share, urban)
    return population * share * (100 - rate) / 100 / 1000


def _offline(frame: pd.DataFrame, claim: dict[str, Any], tables: dict[str, Any]) -> Computed:
    """People not using the Internet in urban or rural areas, in billions."""
    location = str(claim.get("location") or "")
    if location not in ("urban", "rural"):
        raise NotComputable("the claim gives no location (urban or rural)")
    use = tables.get("internet_use")
    if use is None or use.empty:
        raise NotComputable("the internet_use table has not been built")
    vintage = str(frame["vintage"].iloc[0])
    use = use[(use["source"] == claim["source"]) & (use["vintage"] == vintage)]
    year, entity = int(claim["year"]), claim["entity_a"]
    named = {
        "users (millions)": value_of(use, entity, year, "users_millions", sex="total"),
        "total %": value_of(use, entity, year, "value_pct", sex="total"),
        "urban %": _rate(frame, claim, "urban"),
        "rural %": _rate(frame, claim, "rural"),
    }
    return with_rounding(lambda u, t, a, b: offline_in(u, t, a, b, location), named)


TOPIC_PATH = "/urban-rural"
CARD = splits.GapCard(
    SPLIT,
    cards.Card("urban_rural", "Urban and rural", TOPIC_PATH, "Urban and rural page"),
    "ratio",
    text=lambda last: f"{last['ratio']:.2f}×",
    detail=lambda last: (
        f"Urban dwellers are {last['ratio']:.2f} times as likely to use the Internet as "
        f"rural dwellers ({last['urban_pct']:.1f}% vs {last['rural_pct']:.1f}%, a gap of "
        f"{last['gap_pp']:.1f} points)."
    ),
    trend_label="Urban / rural ratio",
    link=gap_link,
    missing="ITU urban and rural Internet use for the world or LDCs",
    notes=("Ratio = urban / rural rate, as ITU states it.",),
)


def urban_rural_card(tables: Tables) -> cards.Card:
    """The urban-rural ratio of the world and the LDCs (newest ITU edition)."""
    return splits.gap_card(tables, CARD)


TOPIC = Topic(
    key="urban_rural",
    title="Urban and rural",
    nav="Urban and rural",
    path=TOPIC_PATH,
    order=6,
    intro=(
        "How much more likely urban dwellers are to use the Internet than rural dwellers: "
        "both rates and the gap (ITU's ratio, or percentage points) for the world and groups "
        "of economies, from ITU's key ICT indicators; and urban against rural use for each "
        "economy at its latest survey year, from ITU's Dec 2019 country table."
    ),
    panels=(
        ("urban-rural-groups", BY_GROUP),
        ("urban-rural-gap", GAP),
        ("urban-rural-countries", COUNTRIES),
    ),
    card=urban_rural_card,
    claims=(
        ClaimMetric("use_by_location", TABLE, _level, "%", _claim_link, ("location",)),
        ClaimMetric("urban_rural_ratio", TABLE, _ratio, "×", _claim_link),
        ClaimMetric(
            "offline_billions_by_location", TABLE, _offline, " billion", _claim_link, ("location",)
        ),
    ),
    tables=(TABLE, "entities"),
)

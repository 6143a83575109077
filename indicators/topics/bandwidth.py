"""International bandwidth: by ITU region, compound annual growth, and per Internet user."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from indicators import figures
from indicators.catalogue import cards, queries
from indicators.catalogue.charts import ChartSpec, Finding, Param, edition_param, grouping_param
from indicators.catalogue.errors import NoData
from indicators.catalogue.explore import Explore
from indicators.catalogue.topic import ClaimMetric, Topic
from indicators.catalogue.wording import (
    aside,
    extremes,
    half_up,
    latest,
    latest_range,
    name,
    named,
    pair,
    pct,
    world_and_groups,
    year_span,
)
from indicators.contract.schemas import field_info
from indicators.contract.store import Tables
from indicators.etl.codes import GROUPING_STAND_INS, ITU_REGIONS, WORLD
from indicators.figures import Caption, Chart, theme
from indicators.metrics import gaps
from indicators.metrics.claims import Computed, value_of, with_rounding

EDITIONS = queries.EditionChoices(
    "bandwidth", ("itu_aggregates",), ("itu_region", "development", "income", "special")
)
GBPS_PER_TBPS = 1000.0
PER_USER_UNIT = field_info("bandwidth", "per_user_kbps")["unit"]


def _years(tables: Tables) -> list[int]:
    """Every year in the bandwidth table, oldest first (any edition)."""
    return sorted(queries.years_of(tables, "bandwidth"))


def _first_year(tables: Tables) -> int | str:
    years = _years(tables)
    return years[0] if years else ""


def _last_year(tables: Tables) -> int | str:
    years = _years(tables)
    return years[-1] if years else ""


def _edition_rows(tables: Tables, edition: str) -> pd.DataFrame:
    """The bandwidth rows of one edition."""
    return queries.rows_of(tables, "bandwidth", edition)


def _group_rows(tables: Tables, p: dict[str, Any], with_world: bool) -> pd.DataFrame:
    """Rows of the groups of the chosen grouping (and the world), with display names."""
    frame = queries.in_years(_edition_rows(tables, p["edition"]), p)
    groups = queries.group_ids(tables, p["grouping"])
    wanted = [WORLD, *groups] if with_world else groups
    rows = frame[frame["entity_id"].isin(groups)]
    if rows.empty:
        label = queries.grouping_phrase(p["grouping"])
        raise NoData(
            f"{queries.edition_label(p['edition'])} has no bandwidth for {label} groups; "
            "choose another edition or grouping."
        )
    rows = frame[frame["entity_id"].isin(wanted)]
    order = {e: i for i, e in enumerate(wanted)}
    rows = rows.assign(
        name=rows["entity_id"].map(queries.names(tables)), _order=rows["entity_id"].map(order)
    )
    return rows.sort_values(["_order", "year"]).drop(columns="_order")


def _coverage_note(rows: pd.DataFrame, world: pd.Series) -> str:
    """How much of ITU's world total the six regions account for in the last year."""
    year = int(rows["year"].max())
    regions = rows.loc[rows["year"] == year, "bandwidth_gbps"].sum()
    if year not in world.index:
        return ""
    covered = 100 * gaps.share(regions, float(world[year]))
    return f"The six ITU regions add up to {covered:.1f}% of ITU's world total in {year}."


def _world_line(fig: go.Figure, world: pd.DataFrame) -> None:
    """The world total as a dashed line over the stacked regions."""
    fig.add_trace(
        go.Scatter(
            x=world["year"],
            y=world["bandwidth_tbps"],
            name="World total",
            mode="lines",
            line={"dash": "dash", "color": theme.REFERENCE, "width": 1.5},
            hovertemplate="%{y:,.1f}",
        )
    )


def _regions_absolute(rows: pd.DataFrame, world: pd.DataFrame) -> go.Figure:
    """Stacked regions in Tbit/s, the world total as a dashed line."""
    regions = rows[rows["entity_id"] != WORLD]
    fig = figures.stacked_area(
        regions,
        "year",
        "bandwidth_tbps",
        "entity_id",
        queries.names_in(rows),
        "Tbit/s",
        colours=theme.entity_colours(regions["entity_id"]),
    )
    if not world.empty:
        _world_line(fig, world)
    return fig


def region_rows(tables: Tables, p: dict[str, Any]) -> pd.DataFrame:
    """The ITU regions and the world: Tbit/s, or each region's share of the world total."""
    rows = _group_rows(tables, {**p, "grouping": "itu_region"}, with_world=True)
    world = rows[rows["entity_id"] == WORLD]
    regions = rows[rows["entity_id"] != WORLD]
    notes = [_coverage_note(regions, world.set_index("year")["bandwidth_gbps"])]
    last = int(world["year"].max()) if not world.empty else int(regions["year"].max())
    total = world.loc[world["year"] == last, "bandwidth_gbps"]
    if not total.empty:
        notes.insert(0, f"World {last}: {_tbps(total.iloc[0] / GBPS_PER_TBPS)} Tbit/s.")
    if p["mode"] == "share":
        if world.empty:
            raise NoData(f"{queries.edition_label(p['edition'])} has no world total to share.")
        shares = gaps.shares_of_total(rows, "bandwidth_gbps", WORLD, ["year"])
        data = shares.assign(share_pct=100 * shares["share"])
        data = data[["entity_id", "name", "year", "bandwidth_gbps", "share_pct"]]
    else:
        data = rows.assign(bandwidth_tbps=rows["bandwidth_gbps"] / GBPS_PER_TBPS)
        data = data[["entity_id", "name", "year", "bandwidth_gbps", "bandwidth_tbps"]]
    return queries.framed(data, tables, p["edition"], notes=tuple(n for n in notes if n))


def by_region(data: pd.DataFrame, p: dict[str, Any]) -> Chart:
    """International bandwidth by ITU region: stacked Tbit/s, or each region's share of world."""
    if p["mode"] == "share":
        fig = figures.group_lines(data, "share_pct", queries.names_in(data), "%")
        subtitle = f"Share of the world total, %, {year_span(data)}"
    else:
        fig = _regions_absolute(data, data[data["entity_id"] == WORLD])
        subtitle = f"Tbit/s (1 Tbit/s = 1,000 Gbit/s), regions stacked, {year_span(data)}"
    caption = Caption(
        title="International bandwidth by ITU region",
        subtitle=subtitle,
        source=queries.source_of(data),
        notes=queries.notes_of(data),
    )
    return Chart(figures.with_caption(fig, caption), data, caption)


def _regions_kind(p: dict[str, Any]) -> str:
    return "Line chart" if p.get("mode") == "share" else "Stacked area chart"


def regions_finding(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """The largest region in the latest year (and the smallest share), with the world."""
    year, rows = latest(data)
    world, regions = world_and_groups(rows)
    if "share_pct" in rows:
        top, low = extremes(regions, "share_pct")
        return (
            f"In {year}, {name(top)} used {pct(top['share_pct'])} of the world's "
            f"international bandwidth and {name(low)} {pct(low['share_pct'])}."
        )
    top, _ = extremes(regions, "bandwidth_tbps")
    text = f"In {year}, "
    if world is not None:
        text += f"international bandwidth reached {_tbps(world['bandwidth_tbps'])} Tbit/s; "
    return text + f"{name(top)} used the most ({_tbps(top['bandwidth_tbps'])} Tbit/s)."


def regions_headline(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """'Asia & Pacific uses 44% of the world's international bandwidth (2024)'."""
    year, rows = latest(data)
    world, regions = world_and_groups(rows)
    if "share_pct" in rows:
        top, _ = extremes(regions, "share_pct")
        share = pct(top["share_pct"])
        return f"{named(top)} uses {share} of the world's international bandwidth ({year})"
    top, _ = extremes(regions, "bandwidth_tbps")
    if world is not None:
        return (
            f"International bandwidth reached {_tbps(world['bandwidth_tbps'])} Tbit/s; "
            f"{named(top)} used the most ({year})"
        )
    return f"{named(top)} used the most international bandwidth ({year})"


def _ordered_span(p: dict[str, Any]) -> tuple[int, int]:
    """Start and end year, swapped if given the wrong way round; NoData for an empty span."""
    try:
        start, end = int(p["start_year"]), int(p["end_year"])
    except (TypeError, ValueError) as exc:
        raise NoData("Choose a start and an end year.") from exc
    if start == end:
        raise NoData(f"Growth needs two different years; both are {start}.")
    return (start, end) if start < end else (end, start)


def _growth_table(rows: pd.DataFrame, start: int, end: int) -> pd.DataFrame:
    """CAGR per entity between two years, one row per entity that has both."""
    out = []
    for (entity, label), series in rows.groupby(["entity_id", "name"], sort=False):
        values = series.set_index("year")["bandwidth_gbps"]
        if start in values.index and end in values.index:
            out.append(
                {
                    "entity_id": entity,
                    "name": label,
                    "start_year": start,
                    "end_year": end,
                    "start_gbps": float(values[start]),
                    "end_gbps": float(values[end]),
                    "cagr_pct": 100 * gaps.cagr_between(values, start, end),
                }
            )
    return pd.DataFrame(out)


def _world_reference(fig: go.Figure, rate: float) -> None:
    """The world's growth as a dashed vertical line behind the bars (seen between them and
    past the shorter ones; over them it ran through their value labels), labelled above the
    plot."""
    fig.add_vline(x=rate, line={"dash": "dash", "color": "#222222", "width": 2}, layer="below")
    fig.add_annotation(
        x=rate,
        xref="x",
        y=1,
        yref="paper",
        yanchor="bottom",
        text=f"World: {rate:.1f}%",
        showarrow=False,
        font={"size": 12, "color": theme.REFERENCE},
    )


def growth_rows(tables: Tables, p: dict[str, Any]) -> pd.DataFrame:
    """Compound annual growth per group between two years; the world's as a note-like row
    kept aside in the frame's attrs (it is drawn as the reference, not as a bar)."""
    rows = _group_rows(tables, p, with_world=True)
    start, end = _ordered_span(p)
    present = set(rows["year"])
    if start not in present or end not in present:
        raise NoData(
            f"{queries.edition_label(p['edition'])} covers {year_span(rows)}; choose years "
            "within it."
        )
    table = _growth_table(rows, start, end)
    world = table[table["entity_id"] == WORLD]
    data = table[table["entity_id"] != WORLD]
    if data.empty:
        raise NoData(f"No group has bandwidth in both {start} and {end}.")
    data = data.assign(label=data["cagr_pct"].map(lambda v: f"{v:.1f}%"))
    framed = queries.framed(data, tables, p["edition"])
    if not world.empty:
        framed.attrs["world_cagr_pct"] = float(world["cagr_pct"].iloc[0])
    return framed


def _tbps(value: float) -> str:
    """Bandwidth in Tbit/s as every sentence and note prints it: to a tenth, halves up, and a
    whole number without its '.0' ('1,778.5', '1,500')."""
    text = f"{float(half_up(value, 1)):,.1f}"
    return text.removesuffix(".0")


def growth(data: pd.DataFrame, p: dict[str, Any]) -> Chart:
    """Compound annual growth of international bandwidth per group, world as reference."""
    start, end = int(data["start_year"].iloc[0]), int(data["end_year"].iloc[0])
    # No axis title: the subtitle gives the unit, and a title would collide with the footer.
    fig = figures.bars(data, "cagr_pct", "name", text="label")
    notes = [
        f"Compound annual growth: the steady yearly rate that takes {start}'s bandwidth to {end}'s."
    ]
    subtitle = f"Compound annual growth, % a year, {start}-{end}"
    rate = data.attrs.get("world_cagr_pct")
    if rate is not None:
        _world_reference(fig, float(rate))
        subtitle += f"; world {rate:.1f}% (dashed line)"
    caption = Caption(
        title=f"Growth of international bandwidth by {queries.grouping_phrase(p['grouping'])}",
        subtitle=subtitle,
        source=queries.source_of(data),
        notes=tuple(notes),
    )
    return Chart(figures.with_caption(fig, caption), data, caption)


def growth_finding(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """The fastest and slowest growing group."""
    top, low = extremes(data, "cagr_pct")
    first = data.iloc[0]
    return (
        f"Between {int(first['start_year'])} and {int(first['end_year'])}, international "
        f"bandwidth grew fastest in {aside(name(top), f'{top.cagr_pct:.1f}% a year')} and "
        f"slowest in {aside(name(low), f'{low.cagr_pct:.1f}% a year')}."
    )


def growth_headline(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """'Bandwidth grew fastest in developing countries: 39.0% a year, 2015-2019'."""
    top, _ = extremes(data, "cagr_pct")
    first = data.iloc[0]
    return (
        f"Bandwidth grew fastest in {named(top)}: {top['cagr_pct']:.1f}% a year, "
        f"{int(first['start_year'])}-{int(first['end_year'])}"
    )


def _missing_note(rows: pd.DataFrame) -> tuple[str, ...]:
    """Name the groups (and years) the publisher leaves without a per-user value."""
    missing = rows[rows["per_user_kbps"].isna()]
    if missing.empty:
        return ()
    cells = []
    for label, years in missing.groupby("name", sort=False)["year"]:
        cells.append(f"{label} ({_years_text(sorted(int(y) for y in years))})")
    return (f"The publisher gives no per-user value for {'; '.join(cells)}.",)


def _years_text(years: list[int]) -> str:
    """2015, 2016, 2017, 2019 -> '2015-2017, 2019'."""
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def per_user_rows(tables: Tables, p: dict[str, Any]) -> pd.DataFrame:
    """Bandwidth per Internet user of the world and the groups; a note names the gaps."""
    rows = _group_rows(tables, p, with_world=True)
    data = rows.dropna(subset=["per_user_kbps"])
    if data.empty:
        raise NoData(f"{queries.edition_label(p['edition'])} has no bandwidth per user.")
    data = data[["entity_id", "name", "year", "per_user_kbps"]]
    return queries.framed(data, tables, p["edition"], notes=_missing_note(rows))


def per_user(data: pd.DataFrame, p: dict[str, Any]) -> Chart:
    """International bandwidth per Internet user over time, by group, with the world."""
    fig = figures.group_lines(data, "per_user_kbps", queries.names_in(data))
    fig.update_layout(yaxis_title=PER_USER_UNIT)
    by = queries.grouping_phrase(p["grouping"])
    caption = Caption(
        title=f"International bandwidth per Internet user by {by}",
        subtitle=f"{PER_USER_UNIT} per Internet user, {year_span(data)}",
        source=queries.source_of(data),
        notes=queries.notes_of(data),
    )
    return Chart(figures.with_caption(fig, caption), data, caption)


def per_user_finding(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """The range across groups in the latest year, and the world."""
    year, top, low, world = latest_range(data, "per_user_kbps")
    text = (
        f"In {year}, international bandwidth per Internet user ranged from "
        f"{low['per_user_kbps']:,.0f} kbit/s in {name(low)} to "
        f"{top['per_user_kbps']:,.0f} kbit/s in {name(top)}"
    )
    if world is not None:
        text += f" (world: {world['per_user_kbps']:,.0f} kbit/s)"
    return text + "."


def per_user_headline(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """'Bandwidth per user: 61 kbit/s in low-income vs 858 in high-income economies (2024)'."""
    year, top, low, _ = latest_range(data, "per_user_kbps")
    text = pair(low, top, f"{low['per_user_kbps']:,.0f} kbit/s", f"{top['per_user_kbps']:,.0f}")
    return f"Bandwidth per user: {text} ({year})"


def _years_in_edition(tables: Tables, p: dict[str, Any]) -> list[int]:
    return sorted(queries.edition_values(tables, "bandwidth", p["edition"], "year"))


def _end_years_in_edition(tables: Tables, p: dict[str, Any]) -> list[int]:
    """Newest first, so the default end of a span is the edition's last year."""
    return queries.edition_values(tables, "bandwidth", p["edition"], "year")


BANDWIDTH_COLUMNS = {
    "bandwidth_gbps": "International bandwidth (Gbit/s)",
    "bandwidth_tbps": "International bandwidth (Tbit/s)",
    "share_pct": "Share of the world total (%)",
}
EDITION = edition_param(EDITIONS)
GROUPING = grouping_param(EDITIONS, "itu_region", GROUPING_STAND_INS)

REGIONS = ChartSpec(
    "bandwidth_regions",
    "International bandwidth by ITU region",
    "International bandwidth usage of the six ITU regions, stacked in Tbit/s with the world "
    "total, or as each region's share of the world total.",
    (
        Param(
            "mode",
            "Show",
            "absolute",
            ["absolute", "share"],
            labels={"absolute": "Tbit/s, regions stacked", "share": "Share of world total"},
        ),
        EDITION,
    ),
    query=region_rows,
    figure=by_region,
    finding=Finding(_regions_kind, regions_finding, headline=regions_headline),
    tables=("bandwidth", "entities"),
    explore=Explore("bandwidth", years=True, compare=True, end_labels=True),
    value=lambda p: "share_pct" if p["mode"] == "share" else "bandwidth_tbps",
    unit="Tbit/s, or % of the world total",
    columns=BANDWIDTH_COLUMNS,
)
GROWTH = ChartSpec(
    "bandwidth_growth",
    "Growth of international bandwidth",
    "Compound annual growth of international bandwidth per group between two years, with "
    "the world's growth as the reference line.",
    (
        Param("start_year", "From", _first_year, _years, kind="int", within=_years_in_edition),
        Param("end_year", "To", _last_year, _years, kind="int", within=_end_years_in_edition),
        GROUPING,
        EDITION,
    ),
    query=growth_rows,
    figure=growth,
    finding=Finding("Bar chart", growth_finding, headline=growth_headline),
    tables=("bandwidth", "entities"),
    ranges=(("start_year", "end_year"),),
    value="cagr_pct",
    unit="% a year",
    columns={
        "start_year": "From",
        "end_year": "To",
        "start_gbps": "Bandwidth at start (Gbit/s)",
        "end_gbps": "Bandwidth at end (Gbit/s)",
        "cagr_pct": "Compound annual growth (% a year)",
        "label": "Growth (as labelled)",
    },
)
PER_USER = ChartSpec(
    "bandwidth_per_user",
    "International bandwidth per Internet user",
    "International bandwidth per Internet user (kbit/s) over time, by group, with the world.",
    (GROUPING, EDITION),
    query=per_user_rows,
    figure=per_user,
    finding=Finding("Line chart", per_user_finding, headline=per_user_headline),
    tables=("bandwidth", "entities"),
    explore=Explore("bandwidth", years=True, scale=True, compare=True, end_labels=True),
    value="per_user_kbps",
    unit=PER_USER_UNIT,
    columns={"per_user_kbps": f"Bandwidth per Internet user ({PER_USER_UNIT})"},
)


# ---- Overview card and links into this topic's views


def growth_link(start_year: int, end_year: int, edition: str = "") -> str:
    """Growth by ITU region between two years, the world as reference."""
    params = {"start_year": start_year, "end_year": end_year, "edition": edition}
    return TOPIC.link("bandwidth_growth", {**params, "grouping": "itu_region"})


def regions_link(mode: str = "share", edition: str = "") -> str:
    """The ITU regions' shares of the world total (or Tbit/s)."""
    return TOPIC.link("bandwidth_regions", {"mode": mode, "edition": edition})


def _cagr_claim(row: Mapping[str, Any], spec: Mapping[str, Any], edition: str) -> str:
    year = row.get("year")
    if "start_year" in spec and year is not None and not pd.isna(year) and year != "":
        return growth_link(int(spec["start_year"]), int(year), edition)
    return TOPIC.path


def _cagr(frame: pd.DataFrame, claim: dict[str, Any], tables: dict[str, Any]) -> Computed:
    """Compound annual growth of an entity's bandwidth between two years, in per cent."""
    start, end = int(claim["start_year"]), int(claim["year"])
    first = value_of(frame, claim["entity_a"], start, "bandwidth_gbps")
    last = value_of(frame, claim["entity_a"], end, "bandwidth_gbps")
    return with_rounding(
        lambda a, b: 100 * gaps.cagr(a, b, end - start), {str(start): first, str(end): last}
    )


def region_shares(bandwidth: pd.DataFrame, vintage: str) -> pd.DataFrame:
    """Each ITU region's share of world international bandwidth by year, one edition."""
    rows = bandwidth[(bandwidth["source"] == cards.ITU_SOURCE) & (bandwidth["vintage"] == vintage)]
    rows = rows[rows["entity_id"].isin([WORLD, *ITU_REGIONS])]
    return gaps.shares_of_total(rows, "bandwidth_gbps", WORLD, ["year"])


def top_three_share(shares: pd.DataFrame) -> pd.Series:
    """The combined share of the three largest regions, per year."""
    top = shares.sort_values("share", ascending=False).groupby("year").head(3)
    return top.groupby("year")["share"].sum().sort_index()


def bandwidth_metric(bandwidth: pd.DataFrame, vintage: str) -> cards.Metric | None:
    """The three largest ITU regions' combined share of world bandwidth, latest year."""
    shares = region_shares(bandwidth, vintage)
    if shares.empty:
        return None
    year = int(shares["year"].max())
    latest = shares[shares["year"] == year].nlargest(3, "share")
    combined = top_three_share(shares)
    world = bandwidth[
        (bandwidth["source"] == cards.ITU_SOURCE)
        & (bandwidth["vintage"] == vintage)
        & (bandwidth["entity_id"] == WORLD)
        & (bandwidth["year"] == year)
    ]["bandwidth_gbps"]
    parts = ", ".join(
        f"{cards.short_name(e)} {100 * s:.1f}%"
        for e, s in latest[["entity_id", "share"]].itertuples(False)
    )
    total = f" of {_tbps(world.iloc[0] / 1000)} Tbit/s" if not world.empty else ""
    return cards.Metric(
        label="Top three ITU regions",
        text=f"{100 * combined[year]:.1f}%",
        value=float(100 * combined[year]),
        detail=f"{parts}{total}.",
        year=year,
        edition=cards.edition_name(cards.ITU_SOURCE, vintage),
        trend=cards.trend(100 * combined),
        trend_label="Top-three share",
        href=regions_link("share", f"{cards.ITU_SOURCE}@{vintage}"),
    )


def bandwidth_card(bandwidth: pd.DataFrame | None) -> cards.Card:
    """Concentration: the three largest ITU regions' share of international bandwidth."""
    card = cards.Card("bandwidth", "International bandwidth", "/bandwidth", "Bandwidth page")
    if bandwidth is None or bandwidth.empty:
        return cards.empty_card(card, "bandwidth")
    vintages = cards.vintages(bandwidth, cards.ITU_SOURCE)
    metric = bandwidth_metric(bandwidth, vintages[0]) if vintages else None
    if metric is None:
        return cards.no_rows_card(card, "ITU regional bandwidth with a world total")
    notes = ("Share of ITU's world total; the trend is the top three of each year.",)
    return cards.filled_card(card, (metric,), notes)


TOPIC = Topic(
    key="bandwidth",
    title="International bandwidth",
    nav="Bandwidth",
    path="/bandwidth",
    order=4,
    intro=(
        "International bandwidth usage: how it is shared among the six ITU regions, how fast it "
        "grew per group between two years against the world's growth, and how much of it there "
        "is per Internet user. ITU restates its series: the Oct 2019 and Nov 2024 editions "
        "differ."
    ),
    panels=(
        ("bandwidth-regions", REGIONS),
        ("bandwidth-growth", GROWTH),
        ("bandwidth-per-user", PER_USER),
    ),
    card=lambda tables: bandwidth_card(tables.get("bandwidth")),
    claims=(ClaimMetric("cagr", "bandwidth", _cagr, "%", _cagr_claim),),
    tables=("bandwidth", "entities"),
)

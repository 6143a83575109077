"""Internet use: by group, the gap between two entities, a world map, a country comparison."""

from __future__ import annotations

from typing import Any

import pandas as pd

from indicators import figures, gaps
from indicators.charts import ChartSpec, NoData, Param, Tables, common, register
from indicators.codes import DEVELOPING, LDC, WORLD
from indicators.figures import Caption, Chart
from indicators.schemas import field_info

# Broadband Commission targets for 2025 (Target 3): the reference lines of the page.
TARGETS_2025 = {
    WORLD: ("2025 target, world: 75%", 75.0),
    DEVELOPING: ("2025 target, developing / LMICs: 65%", 65.0),
    "LMY": ("2025 target, developing / LMICs: 65%", 65.0),
    LDC: ("2025 target, LDCs: 35%", 35.0),
}
GROUPINGS = ["development", "itu_region", "income", "wb_region", "special"]
UNIT = field_info("internet_use", "value_pct")["unit"]


def _aggregate_editions(tables: Tables) -> list[str]:
    return common.editions(tables, "internet_use", ("itu_aggregates", "wdi"))


def _wdi_editions(tables: Tables) -> list[str]:
    return common.editions(tables, "internet_use", ("wdi",))


def _first(choices: Any) -> Any:
    def pick(tables: Tables) -> Any:
        options = choices(tables)
        return options[0] if options else ""

    return pick


def _default_group_edition(tables: Tables) -> str:
    """The newest ITU edition that has the development split, else the newest of any."""
    options = _aggregate_editions(tables)
    frame = tables.get("internet_use")
    if frame is not None:
        with_split = common.memo(
            frame,
            ("developed-editions",),
            lambda: (
                set(common.editions(tables, "internet_use", ("itu_aggregates",)))
                & {
                    f"{s}@{v}"
                    for s, v in frame.loc[
                        frame["entity_id"] == "DEVELOPED", ["source", "vintage"]
                    ].itertuples(index=False)
                }
            ),
        )
        for key in options:
            if key in with_split:
                return key
    return options[0] if options else ""


def _estimate_note(rows: pd.DataFrame) -> tuple[str, ...]:
    """Say which plotted years the publisher marks as estimates."""
    years = sorted(rows.loc[rows["estimate"], "year"].unique())
    if not len(years):
        return ()
    if len(years) == rows["year"].nunique():
        return ("All values are ITU estimates.",)
    return (f"{', '.join(str(y) for y in years)} = ITU estimate.",)


def by_group(tables: Tables, p: dict[str, Any]) -> Chart:
    """Internet use over time for the groups of one grouping, with the 2025 targets."""
    frame = common.rows_of(common.table(tables, "internet_use"), p["edition"])
    wanted = [WORLD, *common.group_ids(tables, p["grouping"])]
    rows = frame[frame["entity_id"].isin(wanted) & (frame["sex"] == p["sex"])]
    if not rows["entity_id"].isin(wanted[1:]).any():
        raise NoData(
            f"{common.edition_label(p['edition'])} has no "
            f"{common.grouping_phrase(p['grouping'])} breakdown; choose another "
            "edition or grouping."
        )
    names = common.names(tables)
    rows = rows.assign(name=rows["entity_id"].map(names))
    order = {e: i for i, e in enumerate(wanted)}
    rows = rows.sort_values(
        ["entity_id", "year"], key=lambda s: s.map(order) if s.name == "entity_id" else s
    )
    data = rows[["entity_id", "name", "year", "sex", "value_pct", "estimate"]].reset_index(
        drop=True
    )
    fig = figures.lines(data, "year", "value_pct", "entity_id", names, y_title=UNIT)
    refs = {TARGETS_2025[e] for e in data["entity_id"].unique() if e in TARGETS_2025}
    figures.reference_lines(fig, sorted(refs, key=lambda r: -r[1]))
    fig.update_yaxes(range=[0, 100])
    caption = Caption(
        title=f"Individuals using the Internet by {common.grouping_phrase(p['grouping'])}",
        subtitle=f"{UNIT}, {p['sex']}, {int(data['year'].min())}-{int(data['year'].max())}",
        source=common.source_line(tables, p["edition"]),
        notes=(*_estimate_note(data), "Dashed lines: Broadband Commission targets for 2025."),
    )
    return Chart(figures.with_caption(fig, caption), data, caption)


def gap(tables: Tables, p: dict[str, Any]) -> Chart:
    """The gap between two entities over time: ratio (times) or percentage points."""
    frame = common.rows_of(common.table(tables, "internet_use"), p["edition"])
    frame = frame[frame["sex"] == "total"]
    a = frame[frame["entity_id"] == p["entity_a"]].set_index("year")["value_pct"]
    b = frame[frame["entity_id"] == p["entity_b"]].set_index("year")["value_pct"]
    years = sorted(set(a.index) & set(b.index))
    if not years:
        raise NoData(
            f"{common.edition_label(p['edition'])} has no years with both "
            f"{p['entity_a']} and {p['entity_b']}."
        )
    metric = gaps.ratio if p["mode"] == "ratio" else gaps.point_gap
    data = pd.DataFrame(
        {
            "year": years,
            "entity_a": p["entity_a"],
            "value_a_pct": [a[y] for y in years],
            "entity_b": p["entity_b"],
            "value_b_pct": [b[y] for y in years],
        }
    )
    data["gap"] = [metric(a[y], b[y]) for y in years]
    names = common.names(tables)
    na, nb = names.get(p["entity_a"], p["entity_a"]), names.get(p["entity_b"], p["entity_b"])
    unit = "times" if p["mode"] == "ratio" else "percentage points"
    fig = figures.lines(
        data.assign(series=f"{na} vs {nb}"),
        "year",
        "gap",
        "series",
        y_title=unit,
        hover_format=".2f",
    )
    if p["mode"] == "ratio":
        figures.reference_lines(fig, [("parity (1x)", 1.0)])
    last = data.iloc[-1]
    caption = Caption(
        title=f"Internet use: {na} vs {nb}",
        subtitle=(
            f"{'Ratio' if p['mode'] == 'ratio' else 'Gap'} of the shares using the "
            f"Internet, {unit}; {int(last['year'])}: {last['gap']:.2f}"
        ),
        source=common.source_line(tables, p["edition"]),
        notes=(
            f"{na}: {last['value_a_pct']:.1f}%, {nb}: {last['value_b_pct']:.1f}% in "
            f"{int(last['year'])}.",
        ),
    )
    return Chart(figures.with_caption(fig, caption), data, caption)


def world_map(tables: Tables, p: dict[str, Any]) -> Chart:
    """A world map of economies at the chosen year, each at its latest year up to it."""
    frame = common.rows_of(common.table(tables, "internet_use"), p["edition"])
    ent = common.entities(tables)
    economies = set(ent.loc[ent["kind"] == "economy", "entity_id"])
    rows = frame[frame["entity_id"].isin(economies) & (frame["sex"] == "total")]
    year = int(p["year"]) if p["year"] else int(rows["year"].max())
    data = common.latest_up_to(rows, year, ["entity_id"])
    if data.empty:
        raise NoData(f"No economy has data up to {year}.")
    names = common.names(tables)
    data = data.assign(name=data["entity_id"].map(names))
    data = data[["entity_id", "name", "year", "value_pct"]].sort_values("entity_id")
    data = data.reset_index(drop=True)
    hover = (
        data["name"]
        + ": "
        + data["value_pct"].round(1).astype(str)
        + "% ("
        + data["year"].astype(str)
        + ")"
    )
    fig = figures.choropleth(data.assign(hover=hover), "value_pct", "hover", "%")
    older = int((data["year"] < year).sum())
    caption = Caption(
        title=f"Individuals using the Internet, {year}",
        subtitle=f"{UNIT}; each economy at its latest year up to {year}",
        source=common.source_line(tables, p["edition"]),
        notes=(
            f"{len(data) - older} economies report {year}; {older} show an earlier year "
            "(the data table gives each economy's year).",
        ),
    )
    return Chart(figures.with_caption(fig, caption), data, caption)


def compare(tables: Tables, p: dict[str, Any]) -> Chart:
    """Internet use over time for chosen economies and groups."""
    frame = common.rows_of(common.table(tables, "internet_use"), p["edition"])
    rows = frame[frame["entity_id"].isin(p["entities"]) & (frame["sex"] == "total")]
    if rows.empty:
        raise NoData(f"{common.edition_label(p['edition'])} has no data for {p['entities']}.")
    names = common.names(tables)
    rows = rows.assign(name=rows["entity_id"].map(names))
    data = rows[["entity_id", "name", "year", "value_pct"]].sort_values(["entity_id", "year"])
    data = data.reset_index(drop=True)
    fig = figures.lines(data, "year", "value_pct", "entity_id", names, y_title=UNIT, markers=False)
    fig.update_yaxes(range=[0, 100])
    caption = Caption(
        title="Individuals using the Internet: "
        + ", ".join(names.get(e, e) for e in p["entities"]),
        subtitle=f"{UNIT}, {int(data['year'].min())}-{int(data['year'].max())}",
        source=common.source_line(tables, p["edition"]),
    )
    return Chart(figures.with_caption(fig, caption), data, caption)


def _map_years(tables: Tables) -> list[int]:
    return common.years_of(tables, "internet_use", source="wdi")


def _default_map_year(tables: Tables) -> int | str:
    """The newest year that at least half as many economies report as the best-covered year.

    WDI's newest column holds a handful of early reporters (10 economies for 2025 in the Jul
    2026 edition); a map of those alone would mislead.
    """
    frame = tables.get("internet_use")
    if frame is None or frame.empty:
        return ""
    counts = common.memo(
        frame,
        ("wdi-year-counts",),
        lambda: frame[frame["source"] == "wdi"].groupby("year")["entity_id"].nunique(),
    )
    if counts.empty:
        return ""
    return int(counts[counts >= counts.max() / 2].index.max())


EDITION = Param("edition", "Edition", _default_group_edition, _aggregate_editions)
WDI_EDITION = Param("edition", "Edition", _first(_wdi_editions), _wdi_editions)

register(
    ChartSpec(
        "internet_by_group",
        "Internet use by group",
        "Share of the population using the Internet by development status, ITU region, income "
        "group, World Bank region or LDC/LLDC/SIDS, with the Broadband Commission 2025 targets.",
        (
            Param("grouping", "Grouping", "development", GROUPINGS),
            EDITION,
            Param("sex", "Sex", "total", ["total", "female", "male"]),
        ),
        by_group,
        ("internet_use", "entities"),
    )
)
register(
    ChartSpec(
        "internet_gap",
        "Internet use gap between two entities",
        "Ratio (times) or percentage-point gap between the Internet use of two entities.",
        (
            Param("entity_a", "Entity A", "DEVELOPED", common.entity_choices),
            Param("entity_b", "Entity B", "LDC", common.entity_choices),
            Param("mode", "Gap", "ratio", ["ratio", "points"]),
            EDITION,
        ),
        gap,
        ("internet_use", "entities"),
    )
)
register(
    ChartSpec(
        "internet_map",
        "Internet use world map",
        "Economies' Internet use at a year, each at its latest year up to it (WDI).",
        (WDI_EDITION, Param("year", "Year", _default_map_year, _map_years, kind="int")),
        world_map,
        ("internet_use", "entities"),
    )
)
register(
    ChartSpec(
        "internet_compare",
        "Internet use: country comparison",
        "Internet use over time for chosen economies and groups (WDI).",
        (
            WDI_EDITION,
            Param(
                "entities", "Entities", ["WLD", "HIC", "LDC"], common.entity_choices, kind="multi"
            ),
        ),
        compare,
        ("internet_use", "entities"),
    )
)

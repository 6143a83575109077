"""Internet use: by group, the gap between two entities, a world map, a country comparison."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from indicators import figures
from indicators.catalogue import cards, queries
from indicators.catalogue.charts import (
    ChartSpec,
    Finding,
    NamedView,
    Param,
    edition_param,
    grouping_param,
)
from indicators.catalogue.errors import NoData
from indicators.catalogue.explore import Explore
from indicators.catalogue.topic import ClaimMetric, Topic
from indicators.catalogue.wording import (
    aside,
    at_printed,
    count,
    extremes,
    group_name,
    half_up,
    latest_range,
    name,
    named,
    pair,
    pct,
    year_span,
)
from indicators.contract.schemas import field_info
from indicators.contract.store import Tables
from indicators.etl.codes import DEVELOPED, DEVELOPING, GROUPING_STAND_INS, LDC, STAND_INS, WORLD
from indicators.figures import Caption, Chart, theme
from indicators.metrics import gaps
from indicators.metrics.claims import Computed, value_of, with_rounding

# Broadband Commission targets for 2025 (Target 3): the reference lines of the page.
TARGETS_2025 = {
    WORLD: ("2025 target, world: 75%", 75.0),
    DEVELOPING: ("2025 target, developing / LMICs: 65%", 65.0),
    "LMY": ("2025 target, developing / LMICs: 65%", 65.0),
    LDC: ("2025 target, LDCs: 35%", 35.0),
}
# The newest edition first: ITU's own aggregates, then the World Bank's.
EDITIONS = queries.EditionChoices(
    "internet_use",
    ("itu_aggregates", "wdi"),
    ("development", "itu_region", "income", "wb_region", "special"),
)
WDI_EDITIONS = queries.EditionChoices("internet_use", ("wdi",))
# Groups drawn beside a grouping's own: the LDCs with developed and developing countries.
SHOWN_WITH = {"development": [LDC]}
# Years an economy's latest value may lag the map's year (ITU and WDI revise and fill late).
TOLERANCES = [0, 1, 2, 3, 5, 10]
DEFAULT_TOLERANCE = 3
UNIT = field_info("internet_use", "value_pct")["unit"]


def _development_edition(tables: Tables) -> str:
    """The newest ITU edition with the developed/developing split ('' if none has it)."""
    frame = tables.get("internet_use")
    if frame is None or frame.empty:
        return ""

    def compute() -> str:
        split = frame.loc[frame["entity_id"] == DEVELOPED, ["source", "vintage"]]
        with_split = {f"{s}@{v}" for s, v in split.itertuples(index=False)}
        itu = queries.editions(tables, "internet_use", ("itu_aggregates",))
        return next((key for key in itu if key in with_split), "")

    return str(queries.memo(tables, frame, ("developed-edition",), compute))


def _split_label(tables: Tables, what: str) -> str:
    edition = queries.edition_label(_development_edition(tables))
    return f"{what}: {edition}, the last edition with this split"


def _development_groups(tables: Tables) -> tuple[str, dict[str, Any]] | None:
    """Developed and developing countries with the LDCs, in the last edition that has them."""
    edition = _development_edition(tables)
    if not edition:
        return None
    label = _split_label(tables, "Developed vs developing")
    return label, {"edition": edition, "grouping": "development"}


def _developed_vs_ldcs(tables: Tables) -> tuple[str, dict[str, Any]] | None:
    """The gap the WSIS report cites, developed countries vs LDCs, where the edition has it."""
    edition = _development_edition(tables)
    if not edition:
        return None
    label = _split_label(tables, "Developed countries vs LDCs")
    return label, {"edition": edition, "entity_a": DEVELOPED, "entity_b": LDC, "mode": "ratio"}


def group_rows(tables: Tables, p: dict[str, Any]) -> pd.DataFrame:
    """Internet use of the world and the groups of one grouping (with the LDCs beside the
    development split), of one sex, within the chosen years."""
    frame = queries.in_years(queries.rows_of(tables, "internet_use", p["edition"]), p)
    if not (frame["sex"] == p["sex"]).any():
        raise NoData(
            f"{queries.edition_label(p['edition'])} has no split by sex; choose Total or "
            "another edition."
        )
    own = queries.group_ids(tables, p["grouping"])
    wanted = [WORLD, *own, *(e for e in SHOWN_WITH.get(p["grouping"], []) if e not in own)]
    rows = frame[frame["entity_id"].isin(wanted) & (frame["sex"] == p["sex"])]
    if not rows["entity_id"].isin(own).any():
        raise NoData(
            f"{queries.edition_label(p['edition'])} has no "
            f"{queries.grouping_phrase(p['grouping'])} breakdown; choose another "
            "edition or grouping."
        )
    rows = rows.assign(name=rows["entity_id"].map(queries.names(tables)))
    order = {e: i for i, e in enumerate(wanted)}
    rows = rows.sort_values(
        ["entity_id", "year"], key=lambda s: s.map(order) if s.name == "entity_id" else s
    )
    data = rows[["entity_id", "name", "year", "sex", "value_pct", "estimate"]]
    other = queries.elsewhere_note(tables, "internet_use", p["edition"], data)
    return queries.framed(data, tables, p["edition"], notes=other if p["sex"] == "total" else ())


def _targets_note(data: pd.DataFrame) -> tuple[str, ...]:
    """'Dashed line: the Broadband Commission's 2025 target for the world.' for the targets of
    the groups drawn (one line for the world alone, none for a grouping without targets)."""
    drawn = {TARGETS_2025[e][0] for e in data["entity_id"].unique() if e in TARGETS_2025}
    if not drawn:
        return ()
    if len(drawn) == 1:
        return ("Dashed line: the Broadband Commission's target for 2025.",)
    return ("Dashed lines: the Broadband Commission's targets for 2025.",)


def by_group(data: pd.DataFrame, p: dict[str, Any]) -> Chart:
    """Internet use over time for the groups of one grouping, with the 2025 targets."""
    names = queries.names_in(data)
    colours = theme.entity_colours(data["entity_id"])
    fig = figures.lines(
        data, "year", "value_pct", "entity_id", names, y_title=UNIT, colours=colours
    )
    refs = {TARGETS_2025[e] for e in data["entity_id"].unique() if e in TARGETS_2025}
    figures.reference_lines(fig, sorted(refs, key=lambda r: -r[1]))
    fig.update_yaxes(range=[0, 100])
    extra = [
        names.get(e, e) for e in SHOWN_WITH.get(p["grouping"], []) if e in set(data["entity_id"])
    ]
    caption = Caption(
        title=f"Individuals using the Internet by {queries.grouping_phrase(p['grouping'])}"
        + (f", with {' and '.join(extra)}" if extra else ""),
        subtitle=f"{UNIT}, {p['sex']}, {year_span(data)}",
        source=queries.source_of(data),
        notes=(
            *queries.estimate_note(data),
            *_targets_note(data),
            *queries.notes_of(data),
        ),
    )
    return Chart(figures.with_caption(fig, caption), data, caption)


def by_group_finding(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """The highest and lowest group in the latest year, and the world."""
    year, top, low, world = latest_range(data, "value_pct")
    text = (
        f"In {year}, {pct(top['value_pct'])} of people used the Internet in {name(top)}, "
        f"against {pct(low['value_pct'])} in {name(low)}"
    )
    if world is not None:
        text += f" and {pct(world['value_pct'])} worldwide"
    return text + "."


def by_group_headline(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """'Internet use: 93% in high-income vs 26% in low-income economies (2024)'."""
    year, top, low, _ = latest_range(data, "value_pct")
    return f"Internet use: {pair(top, low, pct(top['value_pct']), pct(low['value_pct']))} ({year})"


def gap_rows(tables: Tables, p: dict[str, Any]) -> pd.DataFrame:
    """Both entities' Internet use in the years they share, and the gap between them."""
    frame = queries.in_years(queries.rows_of(tables, "internet_use", p["edition"]), p)
    frame = frame[frame["sex"] == "total"]
    a = frame[frame["entity_id"] == p["entity_a"]].set_index("year")["value_pct"]
    b = frame[frame["entity_id"] == p["entity_b"]].set_index("year")["value_pct"]
    years = sorted(set(a.index) & set(b.index))
    names = queries.names(tables)
    if not years:
        na, nb = (names.get(p[k], p[k]) for k in ("entity_a", "entity_b"))
        raise NoData(f"{queries.edition_label(p['edition'])} has no years with both {na} and {nb}.")
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
    shown = {e: names.get(e, e) for e in (p["entity_a"], p["entity_b"])}
    return queries.framed(data, tables, p["edition"], names=shown)


def gap(data: pd.DataFrame, p: dict[str, Any]) -> Chart:
    """The gap between two entities over time: ratio (times) or percentage points."""
    names = queries.names_in(data)
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
    reference = _reference(p)
    if reference is not None:
        figures.reference_lines(fig, [reference])
        _apart(fig, "parity (1x)", reference[0])
    last = data.iloc[-1]
    first_year, last_year = int(data["year"].iloc[0]), int(last["year"])
    caption = Caption(
        title=f"Internet use: {na} vs {nb}",
        subtitle=(
            f"{'Ratio' if p['mode'] == 'ratio' else 'Gap'} of the shares using the "
            f"Internet, {unit}, {first_year}-{last_year}; {last_year}: "
            + (_times(last["gap"]) if p["mode"] == "ratio" else f"{last['gap']:.1f}")
        ),
        source=queries.source_of(data),
        notes=(
            f"{na}: {last['value_a_pct']:.1f}%, {nb}: {last['value_b_pct']:.1f}% in {last_year}.",
            *([f"Dashed line: {reference[0]}, for comparison."] if reference else []),
        ),
    )
    return Chart(figures.with_caption(fig, caption), data, caption)


# Reference lines a gap chart offers: the multiples and gaps reports cite ("more than four
# times", "twice"), so that a report's figure is drawn against its own threshold.
REFERENCES = {"ratio": (2, 3, 4, 5), "points": (10, 20, 25, 50)}
NO_REFERENCE = "none"


def _reference(p: dict[str, Any]) -> tuple[str, float] | None:
    """The chosen reference line as (label, value), or None."""
    value = p.get("reference", NO_REFERENCE)
    if value in (None, "", NO_REFERENCE):
        return None
    number = float(value)
    label = f"{number:g} times" if p["mode"] == "ratio" else f"{number:g} points"
    return label, number


def _apart(fig: Any, lower: str, upper: str) -> None:
    """Two line labels on the same end (parity at 1, a report's 4 times): the lower one is set
    under its line, so close lines do not stack their labels."""
    notes = {note.text: note for note in fig.layout.annotations}
    low, high = notes.get(lower), notes.get(upper)
    if low is not None and high is not None and low.x == high.x:
        low.yanchor, high.yanchor = "top", "bottom"


def _references(tables: Tables, p: dict[str, Any]) -> list[Any]:
    return [NO_REFERENCE, *REFERENCES.get(str(p.get("mode")), ())]


def _times(ratio: float) -> str:
    """A ratio as the gap chart prints it: two decimals below ten ('2.67'), one above ('75.7')."""
    return f"{ratio:.2f}" if abs(ratio) < 10 else f"{ratio:.1f}"


def gap_finding(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """The gap in the latest year, against the first year drawn."""
    last, first = data.iloc[-1], data.iloc[0]
    a, b = group_name(str(last["entity_a"])), group_name(str(last["entity_b"]))
    ratio = p.get("mode", "ratio") == "ratio"
    # A ratio to the subtitle's and the Overview's two decimals (below ten).
    size = f"{_times(last['gap'])} times" if ratio else f"{last['gap']:.1f} percentage points"
    relation = "that of" if ratio else "above"
    text = (
        f"In {int(last['year'])}, Internet use in {aside(a, pct(last['value_a_pct']))} was "
        f"{size} {relation} {aside(b, pct(last['value_b_pct']))}"
    )
    if len(data) > 1:
        text += (
            f", against {_times(first['gap']) if ratio else f'{first.gap:.1f}'} "
            f"{'times' if ratio else 'points'} in {int(first['year'])}"
        )
    return text + "."


def gap_headline(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """'Internet use in developed countries: 4.53 times that of LDCs (2019)' (the ratio printed
    as the chart and its finding print it)."""
    last = data.iloc[-1]
    a, b = named(str(last["entity_a"])), named(str(last["entity_b"]))
    if p.get("mode", "ratio") == "ratio":
        size = f"{_times(last['gap'])} times that of {b}"
    else:
        size = f"{last['gap']:.1f} points above {b}"
    return f"Internet use in {a}: {size} ({int(last['year'])})"


def map_rows(tables: Tables, p: dict[str, Any]) -> pd.DataFrame:
    """Each economy's latest value up to the map's year, within the tolerance; the notes say
    who falls back to an earlier year and who is left blank."""
    frame = queries.in_years(queries.rows_of(tables, "internet_use", p["edition"]), p)
    ent = queries.entities(tables)
    economies = set(ent.loc[ent["kind"] == "economy", "entity_id"])
    rows = frame[frame["entity_id"].isin(economies) & (frame["sex"] == "total")]
    year = int(p["year"]) if p["year"] else int(rows["year"].max())
    tolerance = int(p.get("tolerance", DEFAULT_TOLERANCE))
    data = queries.latest_within(rows, year, tolerance, ["entity_id"])
    if data.empty:
        raise NoData(f"No economy has data from {year - tolerance} to {year}.")
    names = queries.names(tables)
    data = data.assign(name=data["entity_id"].map(names))
    data = data[["entity_id", "name", "year", "value_pct"]].sort_values("entity_id")
    notes = _fallback_notes(data, rows, year, tolerance, names)
    return queries.framed(data, tables, p["edition"], notes=notes)


def world_map(data: pd.DataFrame, p: dict[str, Any]) -> Chart:
    """A world map of economies at the chosen year, each at its latest year up to it."""
    year = int(p["year"]) if p["year"] else int(data["year"].max())
    tolerance = int(p.get("tolerance", DEFAULT_TOLERANCE))
    hover = (
        data["name"]
        + ": "
        + data["value_pct"].round(1).astype(str)
        + "% ("
        + data["year"].astype(str)
        + ")"
    )
    fig = figures.choropleth(data.assign(hover=hover), "value_pct", "hover", "%")
    caption = Caption(
        title=f"Individuals using the Internet, {year}",
        subtitle=f"{UNIT}; "
        + (
            f"each economy at its latest year from {year - tolerance} to {year}"
            if tolerance
            else f"economies reporting {year}"
        ),
        source=queries.source_of(data),
        notes=queries.notes_of(data),
    )
    return Chart(figures.with_caption(fig, caption), data, caption)


def map_finding(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """How many economies had more than half their people online, and the range."""
    top, low = extremes(data, "value_pct")
    half = int((data["value_pct"] > 50).sum())
    year = p.get("year") or int(data["year"].max())
    return (
        f"Up to {year}, {count(half, len(data))} economies mapped had more than half of their "
        f"population online; use ranged from {pct(low['value_pct'])} in "
        f"{at_printed(data, 'value_pct', low['value_pct'])} to {pct(top['value_pct'])} in "
        f"{at_printed(data, 'value_pct', top['value_pct'])}."
    )


def map_headline(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """'147 of 186 economies have most people online (2024)'."""
    half = int((data["value_pct"] > 50).sum())
    year = p.get("year") or int(data["year"].max())
    return f"{count(half, len(data)).capitalize()} economies have most people online ({year})"


def _fallback_notes(
    data: pd.DataFrame, rows: pd.DataFrame, year: int, tolerance: int, names: dict[str, str]
) -> tuple[str, ...]:
    """How many economies show an earlier year (and which years), and how many are left blank
    because their newest value is older than the tolerance allows."""
    counts = data["year"].value_counts()
    older = {
        int(y): int(n) for y, n in zip(counts.index.astype(int), counts.to_numpy(), strict=True)
    }
    older = {y: n for y, n in older.items() if y < year}
    notes = [f"{int(counts.get(year, 0))} economies report {year}."]
    if older:
        parts = [f"{n} from {y}" for y, n in sorted(older.items(), reverse=True)]
        total = sum(older.values())
        notes.append(
            f"{total} {'economy falls' if total == 1 else 'economies fall'} back to an earlier "
            f"year: {', '.join(parts)}."
        )
    stale = rows[(rows["year"] <= year) & ~rows["entity_id"].isin(set(data["entity_id"]))]
    if not stale.empty:
        last = stale.sort_values("year").groupby("entity_id").tail(1)
        listed = ", ".join(
            f"{names.get(e, e)} ({int(y)})"
            for e, y in sorted(zip(last["entity_id"], last["year"], strict=True))[:6]
        )
        more = f" and {len(last) - 6} more" if len(last) > 6 else ""
        notes.append(
            f"Left blank: {len(last)} economies whose latest value is older than "
            f"{year - tolerance}, e.g. {listed}{more}."
        )
    return tuple(notes)


def compare_rows(tables: Tables, p: dict[str, Any]) -> pd.DataFrame:
    """Internet use of the chosen entities, in the order chosen; a note names those without."""
    frame = queries.in_years(queries.rows_of(tables, "internet_use", p["edition"]), p)
    rows = frame[frame["entity_id"].isin(p["entities"]) & (frame["sex"] == "total")]
    names = queries.names(tables)
    if rows.empty:
        chosen = ", ".join(names.get(e, e) for e in p["entities"])
        raise NoData(f"{queries.edition_label(p['edition'])} has no data for {chosen}.")
    rows = rows.assign(name=rows["entity_id"].map(names))
    data = rows[["entity_id", "name", "year", "value_pct"]].sort_values(["entity_id", "year"])
    drawn = [e for e in p["entities"] if e in set(data["entity_id"])]
    data = data.set_index("entity_id").loc[drawn].reset_index()
    missing = [names.get(e, e) for e in p["entities"] if e not in drawn]
    notes: tuple[str, ...] = (
        (f"No data in this edition for {', '.join(missing)}.",) if missing else ()
    )
    notes += queries.elsewhere_note(tables, "internet_use", p["edition"], data)
    return queries.framed(data, tables, p["edition"], notes=notes)


def compare(data: pd.DataFrame, p: dict[str, Any]) -> Chart:
    """Internet use over time for chosen economies and groups."""
    names = queries.names_in(data)
    drawn = list(dict.fromkeys(data["entity_id"]))
    fig = figures.lines(
        data,
        "year",
        "value_pct",
        "entity_id",
        names,
        y_title=UNIT,
        markers=False,
        colours=theme.entity_colours(drawn),
    )
    fig.update_yaxes(range=[0, 100])
    caption = Caption(
        title="Individuals using the Internet: " + ", ".join(names.get(e, e) for e in drawn),
        subtitle=f"{UNIT}, {year_span(data)}",
        source=queries.source_of(data),
        notes=queries.notes_of(data),
    )
    return Chart(figures.with_caption(fig, caption), data, caption)


def compare_finding(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """The highest and lowest entity at its latest year."""
    newest = data.sort_values("year").groupby("entity_id").tail(1)
    top, low = extremes(newest, "value_pct")
    if top["entity_id"] == low["entity_id"]:
        return (
            f"In {int(top['year'])}, {pct(top['value_pct'])} of people in {name(top)} "
            "used the Internet."
        )
    return (
        f"In the latest year with data, {pct(top['value_pct'])} used the Internet in "
        f"{aside(name(top), str(int(top['year'])))} against {pct(low['value_pct'])} in "
        f"{aside(name(low), str(int(low['year'])))}."
    )


def compare_headline(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """'Internet use: 94% in high-income economies vs 34% in LDCs'."""
    newest = data.sort_values("year").groupby("entity_id").tail(1)
    top, low = extremes(newest, "value_pct")
    if top["entity_id"] == low["entity_id"]:
        return f"{pct(top['value_pct'])} online in {aside(named(top), str(int(top['year'])))}"
    return f"Internet use: {pair(top, low, pct(top['value_pct']), pct(low['value_pct']))}"


def _map_years(tables: Tables) -> list[int]:
    return queries.years_of(tables, "internet_use", source="wdi")


def _default_map_year(tables: Tables) -> int | str:
    """The newest year that at least half as many economies report as the best-covered year.

    WDI's newest column holds a handful of early reporters (10 economies for 2025 in the Jul
    2026 edition); a map of those alone would mislead.
    """
    frame = tables.get("internet_use")
    if frame is None or frame.empty:
        return ""
    counts = queries.memo(
        tables,
        frame,
        ("wdi-year-counts",),
        lambda: frame[frame["source"] == "wdi"].groupby("year")["entity_id"].nunique(),
    )
    if counts.empty:
        return ""
    return int(counts[counts >= counts.max() / 2].index.max())


def _in_edition(tables: Tables, p: dict[str, Any]) -> list[str]:
    return queries.edition_entities(tables, "internet_use", p["edition"])


def _sexes_in_edition(tables: Tables, p: dict[str, Any]) -> list[str]:
    present = set(queries.edition_values(tables, "internet_use", p["edition"], "sex"))
    return [s for s in SEXES if s in present]


def _years_in_edition(tables: Tables, p: dict[str, Any]) -> list[int]:
    return queries.edition_values(tables, "internet_use", p["edition"], "year")


SEXES = ["total", "female", "male"]
EDITION = edition_param(EDITIONS)
WDI_EDITION = edition_param(WDI_EDITIONS)

BY_GROUP = ChartSpec(
    "internet_by_group",
    "Internet use by group",
    "Share of the population using the Internet by development status, ITU region, income "
    "group, World Bank region or LDC/LLDC/SIDS, with the Broadband Commission 2025 targets.",
    (
        grouping_param(EDITIONS, "development", GROUPING_STAND_INS),
        EDITION,
        Param(
            "sex",
            "Sex",
            "total",
            SEXES,
            within=_sexes_in_edition,
            labels={"total": "Total", "female": "Female", "male": "Male"},
        ),
    ),
    query=group_rows,
    figure=by_group,
    finding=Finding("Line chart", by_group_finding, headline=by_group_headline),
    tables=("internet_use", "entities"),
    explore=Explore("internet_use", years=True, compare=True, end_labels=True),
    views=(NamedView(_development_groups),),
    value="value_pct",
    unit=UNIT,
    columns={"value_pct": f"Individuals using the Internet ({UNIT})"},
)
GAP = ChartSpec(
    "internet_gap",
    "Internet use gap between two entities",
    "Ratio (times) or percentage-point gap between the Internet use of two entities.",
    (
        Param(
            "entity_a",
            "Entity A",
            DEVELOPED,
            queries.entity_choices,
            within=_in_edition,
            stand_ins=STAND_INS,
        ),
        Param(
            "entity_b",
            "Entity B",
            LDC,
            queries.entity_choices,
            within=_in_edition,
            stand_ins=STAND_INS,
        ),
        Param(
            "mode",
            "Gap",
            "ratio",
            ["ratio", "points"],
            labels={"ratio": "Ratio (times)", "points": "Gap in percentage points"},
        ),
        EDITION,
        Param(
            "reference",
            "Reference line",
            NO_REFERENCE,
            [NO_REFERENCE, *sorted({v for vs in REFERENCES.values() for v in vs})],
            within=_references,
            labels={
                NO_REFERENCE: "None",
                **{v: f"{v} times" for v in REFERENCES["ratio"]},
                **{v: f"{v} points" for v in REFERENCES["points"]},
            },
            help="A dashed line at a multiple (ratio) or gap (points) a report cites.",
        ),
    ),
    query=gap_rows,
    figure=gap,
    finding=Finding("Line chart", gap_finding, headline=gap_headline),
    tables=("internet_use", "entities"),
    views=(NamedView(_developed_vs_ldcs),),
    explore=Explore(
        "internet_use",
        years=True,
        scale=True,
        compare=True,
        pickers=("entity_a", "entity_b"),
        value="value_pct",
        match=(("sex", "total"),),
    ),
    value="gap",
    unit="times (ratio) or percentage points",
    columns={
        "entity_a": "Entity A",
        "value_a_pct": f"Entity A ({UNIT})",
        "entity_b": "Entity B",
        "value_b_pct": f"Entity B ({UNIT})",
        "gap": "Gap (ratio in times, or percentage points)",
    },
)
MAP = ChartSpec(
    "internet_map",
    "Internet use world map",
    "Economies' Internet use at a year, each at its latest year up to it (WDI).",
    (
        WDI_EDITION,
        Param("year", "Year", _default_map_year, _map_years, kind="int", within=_years_in_edition),
        Param(
            "tolerance",
            "Earlier years allowed",
            DEFAULT_TOLERANCE,
            TOLERANCES,
            kind="int",
            help="An economy without a value for the year shows its latest value at most "
            "this many years older; older values are left blank.",
        ),
    ),
    query=map_rows,
    figure=world_map,
    finding=Finding("World map", map_finding, headline=map_headline),
    tables=("internet_use", "entities"),
    explore=Explore("internet_use", play="year"),
    value="value_pct",
    unit=UNIT,
    columns={"value_pct": f"Individuals using the Internet ({UNIT})", "year": "Year of value"},
)
COMPARE = ChartSpec(
    "internet_compare",
    "Internet use: country comparison",
    "Internet use over time for chosen economies and groups (WDI).",
    (
        WDI_EDITION,
        Param(
            "entities",
            "Entities",
            ["WLD", "HIC", "LDC"],
            queries.entity_choices,
            kind="multi",
            within=_in_edition,
            max_items=theme.MAX_SERIES,
            stand_ins=STAND_INS,
            help=f"At most {theme.MAX_SERIES}, so that each has its own colour.",
        ),
    ),
    query=compare_rows,
    figure=compare,
    finding=Finding("Line chart", compare_finding, headline=compare_headline),
    tables=("internet_use", "entities"),
    explore=Explore(
        "internet_use",
        years=True,
        scale=True,
        compare=True,
        pickers=("entities",),
        end_labels=True,
        value="value_pct",
        match=(("sex", "total"),),
    ),
    value="value_pct",
    unit=UNIT,
    columns={"value_pct": f"Individuals using the Internet ({UNIT})"},
)


# ---- Overview card and links into this topic's views


def gap_link(entity_a: str, entity_b: str, edition: str = "") -> str:
    """The gap chart showing the ratio of two entities in one edition."""
    params = {"entity_a": entity_a, "entity_b": entity_b, "mode": "ratio", "edition": edition}
    return TOPIC.link("internet_gap", params)


def groups_link(entity: str, edition: str = "", sex: str = "") -> str:
    """Internet use over time of the grouping that holds a group (the edition's default
    grouping for the world, which every grouping draws)."""
    params: dict[str, Any] = {} if entity == WORLD else {"grouping": queries.grouping_of(entity)}
    params.update(edition=edition, sex=sex if sex in SEXES and sex != "total" else "")
    return TOPIC.link("internet_by_group", params)


def _level_claim(row: Mapping[str, Any], spec: Mapping[str, Any], edition: str) -> str:
    if "entity_a" not in spec:
        return TOPIC.path
    return groups_link(str(spec["entity_a"]), edition, str(row.get("sex") or ""))


def _ratio_claim(row: Mapping[str, Any], spec: Mapping[str, Any], edition: str) -> str:
    if "entity_a" in spec and "entity_b" in spec:
        return gap_link(str(spec["entity_a"]), str(spec["entity_b"]), edition)
    return TOPIC.path


def _ratio(frame: pd.DataFrame, claim: dict[str, Any], tables: dict[str, Any]) -> Computed:
    """Internet use of one entity over another's in a year."""
    year = int(claim["year"])
    a = value_of(frame, claim["entity_a"], year, "value_pct", sex="total")
    b = value_of(frame, claim["entity_b"], year, "value_pct", sex="total")
    return with_rounding(gaps.ratio, {claim["entity_a"]: a, claim["entity_b"]: b})


def _level(frame: pd.DataFrame, claim: dict[str, Any], tables: dict[str, Any]) -> Computed:
    """One published value: Internet use (%) of an entity in a year (of one sex if given)."""
    sex = str(claim.get("sex") or "total")
    value = value_of(frame, claim["entity_a"], int(claim["year"]), "value_pct", sex=sex)
    return with_rounding(lambda v: v, {f"{claim['entity_a']} {sex}": value})


def _offline(frame: pd.DataFrame, claim: dict[str, Any], tables: dict[str, Any]) -> Computed:
    """People not using the Internet, in billions: users / share - users."""
    year = int(claim["year"])
    users = value_of(frame, claim["entity_a"], year, "users_millions", sex="total")
    share = value_of(frame, claim["entity_a"], year, "value_pct", sex="total")
    return with_rounding(
        lambda u, s: (u * 100 / s - u) / 1000, {"users (millions)": users, "per cent": share}
    )


def _users(frame: pd.DataFrame, claim: dict[str, Any], tables: dict[str, Any]) -> Computed:
    """Internet users in an entity and year, in billions."""
    value = value_of(frame, claim["entity_a"], int(claim["year"]), "users_millions", sex="total")
    return with_rounding(lambda v: v / 1000, {claim["entity_a"]: value})


def use_gap(use: pd.DataFrame, vintage: str, a: str, b: str) -> cards.Metric | None:
    """Internet use of ``a`` vs ``b`` in one ITU edition: ratio (headline) and points."""
    wide = cards.wide(use, vintage)
    if a not in wide or b not in wide:
        return None
    both = wide[[a, b]].dropna()
    if both.empty:
        return None
    year = int(both.index.max())
    va, vb = queries.number(both.loc[year, a]), queries.number(both.loc[year, b])
    times = gaps.ratio(va, vb)
    estimate = " (ITU estimate)" if year in cards.estimate_years(use, vintage, [a, b]) else ""
    printed_a, printed_b = half_up(va, 1), half_up(vb, 1)
    return cards.Metric(
        label=f"{cards.short_name(a)} vs {cards.short_name(b)}",
        text=f"{times:.2f}×",
        value=times,
        # The gap between the printed shares, so that the sentence's own sum checks.
        detail=(
            f"{printed_a}% vs {printed_b}% of people online{estimate}: "
            f"{gaps.point_gap(float(printed_a), float(printed_b)):.1f} percentage points apart."
        ),
        year=year,
        edition=cards.edition_name(cards.ITU_SOURCE, vintage),
        trend=cards.trend(both[a] / both[b]),
        trend_label="Ratio",
        href=gap_link(a, b, f"{cards.ITU_SOURCE}@{vintage}"),
    )


def internet_card(use: pd.DataFrame | None) -> cards.Card:
    """Developed vs LDCs (newest ITU edition with 'developed') and high income vs LDCs (newest)."""
    card = cards.Card(
        "internet", "Internet use: developed vs least developed", "/internet", "Internet use page"
    )
    if use is None or use.empty:
        return cards.empty_card(card, "internet_use")
    vintages = cards.vintages(use, cards.ITU_SOURCE)
    with_developed = [v for v in vintages if DEVELOPED in set(cards.wide(use, v).columns)]
    metrics = []
    if with_developed:
        metrics.append(use_gap(use, with_developed[0], DEVELOPED, LDC))
    if vintages:
        metrics.append(use_gap(use, vintages[0], "HIC", LDC))
    found = tuple(m for m in metrics if m is not None)
    if not found:
        return cards.no_rows_card(card, "ITU aggregate Internet use for these groups")
    notes: tuple[str, ...] = ("Ratio of the shares of the population using the Internet.",)
    if with_developed and vintages and with_developed[0] != vintages[0]:
        notes += (
            f"{cards.edition_name(cards.ITU_SOURCE, vintages[0])} has no developed group; "
            "high income stands in for it.",
        )
    return cards.filled_card(card, found, notes)


TOPIC = Topic(
    key="internet",
    title="Internet use",
    nav="Internet use",
    path="/internet",
    order=1,
    intro=(
        "Share of the population using the Internet, by group, with the Broadband Commission "
        "targets for 2025 (75% world, 65% developing and low- and middle-income, 35% LDCs); the "
        "gap between any two entities; economies on a map and side by side."
    ),
    panels=(
        ("internet-groups", BY_GROUP),
        ("internet-gap", GAP),
        ("internet-map", MAP),
        ("internet-compare", COMPARE),
    ),
    card=lambda tables: internet_card(tables.get("internet_use")),
    claims=(
        ClaimMetric("ratio", "internet_use", _ratio, "×", _ratio_claim),
        ClaimMetric("level", "internet_use", _level, "%", _level_claim),
        ClaimMetric("users_billions", "internet_use", _users, " billion", _level_claim),
        ClaimMetric("offline_billions", "internet_use", _offline, " billion", _level_claim),
    ),
    tables=("internet_use", "entities"),
)

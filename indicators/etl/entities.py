"""Assemble the entities table from the reference lists each publisher ships."""

from __future__ import annotations

import pandas as pd

from indicators.etl.codes import GROUPS, normalise_name

COLUMNS = [
    "entity_id",
    "name",
    "kind",
    "grouping",
    "m49",
    "development_status",
    "ldc",
    "lldc",
    "sids",
    "itu_region",
    "wb_region",
    "income_group",
]
FLAGS = ["ldc", "lldc", "sids"]


def groups_frame(wdi_aggregates: pd.DataFrame | None = None) -> pd.DataFrame:
    """The known groups, plus any other aggregate a WDI file carries (grouping wb_aggregate)."""
    rows = [{"entity_id": c, "name": n, "grouping": g} for c, (n, g) in GROUPS.items()]
    if wdi_aggregates is not None:
        extra = wdi_aggregates[~wdi_aggregates["entity_id"].isin(GROUPS)]
        rows += [
            {"entity_id": c, "name": n, "grouping": "wb_aggregate"}
            for c, n in zip(extra["entity_id"], extra["name"], strict=True)
        ]
    out = pd.DataFrame(rows).drop_duplicates("entity_id")
    return out.assign(kind="group", **dict.fromkeys(FLAGS, False))


def economies_frame(
    m49_current: pd.DataFrame | None,
    m49_2021: pd.DataFrame | None,
    wdi_meta: pd.DataFrame | None,
    itu_economies: pd.DataFrame | None,
) -> pd.DataFrame:
    """One row per economy known to any reference list; the UN's current list takes precedence.

    Names and LDC/LLDC/SIDS flags come from the newest M49 edition, falling back to ITU's flags
    for economies the UN does not list (Taiwan, Kosovo, Channel Islands). Development status
    exists only in the 2021 M49 edition.
    """
    parts = [f for f in (m49_current, m49_2021, wdi_meta, itu_economies) if f is not None]
    if not parts:
        return pd.DataFrame(columns=COLUMNS)
    ids = pd.Index(pd.concat([p["entity_id"] for p in parts]).unique(), name="entity_id")
    out = pd.DataFrame(index=ids)
    for source in (m49_current, m49_2021, wdi_meta, itu_economies):
        if source is not None:
            out = out.combine_first(_columns(source).set_index("entity_id"))
    if m49_2021 is not None:
        status = m49_2021.set_index("entity_id")["development_status"]
        out["development_status"] = status.reindex(out.index)
    out = out.reset_index()
    for flag in FLAGS:
        out[flag] = out[flag].fillna(False).astype(bool) if flag in out else False
    return out.assign(kind="economy", grouping=None)


def _columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The entity columns a reference list provides (others are left for other lists)."""
    return frame[[c for c in frame.columns if c in COLUMNS]]


def build_entities(economies: pd.DataFrame, groups: pd.DataFrame) -> pd.DataFrame:
    """Economies then groups, in the contract's column order."""
    both = pd.concat([economies, groups.assign()], ignore_index=True)
    for column in COLUMNS:
        if column not in both:
            both[column] = None
    return both[COLUMNS].sort_values(["kind", "entity_id"]).reset_index(drop=True)


def names_for_matching(entities: pd.DataFrame) -> dict[str, str]:
    """Normalised economy name -> ISO3, from every name the entities table holds."""
    econ = entities[entities["kind"] == "economy"]
    return {normalise_name(n): c for n, c in zip(econ["name"], econ["entity_id"], strict=True)}


# Which reference source gives each column, in order of precedence. Within a source only its
# newest edition that carries the column counts, so adding an older edition never changes
# today's groups; names alone fall back to older editions (a renamed country keeps a name).
PROVIDERS: dict[str, tuple[str, ...]] = {
    "name": ("m49", "wdi_meta", "itu_prices"),
    "m49": ("m49",),
    "development_status": ("m49",),
    "ldc": ("m49", "itu_prices"),
    "lldc": ("m49", "itu_prices"),
    "sids": ("m49", "itu_prices"),
    "itu_region": ("itu_prices",),
    "wb_region": ("wdi_meta",),
    "income_group": ("wdi_meta", "itu_prices"),
}
NAME_FALLBACK = {"name"}
# The frame each reference source's reader returns its list in.
REFERENCE_FRAMES = {"m49": "m49", "wdi_meta": "wdi_meta", "itu_prices": "itu_economies"}
AGGREGATE_LIST = ("wdi_meta", "wdi_aggregates")  # which WDI codes are aggregates

Editions = dict[str, list[tuple[str, dict[str, pd.DataFrame]]]]  # source -> newest first


def _list(frames: dict[str, pd.DataFrame], source: str) -> pd.DataFrame | None:
    return frames.get(REFERENCE_FRAMES.get(source, ""))


def _column_editions(editions: Editions, column: str) -> list[tuple[str, pd.DataFrame]]:
    """(source@edition, list) pairs that give a column, by the declared precedence."""
    chosen = []
    for source in PROVIDERS[column]:
        for key, frames in editions.get(source, []):
            frame = _list(frames, source)
            if frame is None or column not in frame or frame[column].isna().all():
                continue
            chosen.append((key, frame))
            if column not in NAME_FALLBACK:
                break
    return chosen


def assemble(
    editions: Editions, aggregates: list[pd.DataFrame]
) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """The entities table from the reference editions, and the editions each column came from."""
    lists = [
        f
        for source, eds in editions.items()
        for _, fr in eds
        if (f := _list(fr, source)) is not None
    ]
    derived: dict[str, list[str]] = {}
    if lists:
        ids = pd.Index(pd.concat([f["entity_id"] for f in lists]).unique(), name="entity_id")
        out = pd.DataFrame(index=ids)
        for column in PROVIDERS:
            values = pd.Series(pd.NA, index=ids, dtype="object")
            for key, frame in _column_editions(editions, column):
                given = frame.drop_duplicates("entity_id").set_index("entity_id")[column]
                values = values.combine_first(given.reindex(ids).astype("object"))
                derived.setdefault(column, []).append(key)
            out[column] = values
        economies = out.reset_index()
        for flag in FLAGS:
            economies[flag] = economies[flag].fillna(False).astype(bool)
        economies = economies.assign(kind="economy", grouping=None)
    else:
        economies = pd.DataFrame(columns=COLUMNS)
    listed = _newest_aggregate_list(editions)
    wdi_aggs = None
    if aggregates and listed is not None:
        wdi_aggs = pd.concat(aggregates).drop_duplicates("entity_id")
        wdi_aggs = wdi_aggs[wdi_aggs["entity_id"].isin(listed["entity_id"])]
    return build_entities(economies, groups_frame(wdi_aggs)), derived


def _newest_aggregate_list(editions: Editions) -> pd.DataFrame | None:
    """Only codes the WDI metadata lists as aggregates become groups; any other unknown code
    in a data file is reported."""
    source, frame = AGGREGATE_LIST
    for _, frames in editions.get(source, []):
        if frame in frames:
            return frames[frame]
    return None


def name_index(frame: pd.DataFrame) -> dict[str, str]:
    """Normalised economy name -> code, from a reference list."""
    rows = frame.dropna(subset=["name"])
    return {normalise_name(n): c for n, c in zip(rows["name"], rows["entity_id"], strict=True)}


# Which column of the entities table says an economy belongs to a group, by the group's grouping:
# a region or income group is a column value, LDC/LLDC/SIDS a flag, development a status.
MEMBERSHIP_COLUMN = {
    "income": "income_group",
    "itu_region": "itu_region",
    "wb_region": "wb_region",
}


def member_mask(economies: pd.DataFrame, group: str) -> pd.Series:
    """True for the rows of ``economies`` (entities rows) that belong to ``group``.

    Groups outside the declared ones (World Bank aggregates whose membership no reference list
    gives) have no members here: the mask is all False.
    """
    grouping = GROUPS.get(group, ("", ""))[1]
    if grouping == "world":
        mask = economies["kind"] == "economy"
    elif grouping == "special":
        mask = economies[group.lower()]
    elif grouping == "development":
        mask = economies["development_status"] == group.lower()
    elif grouping in MEMBERSHIP_COLUMN:
        mask = economies[MEMBERSHIP_COLUMN[grouping]] == group
    else:
        return pd.Series(False, index=economies.index)
    return mask.fillna(False).astype(bool)

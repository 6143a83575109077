"""Assemble the entities table from the reference lists each publisher ships."""

from __future__ import annotations

import pandas as pd

from indicators.codes import GROUPS, normalise_name

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
    return out.assign(kind="group", **{f: False for f in FLAGS})


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

"""Small made-up tables in the published schemas, so that every catalogue chart can be drawn
without any publisher's data (visual regression references are rendered from these).

Values come from simple formulas: they are plausible in range and shape, not real figures.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from indicators.contract import schemas
from indicators.etl.codes import GROUPS

YEARS = list(range(2018, 2025))
# (iso3, name, itu region, income group, development status, ldc, lldc, sids, wb region)
ECONOMIES = [
    ("USA", "United States", "ITU_AMS", "HIC", "developed", False, False, False, "NAC"),
    ("BRA", "Brazil", "ITU_AMS", "UMC", "developing", False, False, False, "LCN"),
    ("NGA", "Nigeria", "ITU_AFR", "LMC", "developing", False, False, False, "SSF"),
    ("NER", "Niger", "ITU_AFR", "LIC", "developing", True, True, False, "SSF"),
    ("IND", "India", "ITU_ASP", "LMC", "developing", False, False, False, "SAS"),
    ("FJI", "Fiji", "ITU_ASP", "UMC", "developing", False, False, True, "EAS"),
    ("FRA", "France", "ITU_EUR", "HIC", "developed", False, False, False, "ECS"),
    ("KAZ", "Kazakhstan", "ITU_CIS", "UMC", "developing", False, True, False, "ECS"),
    ("EGY", "Egypt", "ITU_ARB", "LMC", "developing", False, False, False, "MEA"),
    ("YEM", "Yemen", "ITU_ARB", "LIC", "developing", True, False, False, "MEA"),
]
LEVEL = {  # Internet use in the last year, % of population
    "WLD": 68, "DEVELOPED": 90, "DEVELOPING": 60, "LDC": 35, "LLDC": 39, "SIDS": 65,
    "HIC": 93, "UMC": 80, "LMC": 54, "LIC": 27,
    "ITU_AFR": 38, "ITU_AMS": 87, "ITU_ARB": 70, "ITU_ASP": 66, "ITU_CIS": 92, "ITU_EUR": 91,
    "EAS": 78, "ECS": 89, "LCN": 81, "MEA": 60, "NAC": 94, "SAS": 47, "SSF": 37,
    "USA": 93, "BRA": 84, "NGA": 45, "NER": 17, "IND": 56, "FJI": 80, "FRA": 86, "KAZ": 91,
    "EGY": 72, "YEM": 17,
}  # fmt: skip


def entities() -> pd.DataFrame:
    """World, every group of codes.GROUPS, and ten economies."""
    rows: list[dict[str, Any]] = [
        {"entity_id": code, "name": name, "kind": "group", "grouping": grouping}
        for code, (name, grouping) in GROUPS.items()
    ]
    for iso, name, itu, income, dev, ldc, lldc, sids, wb in ECONOMIES:
        rows.append(
            {
                "entity_id": iso,
                "name": name,
                "kind": "economy",
                "itu_region": itu,
                "income_group": income,
                "development_status": dev,
                "ldc": ldc,
                "lldc": lldc,
                "sids": sids,
                "wb_region": wb,
            }
        )
    frame = pd.DataFrame(rows)
    for flag in ("ldc", "lldc", "sids"):
        frame[flag] = frame[flag].fillna(False).astype(bool)
    frame["m49"] = None
    return schemas.Entities.validate(frame[list(schemas.Entities.to_schema().columns)])


def _use(entity: str, year: int, sex: str) -> float:
    """Internet use rising two points a year to its level; women a little behind."""
    base = LEVEL[entity] - 2.0 * (YEARS[-1] - year)
    shift = {"total": 0.0, "female": -0.06 * (100 - base), "male": 0.06 * (100 - base)}[sex]
    return round(max(1.0, min(99.0, base + shift)), 1)


def internet_use() -> pd.DataFrame:
    """ITU aggregates (groups, by sex), WDI (economies and groups) and ITU by-economy sex rates."""
    rows = []
    groups = [c for c in GROUPS if GROUPS[c][1] in ("world", "development", "special",
                                                    "income", "itu_region")]  # fmt: skip
    for entity in groups:
        for year in YEARS:
            for sex in ("total", "female", "male"):
                rows.append(
                    ("itu_aggregates", "2024-11", entity, year, sex, _use(entity, year, sex))
                )
    for entity in [*LEVEL]:
        for year in YEARS:
            rows.append(("wdi", "2026-07", entity, year, "total", _use(entity, year, "total")))
    for iso, *_ in ECONOMIES:
        for sex in ("female", "male"):
            rows.append(("itu_gender_country", "2019-12", iso, 2018, sex, _use(iso, 2018, sex)))
    frame = pd.DataFrame(
        rows, columns=["source", "vintage", "entity_id", "year", "sex", "value_pct"]
    )
    frame["users_millions"] = None
    frame["estimate"] = frame["source"] == "itu_aggregates"
    return frame


PRICE = {"HIC": 1.0, "UMC": 2.2, "LMC": 4.5, "LIC": 25.0, "WLD": 2.6}


def broadband_price() -> pd.DataFrame:
    """ITU price baskets: group medians and economy prices, fixed and mobile, three units."""
    rows = []
    factor = {"pct_gni_pc": 1.0, "usd": 12.0, "ppp": 20.0}
    baskets = {"fixed_broadband": 5.0, "mobile_broadband": 2.0}
    for basket, gb in baskets.items():
        scale = 1.0 if basket == "fixed_broadband" else 0.55
        for unit, f in factor.items():
            for year in YEARS:
                drift = 1 + 0.08 * (YEARS[-1] - year)
                for entity, level in PRICE.items():
                    value = round(level * scale * drift * f, 2)
                    rows.append((entity, year, basket, gb, unit, "median", value))
                for i, (iso, *_rest) in enumerate(ECONOMIES):
                    level = PRICE[_rest[2]] * (0.7 + 0.07 * i)
                    value = round(level * scale * drift * f, 2)
                    rows.append((iso, year, basket, gb, unit, "value", value))
    columns = ["entity_id", "year", "basket", "allowance_gb", "unit", "statistic", "value"]
    frame = pd.DataFrame(rows, columns=columns)
    frame.insert(0, "source", "itu_prices")
    frame.insert(1, "vintage", "2025-12")
    frame["experimental"] = False
    frame["sample"] = "annual"
    return pd.concat([frame, _same_economies(frame)], ignore_index=True)


def _same_economies(frame: pd.DataFrame) -> pd.DataFrame:
    """Constant-sample medians over the last four years, a little below the annual ones."""
    rows = frame[(frame["statistic"] == "median") & (frame["year"] > YEARS[-1] - 4)]
    return rows.assign(value=(rows["value"] * 0.9).round(2), sample="last_4_years")


def bandwidth() -> pd.DataFrame:
    """International bandwidth of the ITU regions, income groups and the world, growing."""
    share = {"ITU_AFR": 0.03, "ITU_AMS": 0.25, "ITU_ARB": 0.04, "ITU_ASP": 0.42,
             "ITU_CIS": 0.04, "ITU_EUR": 0.22}  # fmt: skip
    income = {"HIC": 0.55, "UMC": 0.30, "LMC": 0.13, "LIC": 0.02}
    rows = []
    for year in YEARS:
        world = 400_000 * 1.25 ** (year - YEARS[0])
        rows.append(("WLD", year, world, 300.0 * 1.2 ** (year - YEARS[0])))
        for i, (code, s) in enumerate({**share, **income}.items()):
            growth = (1 + 0.02 * (i % 6) - 0.05) ** (year - YEARS[0])
            per_user = 900 * s * 1.2 ** (year - YEARS[0]) + 40
            rows.append((code, year, world * s * growth * 0.98, per_user))
    frame = pd.DataFrame(rows, columns=["entity_id", "year", "bandwidth_gbps", "per_user_kbps"])
    frame.insert(0, "source", "itu_aggregates")
    frame.insert(1, "vintage", "2024-11")
    return frame


def mobile_broadband() -> pd.DataFrame:
    """Mobile-broadband subscriptions per 100 inhabitants of the world and the groups, rising."""
    rows = [
        (code, year, LEVEL[code] * 1.2 * (0.7 + 0.05 * (year - YEARS[0])), None, False)
        for code in ("WLD", "HIC", "UMC", "LMC", "LIC", "LDC", "LLDC", "SIDS", "DEVELOPED")
        for year in YEARS
    ]
    columns = ["entity_id", "year", "per_100", "subscriptions_millions", "estimate"]
    frame = pd.DataFrame(rows, columns=columns)
    frame.insert(0, "source", "itu_aggregates")
    frame.insert(1, "vintage", "2024-11")
    return frame


class MadeUpTables:
    """The Tables protocol over the made-up frames."""

    def __init__(self) -> None:
        self.frames = {
            "entities": entities(),
            "internet_use": internet_use(),
            "broadband_price": broadband_price(),
            "bandwidth": bandwidth(),
            "mobile_broadband": mobile_broadband(),
        }

    def get(self, name: str) -> pd.DataFrame | None:
        return self.frames.get(name)

    def metadata(self, name: str) -> dict[str, Any]:
        return {}

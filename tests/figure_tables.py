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
    kinds = ("world", "development", "special", "income", "itu_region")
    groups = [c for c in GROUPS if GROUPS[c][1] in kinds]
    rows = [
        ("itu_aggregates", "2024-11", entity, year, sex, _use(entity, year, sex))
        for entity in groups
        for year in YEARS
        for sex in ("total", "female", "male")
    ]
    rows += [
        ("wdi", "2026-07", entity, year, "total", _use(entity, year, "total"))
        for entity in LEVEL
        for year in YEARS
    ]
    rows += [
        ("itu_gender_country", "2019-12", iso, 2018, sex, _use(iso, 2018, sex))
        for iso, *_ in ECONOMIES
        for sex in ("female", "male")
    ]
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


# The groups ITU splits by area, age and network (no development split in those editions).
SPLIT_GROUPS = ("WLD", "HIC", "UMC", "LMC", "LIC", "LDC", "LLDC", "SIDS",
                "ITU_AFR", "ITU_AMS", "ITU_ARB", "ITU_ASP", "ITU_CIS", "ITU_EUR")  # fmt: skip
SPLIT_YEARS = YEARS[-4:]


def _itu(frame: pd.DataFrame, vintage: str = "2024-11") -> pd.DataFrame:
    frame.insert(0, "source", "itu_aggregates")
    frame.insert(1, "vintage", vintage)
    frame["estimate"] = True
    return frame


def internet_use_by_location() -> pd.DataFrame:
    """Urban above the total and rural below it, for the groups; and ten economies' urban and
    rural use in 2018 (one with its urban areas only)."""
    rows = []
    for code in SPLIT_GROUPS:
        for year in SPLIT_YEARS:
            total = _use(code, year, "total")
            urban = round(total + 0.4 * (100 - total), 1)
            rural = round(total * 0.7, 1)
            for location, value in (("total", total), ("urban", urban), ("rural", rural)):
                rows.append((code, year, location, "total", value))
    frame = _itu(pd.DataFrame(rows, columns=["entity_id", "year", "location", "sex", "value_pct"]))
    economies = []
    for i, (iso, *_) in enumerate(ECONOMIES):
        total = _use(iso, 2018, "total")
        economies.append((iso, 2018, "urban", "total", round(min(99.0, total * 1.2), 1)))
        if i != 3:  # Niger: a survey of urban areas only
            economies.append((iso, 2018, "rural", "total", round(total * (0.6 + 0.05 * i), 1)))
    country = pd.DataFrame(economies, columns=["entity_id", "year", "location", "sex", "value_pct"])
    country.insert(0, "source", "itu_gender_country")
    country.insert(1, "vintage", "2019-12")
    country["estimate"] = False
    return pd.concat([frame, country], ignore_index=True)


def internet_use_by_age() -> pd.DataFrame:
    """People aged 15-24 ahead of the rest of the population, for the groups."""
    rows = []
    for code in SPLIT_GROUPS:
        for year in SPLIT_YEARS:
            total = _use(code, year, "total")
            youth = round(min(99.0, total * 1.15 + 5), 1)
            rest = round(total * 0.95, 1)
            for age, value in (("total", total), ("youth", youth), ("rest", rest)):
                rows.append((code, year, age, value))
    return _itu(pd.DataFrame(rows, columns=["entity_id", "year", "age", "value_pct"]))


def network_coverage() -> pd.DataFrame:
    """Nested coverage (any signal above 3G above LTE above 5G), rural behind urban; 5G from
    2020."""
    rows = []
    for code in SPLIT_GROUPS:
        for year in YEARS:
            level = LEVEL[code] - 1.5 * (YEARS[-1] - year)
            for location, shift in (("total", 0.0), ("urban", 0.5), ("rural", -0.6)):
                reach = {
                    "mobile_cellular": 99.5 - (100 - level) * 0.12,
                    "3g": 98.0 - (100 - level) * 0.25,
                    "lte": 96.0 - (100 - level) * 0.6,
                    "5g": max(0.0, level - 40 - 6 * (YEARS[-1] - year)),
                }
                for technology, value in reach.items():
                    if technology == "5g" and year < 2020:
                        continue
                    scaled = value * (1 + shift * (100 - value) / 100)
                    rows.append((code, year, technology, location, round(min(100.0, scaled), 1)))
    columns = ["entity_id", "year", "technology", "location", "coverage_pct"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["covered_millions"] = None
    return _itu(frame)


def mobile_phone_ownership() -> pd.DataFrame:
    """Phone ownership (aged 10+) a little above Internet use; women a little behind."""
    rows = []
    for code in SPLIT_GROUPS:
        for year in YEARS[-6:]:
            for sex in ("total", "female", "male"):
                use = _use(code, year, sex)
                rows.append((code, year, sex, round(min(99.0, use + 0.3 * (100 - use)), 1)))
    frame = pd.DataFrame(rows, columns=["entity_id", "year", "sex", "value_pct"])
    frame["owners_millions"] = None
    return _itu(frame)


class MadeUpTables:
    """The Tables protocol over the made-up frames."""

    def __init__(self) -> None:
        self.frames = {
            "entities": entities(),
            "internet_use": internet_use(),
            "broadband_price": broadband_price(),
            "bandwidth": bandwidth(),
            "mobile_broadband": mobile_broadband(),
            "internet_use_by_location": internet_use_by_location(),
            "internet_use_by_age": internet_use_by_age(),
            "network_coverage": network_coverage(),
            "mobile_phone_ownership": mobile_phone_ownership(),
        }

    def get(self, name: str) -> pd.DataFrame | None:
        return self.frames.get(name)

    def metadata(self, name: str) -> dict[str, Any]:
        return {}

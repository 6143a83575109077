"""Stable entity codes for the groups the publishers aggregate over.

Economies are keyed by ISO 3166 alpha-3. Groups get the World Bank's code where one exists
(WLD, LDC, HIC, EAS, ...) so that WDI aggregates and ITU aggregates of the same group share an id,
and a readable code otherwise (DEVELOPED, ITU_AFR, ...).
"""

from __future__ import annotations

import re
import unicodedata

WORLD = "WLD"
DEVELOPED = "DEVELOPED"
DEVELOPING = "DEVELOPING"
LDC = "LDC"
LLDC = "LLDC"
SIDS = "SIDS"

# code -> (name, grouping)
GROUPS: dict[str, tuple[str, str]] = {
    WORLD: ("World", "world"),
    DEVELOPED: ("Developed countries", "development"),
    DEVELOPING: ("Developing countries", "development"),
    LDC: ("Least developed countries (LDCs)", "special"),
    LLDC: ("Landlocked developing countries (LLDCs)", "special"),
    SIDS: ("Small island developing States (SIDS)", "special"),
    "HIC": ("High income", "income"),
    "UMC": ("Upper middle income", "income"),
    "LMC": ("Lower middle income", "income"),
    "LIC": ("Low income", "income"),
    "ITU_AFR": ("Africa", "itu_region"),
    "ITU_AMS": ("The Americas", "itu_region"),
    "ITU_ARB": ("Arab States", "itu_region"),
    "ITU_ASP": ("Asia & Pacific", "itu_region"),
    "ITU_CIS": ("CIS", "itu_region"),
    "ITU_EUR": ("Europe", "itu_region"),
    "EAS": ("East Asia & Pacific", "wb_region"),
    "ECS": ("Europe & Central Asia", "wb_region"),
    "LCN": ("Latin America & Caribbean", "wb_region"),
    "MEA": ("Middle East, North Africa, Afghanistan & Pakistan", "wb_region"),
    "NAC": ("North America", "wb_region"),
    "SAS": ("South Asia", "wb_region"),
    "SSF": ("Sub-Saharan Africa", "wb_region"),
}

# Where an edition lacks a group, the groups that stand in for it, in order: recent editions
# report income groups where older ones reported the development split (the claims' notes
# read high income for "developed" the same way). LMY is the World Bank's low and middle income.
STAND_INS: dict[str, tuple[str, ...]] = {
    DEVELOPED: ("HIC",),
    DEVELOPING: ("LMY", "LMC"),
}
# Likewise for a grouping: an edition without the development split offers income groups.
GROUPING_STAND_INS: dict[str, tuple[str, ...]] = {"development": ("income",)}

ITU_REGIONS = [c for c, (_, g) in GROUPS.items() if g == "itu_region"]
INCOME_GROUPS = ["HIC", "UMC", "LMC", "LIC"]
WB_REGIONS = [c for c, (_, g) in GROUPS.items() if g == "wb_region"]

# Spellings the publishers use for groups, normalised with `normalise_name`.
_GROUP_ALIASES: dict[str, str] = {
    "world": WORLD,
    "developed": DEVELOPED,
    "developing": DEVELOPING,
    "ldcs": LDC,
    "ldc": LDC,
    "least developed countries": LDC,
    "least developed countries ldcs": LDC,
    "least developed countries un classification": LDC,
    "lldcs": LLDC,
    "lldc": LLDC,
    "land locked developing countries lldcs": LLDC,
    "landlocked developing countries lldcs": LLDC,
    "sids": SIDS,
    "small island developing states sids": SIDS,
    "high income": "HIC",
    "high-income": "HIC",
    "upper middle income": "UMC",
    "upper-middle-income": "UMC",
    "lower middle income": "LMC",
    "lower-middle-income": "LMC",
    "low income": "LIC",
    "low-income": "LIC",
    "africa": "ITU_AFR",
    "the americas": "ITU_AMS",
    "americas": "ITU_AMS",
    "arab states": "ITU_ARB",
    "asia & pacific": "ITU_ASP",
    "asia-pacific": "ITU_ASP",
    "asia and pacific": "ITU_ASP",
    "cis": "ITU_CIS",
    "cis countries": "ITU_CIS",
    "europe": "ITU_EUR",
    "europe countries": "ITU_EUR",
}


def normalise_name(name: str) -> str:
    """Lower-case, accent-free, single-spaced form of a label, without brackets or footnotes."""
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    # Apostrophes vanish (straight or curly: the curly one is lost by the ASCII fold above).
    text = re.sub(r"[()*,.:]", " ", text.lower().replace("'", ""))
    return re.sub(r"\s+", " ", text).strip()


def group_code(label: str) -> str | None:
    """The entity code for a publisher's group label, or None if the label is not a known group."""
    key = normalise_name(label)
    if key in _GROUP_ALIASES:
        return _GROUP_ALIASES[key]
    return _GROUP_ALIASES.get(key.replace("-", " "))

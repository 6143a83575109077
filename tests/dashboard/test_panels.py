"""How a panel's pickers name their choices."""

from __future__ import annotations

from indicators import catalogue
from indicators.dashboard import panels

NAMES = {
    "LDC": "Least developed countries (LDCs)",
    "LLDC": "Landlocked developing countries (LLDCs)",
    "KEN": "Kenya",
    "HIC": "High income",
}


def test_an_entity_reads_with_its_code_once():
    param = next(p for p in catalogue.chart("internet_gap").params if p.name == "entity_a")
    assert panels.choice_label(param, "KEN", NAMES) == "Kenya (KEN)"
    assert panels.choice_label(param, "HIC", NAMES) == "High income (HIC)"
    # A name that gives its abbreviation already is not followed by the code again.
    assert panels.choice_label(param, "LDC", NAMES) == "Least developed countries (LDCs)"
    assert panels.choice_label(param, "LLDC", NAMES) == "Landlocked developing countries (LLDCs)"


def test_an_end_label_is_two_short_lines_or_the_abbreviation_its_name_gives():
    assert panels._wrap("Upper middle income") == "Upper middle<br>income"
    # Too long for two lines: the name's own abbreviation, not a name cut mid-word.
    assert panels._wrap("Least developed countries (LDCs)") == "LDCs"
    assert panels._wrap("Small island developing States (SIDS)") == "SIDS"
    # Without one, the second line is cut short and says so.
    assert panels._wrap("Europe & Central Asia (excluding high income)").endswith("…")

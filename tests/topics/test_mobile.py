"""Mobile-broadband subscriptions: the workbook's cells, the published table, the chart and card."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest

from indicators import catalogue
from indicators.etl.sources import itu_aggregates
from indicators.etl.sources.formats import Blob
from indicators.topics import mobile
from tests.helpers import SOURCE, drawn, rows

NOV_2024 = "itu/ITU_regional_global_Key_ICT_indicator_aggregates_Nov_2024.xlsx"
OCT_2019 = "itu/ITU_Key_2005-2019_ICT_data_with_LDCs_28Oct2019_Final.xls"


def per_100_cell(sheet, label: str, title: str, year: int) -> float:
    """A value read straight from the sheet: the row labelled ``label`` under the block
    ``title``, in the column of ``year``'s second header cell (the per-100 run of years; the
    header sits in the title's row or the row below it)."""
    cells = list(sheet.iter_rows(values_only=True))
    top = next(i for i, r in enumerate(cells) if str(r[0] or "").startswith(title))
    header = next(
        r for r in cells[top : top + 2] if sum(str(v).startswith(str(year)) for v in r) >= 2
    )
    column = [i for i, v in enumerate(header) if str(v).startswith(str(year))][1]
    row = next(r for r in cells[top:] if str(r[0] or "").strip() == label)
    return float(row[column])


@pytest.fixture(scope="module")
def nov_2024(mirror):
    return openpyxl.load_workbook(mirror / NOV_2024, read_only=True, data_only=True)


def test_world_and_ldcs_2024_equal_the_workbook_cells(tables, nov_2024):
    sheet = nov_2024["By dvpmnt status and spec. reg."]
    title = "Active mobile-broadband subscriptions"
    frame = tables.get("mobile_broadband")
    nov = frame[(frame["vintage"] == "2024-11") & (frame["year"] == 2024)].set_index("entity_id")
    for label, code in (("World", "WLD"), ("Least Developed Countries (LDCs)", "LDC")):
        assert nov.loc[code, "per_100"] == per_100_cell(sheet, label, title, 2024)
    assert (nov.loc["WLD", "per_100"], nov.loc["WLD", "subscriptions_millions"]) == (94.6, 7719.5)
    regions = nov_2024["By BDT region"]
    africa = per_100_cell(regions, "Africa", title, 2024)
    assert nov.loc["ITU_AFR", "per_100"] == africa == 51.5
    assert nov["estimate"].all()  # "All data are ITU estimates"


def test_the_oct_2019_edition_marks_2019_as_an_estimate(tables):
    frame = tables.get("mobile_broadband")
    oct_ = frame[frame["vintage"] == "2019-10"].set_index(["entity_id", "year"])
    assert oct_.loc[("DEVELOPED", 2019), "per_100"] == pytest.approx(121.716316)
    assert bool(oct_.loc[("WLD", 2019), "estimate"]) and not oct_.loc[("WLD", 2018), "estimate"]


def test_a_block_whose_units_do_not_read_per_100_is_refused(mirror):
    """The Nov 2024 sheets state 'Millions | Per 100 inhabitants' once, above the first block:
    a sheet that states another unit there is refused with the cell named."""
    raw = itu_aggregates.extract(Blob.read(mirror / NOV_2024))
    changed = {name: grid.copy() for name, grid in raw.items()}
    grid = changed["By dvpmnt status and spec. reg."]
    grid.attrs = raw["By dvpmnt status and spec. reg."].attrs
    row = next(i for i in range(6) if str(grid.iat[i, 22]).strip() == "Per 100 inhabitants")
    grid.iat[row, 22] = "Per household"
    with pytest.raises(Exception, match=r"row \d+, column W: block .*per 100 inhabitants"):
        itu_aggregates.transform_mobile_broadband(changed, "2024-11")


def test_chart_on_the_real_table(tables):
    chart = catalogue.render("mobile_by_group", tables)
    assert chart.caption.title == "Active mobile-broadband subscriptions by income group"
    assert drawn(chart)["World"][2024] == 94.6
    assert chart.caption.notes[0] == "All values are ITU estimates."
    oct_ = catalogue.render(
        "mobile_by_group", tables, {"edition": "itu_aggregates@2019-10", "grouping": "income"}
    )
    assert set(oct_.data["entity_id"]) == {"WLD", "DEVELOPED", "DEVELOPING", "LDC"}


def test_card_shows_the_world_and_the_ldcs(tables):
    card = mobile.mobile_card(tables)
    assert [(m.label, m.text, m.year) for m in card.metrics] == [
        ("World", "95", 2024),
        ("LDCs", "51", 2024),
    ]
    assert card.metrics[1].detail.endswith("against 95 worldwide.")


def test_figure_on_four_rows():
    data = rows(
        [
            {
                "entity_id": e,
                "name": n,
                "year": y,
                "per_100": v,
                "subscriptions_millions": None,
                "estimate": y == 2024,
            }
            for e, n, y, v in (
                ("WLD", "World", 2023, 90.0),
                ("WLD", "World", 2024, 95.0),
                ("HIC", "High income", 2024, 150.0),
                ("LIC", "Low income", 2024, 40.0),
            )
        ]
    )
    chart = mobile.by_group(data, {"grouping": "income"})
    assert drawn(chart) == {
        "World": {2023: 90.0, 2024: 95.0},
        "High income": {2024: 150.0},
        "Low income": {2024: 40.0},
    }
    assert chart.caption.subtitle == "per 100 inhabitants, 2023-2024"
    assert chart.caption.source == SOURCE
    assert chart.caption.notes[0] == "2024 = ITU estimate."
    assert [s.y0 for s in chart.figure.layout.shapes] == [100.0]
    assert mobile.by_group_finding(data, {}) == (
        "In 2024, high-income economies had 150 active mobile-broadband subscriptions per 100 "
        "inhabitants, against 40 in low-income economies and 95 worldwide."
    )
    assert isinstance(data, pd.DataFrame)

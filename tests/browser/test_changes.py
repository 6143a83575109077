"""The What changed page in headless Chromium: defaults, deep links, controls, search, download."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By

from indicators.dashboard import changes_view
from indicators.metrics import diff
from tests.browser.test_pages import open_page, severe_logs, wait_for_file

pytestmark = pytest.mark.browser

WDI_2019 = "/changes?changes.source=wdi&changes.year=2019&changes.kind=economy"


def ytick_labels(dash_duo, graph: str) -> list[str]:
    """The y-axis labels as a person reads them, top to bottom."""
    dash_duo.wait_for_element(f"#{graph} .ytick text", timeout=20)
    ticks = dash_duo.driver.find_elements(By.CSS_SELECTOR, f"#{graph} .ytick text")
    return [e.text for e in sorted(ticks, key=lambda e: e.location["y"])]


def test_defaults_to_the_newest_two_editions(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    open_page(dash_duo, "/changes")
    summary = dash_duo.find_element("#changes-summary").text
    assert "WDI Internet use, Feb 2026 → WDI Internet use, Jul 2026" in summary
    assert "were revised" in summary and "Coverage gained" in summary
    dash_duo.wait_for_contains_text("#changes-by-year-title", "per year", 20)
    dash_duo.wait_for_contains_text("#changes-largest-title", "Largest revisions", 20)
    assert severe_logs(dash_duo) == []


def test_2019_economies_moved_most_in_moldova(dash_duo, dash_app, tables):
    dash_duo.start_server(dash_app)
    open_page(dash_duo, WDI_2019)
    labels = ytick_labels(dash_duo, "changes-largest-graph")
    assert labels[0] == "Republic of Moldova"
    first_row = dash_duo.find_element("#changes-table tbody tr").text
    assert "MDA" in first_row and "+15.57" in first_row and "revised" in first_row
    box = dash_duo.find_element('[id*="changes"][id*="at_least"]')
    box.send_keys("1\n")
    req = diff.request(tables, "wdi", "2026-02", "2026-07")
    compared = diff.restrict(diff.run(tables, req), [2019], "economy", tables)
    moved = int((compared["change"].abs() >= 1).sum())
    dash_duo.wait_for_text_to_equal("#changes-table p.caption", f"{moved} matching values.", 20)
    changes_col = [
        float(r.find_elements(By.TAG_NAME, "td")[5].text)
        for r in dash_duo.driver.find_elements(By.CSS_SELECTOR, "#changes-table tbody tr")
    ]
    assert changes_col and all(abs(c) >= 1 for c in changes_col)
    assert "changes.at_least=1" in dash_duo.driver.current_url


def test_switching_source_picks_its_newest_editions_and_updates_the_link(
    dash_duo, dash_app, tables
):
    dash_duo.start_server(dash_app)
    open_page(dash_duo, "/changes")
    label = {o["value"]: o["label"] for o in changes_view.source_options(tables)}["itu_aggregates"]
    dash_duo.select_dcc_dropdown('[id*="changes"][id*="source"]', label)
    dash_duo.wait_for_contains_text("#changes-summary", "Nov 2024", 20)
    assert "ITU key ICT indicators, Oct 2019" in dash_duo.find_element("#changes-summary").text
    dash_duo.wait_for_contains_text("#changes-largest-title", "Largest revisions", 20)
    url = dash_duo.driver.current_url
    assert "changes.source=itu_aggregates" in url and "changes.new=2024-11" in url
    assert severe_logs(dash_duo) == []


def test_search_narrows_the_table(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    open_page(dash_duo, "/changes?changes.search=Botswana")
    rows = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#changes-table tbody tr")
    assert rows and all("BWA" in r.text for r in rows)
    box = dash_duo.find_element('[id*="changes"][id*="search"]')
    box.clear()
    box.send_keys("Moldova\n")
    dash_duo.wait_for_contains_text("#changes-table tbody", "MDA", 20)
    rows = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#changes-table tbody tr")
    assert all("MDA" in r.text for r in rows)


def test_download_delivers_every_compared_value(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    open_page(dash_duo, WDI_2019)
    dash_duo.find_element("#changes-dl-csv").click()
    path = wait_for_file(Path(dash_duo.download_path), "csv")
    lines = path.read_text().splitlines()
    head = "source,table,series,entity_id,name,grouping,year,old,new,change,change_pct,status"
    assert lines[0] == head
    assert any(
        ",MDA,Republic of Moldova,,2019," in line and line.endswith(",revised") for line in lines
    )
    assert all(",2019," in line for line in lines[1:])


@pytest.mark.parametrize("width", [1400, 390])
def test_screenshot_fits_the_width(dash_duo, dash_app, width, tmp_path):
    dash_duo.start_server(dash_app)
    dash_duo.driver.set_window_size(width, 2400)
    open_page(dash_duo, WDI_2019)
    dash_duo.wait_for_element("#changes-largest-graph .ytick text", timeout=20)
    inner = dash_duo.driver.execute_script("return window.innerWidth")
    overflow = dash_duo.driver.execute_script(
        "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"page is {overflow}px wider than the {inner}px window"
    out = Path(os.environ.get("SCREENSHOT_DIR", tmp_path))
    out.mkdir(parents=True, exist_ok=True)
    shot = out / f"changes-{width}.png"
    dash_duo.driver.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000


def test_a_phone_reads_each_value_in_a_few_lines(dash_duo, dash_app):
    """At 390 px the table of values is one card per row, headed by its entity, the other cells
    running on: a row takes at most four lines, not one line per cell (eight)."""
    dash_duo.start_server(dash_app)
    dash_duo.driver.set_window_size(390, 2400)
    open_page(dash_duo, "/changes")
    dash_duo.wait_for_element("#changes-table tbody tr", timeout=20)
    rows = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#changes-table tbody tr")
    first = rows[0].find_element(By.TAG_NAME, "td")
    line = first.size["height"]  # the entity's one line
    tallest = max(r.size["height"] for r in rows[:20])
    assert tallest <= 4 * line + 16, (tallest, line)  # 16: the card's padding and border
    cells = rows[0].find_elements(By.TAG_NAME, "td")
    assert cells[1].location["y"] > first.location["y"]  # the entity heads the card
    assert cells[2].location["y"] == cells[1].location["y"]  # year and series run on

"""Every page in headless Chromium: loads cleanly, reacts, restores links, downloads files."""

from __future__ import annotations

import io
import time
from pathlib import Path

import docx
import pytest
from selenium.webdriver.common.by import By

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/internet",
    "/gender",
    "/affordability",
    "/bandwidth",
    "/mobile",
    "/urban-rural",
    "/age",
    "/report",
    "/data",
]
MAGIC = {"png": b"\x89PNG", "pdf": b"%PDF", "svg": b"<svg", "csv": b"# ", "docx": b"PK"}


def severe_logs(dash_duo) -> list[dict]:
    return [entry for entry in dash_duo.get_logs() or [] if entry.get("level") == "SEVERE"]


def open_page(dash_duo, path: str) -> None:
    dash_duo.driver.get(dash_duo.server_url + path)
    dash_duo.wait_for_element("main .page, main h1", timeout=20)
    time.sleep(1.5)  # let the first round of callbacks settle before reading logs


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_without_console_errors(dash_duo, dash_app, path):
    dash_duo.start_server(dash_app)
    open_page(dash_duo, path)
    assert dash_duo.find_element("h1").text
    assert severe_logs(dash_duo) == []


def graph_title(dash_duo, prefix: str) -> str:
    """The figure's title and subtitle, shown as HTML above the graph."""
    dash_duo.wait_for_element(f"#{prefix}-title h3", timeout=20)
    return dash_duo.find_element(f"#{prefix}-title").text


def test_control_changes_the_figure(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    open_page(dash_duo, "/internet")
    dash_duo.wait_for_contains_text("#internet-groups-title h3", "income group", 20)
    dropdown = '[id*="internet-groups"][id*="grouping"]'
    dash_duo.select_dcc_dropdown(dropdown, "ITU region")
    dash_duo.wait_for_contains_text("#internet-groups-title h3", "ITU region", 20)
    assert "internet-groups.grouping=itu_region" in dash_duo.driver.current_url
    assert severe_logs(dash_duo) == []


def test_deep_link_restores_the_view(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    open_page(
        dash_duo,
        "/internet?internet-groups.grouping=itu_region&internet-gap.mode=points"
        "&internet-gap.entity_a=HIC&internet-gap.edition=itu_aggregates@2024-11",
    )
    dash_duo.wait_for_contains_text("#internet-groups-title h3", "ITU region", 20)
    dash_duo.wait_for_contains_text("#internet-gap-title h3", "High income", 20)
    assert "percentage points" in graph_title(dash_duo, "internet-gap")


def test_malformed_link_falls_back_to_defaults(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    open_page(
        dash_duo,
        "/internet?internet-groups.grouping=%3Cscript%3E&internet-map.year=abc"
        "&internet-compare.entities=,,XXX&internet-gap.view=sideways",
    )
    dash_duo.wait_for_contains_text("#internet-groups-title h3", "income group", 20)
    # Each reset is named on the page, beside the panel it concerns, in plain words.
    notice = dash_duo.find_element("#internet-groups-notice").text
    assert notice == "Grouping: “<script>” is not one of the choices; showing Income group."
    notice = dash_duo.find_element("#internet-map-notice").text
    assert notice.startswith("Year: “abc” is not one of the choices; showing ")
    assert "“,,XXX”" in dash_duo.find_element("#internet-compare-notice").text
    assert (
        "“sideways” is neither chart nor table"
        in dash_duo.find_element("#internet-gap-notice").text
    )
    assert "Traceback" not in dash_duo.driver.page_source
    assert severe_logs(dash_duo) == []


def test_table_toggle_shows_the_plotted_data(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    open_page(dash_duo, "/internet")
    toggle = dash_duo.driver.find_elements(By.CSS_SELECTOR, '[id*="internet-groups"] input')
    table_radio = next(t for t in toggle if t.get_attribute("value") == "table")
    table_radio.click()
    dash_duo.wait_for_element("#internet-groups-table table", timeout=20)
    cells = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#internet-groups-table th.dash-header")
    header = " | ".join(c.text for c in cells)
    assert "Individuals using the Internet (% of population)" in header
    assert "value_pct" not in header

    def first_year() -> str:
        return dash_duo.find_element('#internet-groups-table td[data-dash-column="year"]').text

    before = first_year()
    sort = dash_duo.driver.find_elements(
        By.CSS_SELECTOR, '#internet-groups-table th[data-dash-column="year"] .column-header--sort'
    )
    sort[0].click()
    sort[0].click()  # descending: the newest year first
    end = time.time() + 10
    while first_year() == before and time.time() < end:
        time.sleep(0.2)
    assert first_year() == "2024" != before  # the newest edition: ITU's Nov 2024


def wait_for_file(folder: Path, suffix: str, timeout: float = 60) -> Path:
    end = time.time() + timeout
    while time.time() < end:
        done = [p for p in folder.glob(f"*.{suffix}") if p.stat().st_size > 0]
        if done:
            return done[0]
        time.sleep(0.25)
    raise AssertionError(f"no .{suffix} file downloaded into {folder}")


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf", "csv", "docx"])
def test_download_buttons_deliver_files(dash_duo, dash_app, fmt):
    dash_duo.start_server(dash_app)
    open_page(dash_duo, "/internet")
    dash_duo.wait_for_element("#internet-gap-title h3", timeout=20)
    dash_duo.find_element(f"#internet-gap-dl-{fmt}").click()
    path = wait_for_file(Path(dash_duo.download_path), fmt)
    content = path.read_bytes()
    assert MAGIC[fmt] in content[:400]
    if fmt == "csv":
        assert b"Source: ITU" in content and b"value_a_pct" in content
    if fmt == "docx":
        document = docx.Document(io.BytesIO(content))
        assert len(document.inline_shapes) == 1
        assert any(p.text.startswith("Source: ITU") for p in document.paragraphs)


def test_the_data_pages_columns_are_named_and_closed(dash_duo, dash_app):
    """Each table's columns sit in a closed section that says how many there are and names the
    first ones, so a phone does not scroll through every column of every table."""
    dash_duo.start_server(dash_app)
    dash_duo.driver.set_window_size(390, 2400)
    open_page(dash_duo, "/data")
    dash_duo.wait_for_element("#data-internet_use details summary", timeout=20)
    details = dash_duo.driver.find_elements(By.CSS_SELECTOR, "section[id^='data-'] details")
    assert details and not any(d.get_attribute("open") for d in details)
    summary = dash_duo.find_element("#data-internet_use details summary").text
    assert summary.startswith("Columns (8): source, vintage, entity_id, year")
    height = dash_duo.driver.execute_script("return document.documentElement.scrollHeight")
    assert height < 15_000, height

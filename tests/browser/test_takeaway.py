"""Take-away in headless Chromium: the Data page's XLSX and zip, and the embed snippet."""

from __future__ import annotations

import html
import re
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.browser.test_pages import open_page, severe_logs, wait_for_file

pytestmark = pytest.mark.browser


def download_button(table: str, fmt: str) -> str:
    return f'[id*=\'"fmt":"{fmt}"\'][id*=\'"table":"{table}"\']'


def test_data_page_downloads_open(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    open_page(dash_duo, "/data")
    assert "retrieved" in dash_duo.find_element("#data-bandwidth .how-to-cite").text
    dash_duo.find_element(download_button("bandwidth", "xlsx")).click()
    path = wait_for_file(Path(dash_duo.download_path), "xlsx")
    time.sleep(0.5)
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["data", "metadata"]
    assert next(book["data"].iter_rows(values_only=True))[0] == "source"
    dash_duo.find_element(download_button("bandwidth", "zip")).click()
    path = wait_for_file(Path(dash_duo.download_path), "zip")
    time.sleep(0.5)
    names = zipfile.ZipFile(path).namelist()
    assert sorted(names) == ["bandwidth/README.md", "bandwidth/bandwidth.csv"]


def hidden(dash_duo, selector: str) -> bool:
    found = dash_duo.driver.find_elements("css selector", selector)
    return bool(found) and not any(e.is_displayed() for e in found)


def test_embed_snippet_reproduces_the_view_without_controls(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    open_page(dash_duo, "/internet")
    dash_duo.select_dcc_dropdown('[id*="internet-groups"][id*="grouping"]', "ITU region")
    dash_duo.wait_for_contains_text("#internet-groups-title h3", "ITU region", 20)
    dash_duo.find_element("#embed-summary").click()
    dash_duo.wait_for_contains_text("#embed-snippet", "embed=1", 20)
    snippet = dash_duo.find_element("#embed-snippet").get_attribute("value")
    src = html.unescape(re.search(r'src="([^"]+)"', snippet).group(1))
    assert "internet-groups.grouping=itu_region" in src and src.startswith("http")

    dash_duo.driver.get(src)
    dash_duo.wait_for_contains_text("#internet-groups-title h3", "ITU region", 20)
    assert hidden(dash_duo, ".navbar") and hidden(dash_duo, ".controls")
    assert hidden(dash_duo, ".downloads") and hidden(dash_duo, ".embed-footer")
    assert dash_duo.find_element("#internet-groups-graph").is_displayed()
    assert severe_logs(dash_duo) == []


def test_what_changed_embeds_too(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    open_page(dash_duo, "/changes?changes.year=2019&changes.kind=economy&embed=1")
    dash_duo.wait_for_contains_text("#changes-largest-title", "Largest revisions", 20)
    assert hidden(dash_duo, "#changes-controls") and hidden(dash_duo, ".controls")
    assert "Moldova" in dash_duo.find_element("#changes-largest-panel").text

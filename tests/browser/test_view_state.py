"""Views that keep their meaning, driven by clicking as a reader would, at desktop and phone
width: an edition change brings the new edition's years and groups, a choice the new edition
lacks is replaced with a notice and an Undo, links carry only the choices, 'compare' offers
only editions that draw something, the Report check leads with its summary, one chart can be
embedded alone, and an unknown address leads home."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlsplit

import pytest
from selenium.webdriver.common.by import By

from tests.browser.test_pages import severe_logs
from tests.browser.test_views import WIDTHS, set_width

pytestmark = pytest.mark.browser

NOV_2024, OCT_2019 = "ITU key ICT indicators, Nov 2024", "ITU key ICT indicators, Oct 2019"
WDI_FEB = "WDI Internet use, Feb 2026"


def visit(dash_duo, device: str, path: str) -> None:
    set_width(dash_duo, WIDTHS[device])
    dash_duo.driver.get(dash_duo.server_url + path)
    dash_duo.wait_for_element("main .page h1", timeout=30)
    time.sleep(1.5)


def subtitle(dash_duo, prefix: str) -> str:
    return dash_duo.find_element(f"#{prefix}-title .subtitle").text


def choose(dash_duo, prefix: str, param: str, label: str) -> None:
    """Pick a choice in a panel's dropdown, by its label, as a reader would."""
    dash_duo.select_dcc_dropdown(f'[id*="{prefix}"][id*="\\"{param}\\""]', label)


def query(dash_duo) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(dash_duo.driver.current_url).query).items()}


@pytest.mark.parametrize("device", list(WIDTHS))
def test_an_edition_change_brings_the_new_editions_years(dash_duo, dash_app, device):
    """By group, Nov 2024 -> Oct 2019 -> Nov 2024: the years drawn follow the edition each time,
    whatever was shown before; the link says only what the reader chose."""
    dash_duo.start_server(dash_app)
    visit(dash_duo, device, "/internet")
    assert urlsplit(dash_duo.driver.current_url).query == ""  # nothing chosen, nothing in it
    dash_duo.wait_for_contains_text("#internet-groups-title .subtitle", "2005-2024", 30)
    choose(dash_duo, "internet-groups", "edition", OCT_2019)
    dash_duo.wait_for_contains_text("#internet-groups-title .subtitle", "2005-2019", 30)
    assert "development status" in dash_duo.find_element("#internet-groups-title h3").text
    choose(dash_duo, "internet-groups", "edition", NOV_2024)
    dash_duo.wait_for_contains_text("#internet-groups-title .subtitle", "2005-2024", 30)
    assert "income group" in dash_duo.find_element("#internet-groups-title h3").text
    assert query(dash_duo) == {"internet-groups.edition": "itu_aggregates@2024-11"}
    assert dash_duo.find_element("#internet-groups-notice").text == ""
    # The same on the other charts over the years that have a second edition.
    for prefix, label, span in (
        ("internet-compare", WDI_FEB, "-2024"),  # Jul 2026 reaches 2025
        ("internet-gap", OCT_2019, "2005-2019"),
    ):
        choose(dash_duo, prefix, "edition", label)
        dash_duo.wait_for_contains_text(f"#{prefix}-title .subtitle", span, 30)
    assert severe_logs(dash_duo) == []


@pytest.mark.parametrize(
    ("path", "prefix"), [("/bandwidth", "bandwidth-regions"), ("/mobile", "mobile-groups")]
)
def test_other_pages_follow_the_edition_too(dash_duo, dash_app, path, prefix):
    dash_duo.start_server(dash_app)
    visit(dash_duo, "desktop", path)
    before = subtitle(dash_duo, prefix)
    choose(dash_duo, prefix, "edition", OCT_2019)
    dash_duo.wait_for_contains_text(f"#{prefix}-title .subtitle", "2019", 30)
    choose(dash_duo, prefix, "edition", NOV_2024)
    dash_duo.wait_for_text_to_equal(f"#{prefix}-title .subtitle", before, 30)


@pytest.mark.parametrize("device", list(WIDTHS))
def test_a_replaced_choice_is_said_and_can_be_undone(dash_duo, dash_app, device):
    """The gap chart, Developed countries vs LDCs in Oct 2019, then Nov 2024: Developed
    countries has no row there; the page says so, shows High income, and Undo goes back."""
    dash_duo.start_server(dash_app)
    link = "/internet?internet-gap.edition=itu_aggregates@2019-10&internet-gap.entity_a=DEVELOPED"
    visit(dash_duo, device, link)
    dash_duo.wait_for_contains_text("#internet-gap-title h3", "Developed countries", 30)
    choose(dash_duo, "internet-gap", "edition", NOV_2024)
    dash_duo.wait_for_contains_text("#internet-gap-title h3", "High income", 30)
    assert dash_duo.find_element("#internet-gap-notice").text == (
        "Developed countries is not in ITU key ICT indicators, Nov 2024; showing High income."
    )
    undo = dash_duo.find_element("#internet-gap-undo")
    assert undo.is_displayed()
    assert "internet-gap.entity_a" not in query(dash_duo)  # the link asks only for what holds
    undo.click()
    dash_duo.wait_for_contains_text("#internet-gap-title h3", "Developed countries", 30)
    assert query(dash_duo)["internet-gap.edition"] == "itu_aggregates@2019-10"
    assert not dash_duo.find_element("#internet-gap-undo").is_displayed()
    assert severe_logs(dash_duo) == []


def test_the_development_split_is_one_click_away(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    visit(dash_duo, "desktop", "/internet?internet-groups.grouping=income")  # the README's link
    dash_duo.wait_for_contains_text("#internet-groups-title h3", "income group", 30)
    assert dash_duo.find_element("#internet-groups-notice").text == ""
    link = dash_duo.driver.find_element(By.CSS_SELECTOR, "#internet-groups-panel .named-view")
    assert link.text == (
        "Developed vs developing: ITU key ICT indicators, Oct 2019, the last edition with this "
        "split"
    )
    link.click()
    dash_duo.wait_for_contains_text("#internet-groups-title h3", "development status", 30)
    assert "2005-2019" in subtitle(dash_duo, "internet-groups")
    assert dash_duo.find_element("#internet-groups-notice").text == ""


def test_compare_offers_only_editions_that_draw_something(dash_duo, dash_app):
    """By income group in Nov 2024: Oct 2019 has no income groups, so it is not offered."""
    dash_duo.start_server(dash_app)
    visit(dash_duo, "desktop", "/internet")
    dash_duo.find_element("#internet-groups-panel details.explore summary").click()
    dash_duo.find_element('[id*="internet-groups"][id*="\\"compare\\""]').click()
    time.sleep(1)
    options = dash_duo.driver.find_elements(By.CSS_SELECTOR, "[role=option]")
    offered = [o.text for o in options if o.text not in ("Chart", "Table")]
    assert offered == ["No comparison", "WDI Internet use, Jul 2026", WDI_FEB]


@pytest.mark.parametrize("device", list(WIDTHS))
def test_report_check_leads_with_its_summary_and_open_chart_lands_on_it(dash_duo, dash_app, device):
    dash_duo.start_server(dash_app)
    visit(dash_duo, device, "/report")
    rows = dash_duo.driver.find_elements(By.CSS_SELECTOR, "#report-summary tbody tr")
    cards = dash_duo.driver.find_elements(By.CSS_SELECTOR, "section.claim")
    assert len(rows) == len(cards) > 5
    summary = dash_duo.find_element("#report-summary").location["y"]
    assert summary < cards[0].location["y"]
    amber = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('.claim-history .js-plotly-plot')]"
        ".some(g => g.data.some(t => t.name === 'within rounding' && "
        "t.marker.color === '#b08800'))"
    )
    assert amber  # 'within rounding' is amber in the charts as in the table
    link = dash_duo.driver.find_element(By.LINK_TEXT, "Open chart")
    href = link.get_attribute("href")
    assert "#" in href
    link.click()
    panel = urlsplit(href).fragment
    dash_duo.wait_for_element(f"#{panel} .figure-title h3", timeout=30)
    time.sleep(2)
    top = dash_duo.driver.execute_script(
        f"return document.getElementById('{panel}').getBoundingClientRect().top"
    )
    assert -5 <= top <= 120, top  # scrolled to the chart it names


@pytest.mark.parametrize("device", list(WIDTHS))
def test_one_chart_embeds_alone(dash_duo, dash_app, device):
    dash_duo.start_server(dash_app)
    visit(dash_duo, device, "/internet")
    box = dash_duo.find_element('[id*="internet-gap"][id*="embed-open"]')
    box.click()
    code = '[id*="internet-gap"][id*="embed-code"]'
    dash_duo.wait_for_contains_text(code, "embed=internet-gap", 20)
    src = dash_duo.find_element(code).get_attribute("value").split('src="')[1].split('"')[0]
    dash_duo.driver.get(src.replace("&amp;", "&"))
    dash_duo.wait_for_element("#internet-gap-panel .figure-title h3", timeout=30)
    time.sleep(1.5)
    shown = dash_duo.driver.execute_script(
        "return [...document.querySelectorAll('main .panel')]"
        ".filter(p => p.offsetParent !== null).map(p => p.id)"
    )
    assert shown == ["internet-gap-panel"]
    assert not dash_duo.find_element(".navbar").is_displayed()


def test_an_unknown_address_leads_home(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    visit(dash_duo, "phone", "/no-such-page")
    assert dash_duo.find_element("main h1").text == "Page not found"
    assert not dash_duo.find_element(".embed-footer").is_displayed()  # no view to embed
    dash_duo.driver.find_element(By.LINK_TEXT, "Go to the Overview").click()
    dash_duo.wait_for_element("#overview-internet", timeout=30)
    assert dash_duo.find_element(".embed-footer").is_displayed()

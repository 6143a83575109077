"""What a person sees at desktop and phone width: nothing cut, covered or overflowing; colours,
notices, the map's tolerance, reversed ranges and every Overview deep link."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

import pytest
from selenium.webdriver.common.by import By

from tests.browser.test_pages import severe_logs

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": 1400, "phone": 390}
PAGES = ["/", "/internet", "/gender", "/affordability", "/bandwidth", "/report", "/data"]

# Every element's box, and the boxes of each graph's legend, modebar, title and text.
OVERFLOWING_JS = """
return [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.right <= window.innerWidth + 1) { return false; }
    // Scrolling tables and the inside of dropdowns may be wider than the page; they scroll.
    return !e.closest(
        '.data-table, .dash-table-container, .dash-dropdown, .Select, .js-plotly-plot');
}).slice(0, 5).map(
    e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
"""
BOXES_JS = """
const box = e => {
    const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom];
};
return [...document.querySelectorAll('.panel')].map(panel => {
    const graph = panel.querySelector('.js-plotly-plot');
    const title = panel.querySelector('.figure-title');
    if (!graph || !title || graph.offsetParent === null) { return null; }
    return {
        id: panel.id,
        title: box(title),
        graph: box(graph),
        legend: [...graph.querySelectorAll('.legend')].map(box),
        modebar: [...graph.querySelectorAll('.modebar')].map(box),
        texts: [...graph.querySelectorAll(
            '.infolayer .annotation, .gtitle, .xtitle, .ytitle')].map(box),
        plot: [...graph.querySelectorAll('.nsewdrag, .geo .bg')].map(box),
    };
}).filter(x => x);
"""


def overlaps(a, b) -> bool:
    return a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1


def set_width(dash_duo, width: int) -> None:
    dash_duo.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 500},
    )


def open_page(dash_duo, path: str, settle: float = 2.0) -> None:
    dash_duo.driver.get(dash_duo.server_url + path)
    dash_duo.wait_for_element("main .page, main h1", timeout=30)
    time.sleep(settle)


def wait_for_graphs(dash_duo, timeout: float = 30) -> None:
    """Until every visible chart panel has drawn its figure (or shows why not)."""
    end = time.time() + timeout
    while time.time() < end:
        pending = dash_duo.driver.execute_script(
            "return [...document.querySelectorAll('.panel')].filter(p => p.querySelector("
            "'[id$=\"-graph\"]') && !p.querySelector('.figure-title h3') && !p.querySelector("
            "'.empty-state:not(:empty)')).length"
        )
        if not pending:
            return
        time.sleep(0.3)
    raise AssertionError("charts did not draw")


@pytest.mark.parametrize("device", list(WIDTHS))
def test_no_page_is_wider_than_the_viewport_and_nothing_covers_a_title(dash_duo, dash_app, device):
    dash_duo.start_server(dash_app)
    set_width(dash_duo, WIDTHS[device])
    for path in PAGES:
        open_page(dash_duo, path)
        wait_for_graphs(dash_duo)
        width = dash_duo.driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= WIDTHS[device], (path, width)
        assert dash_duo.driver.execute_script(OVERFLOWING_JS) == [], path
        for panel in dash_duo.driver.execute_script(BOXES_JS):
            # Titles are HTML above the figure: never under the modebar or a legend.
            assert panel["title"][3] <= panel["graph"][1] + 1, panel["id"]
            for legend in panel["legend"]:
                assert not any(overlaps(legend, t) for t in panel["texts"]), panel["id"]
                assert not any(overlaps(legend, m) for m in panel["modebar"]), panel["id"]
                assert not any(overlaps(legend, p) for p in panel["plot"]), panel["id"]
            for plot in panel["plot"]:
                assert plot[2] - plot[0] >= 150, (path, panel["id"], "plot too narrow")
        assert "Traceback" not in dash_duo.driver.page_source


def test_women_vs_men_is_usable_on_a_phone(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    set_width(dash_duo, WIDTHS["phone"])
    open_page(dash_duo, "/gender")
    dash_duo.wait_for_contains_text("#gender-countries-title", "by economy", 30)
    plot = dash_duo.driver.execute_script(
        "const r = document.querySelector('#gender-countries-graph .nsewdrag')"
        ".getBoundingClientRect(); return [r.left, r.right];"
    )
    # The modebar's margin is given back to the plot on a phone (195 px, not 167).
    assert plot[1] - plot[0] >= 0.58 * (WIDTHS["phone"] - 60), plot
    assert plot[1] <= WIDTHS["phone"]
    hidden = dash_duo.driver.execute_script(
        "const m = document.querySelector('#gender-countries-graph .modebar-container');"
        "return !m || getComputedStyle(m).display === 'none';"
    )
    assert hidden


def trace_colours(dash_duo, prefix: str) -> dict[str, str]:
    return dash_duo.driver.execute_script(
        f"const g = document.querySelector('#{prefix}-graph .js-plotly-plot');"
        "const out = {}; g.data.forEach(t => { const c = (t.line && t.line.color) || "
        "(t.marker && t.marker.color); if (t.name && c) { out[t.name] = c; } }); return out;"
    )


def test_a_region_keeps_its_colour_across_panels_and_the_share_switch(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    open_page(dash_duo, "/bandwidth")
    wait_for_graphs(dash_duo)
    absolute = trace_colours(dash_duo, "bandwidth-regions")
    per_user = trace_colours(dash_duo, "bandwidth-per-user")
    dash_duo.select_dcc_dropdown('[id*="bandwidth-regions"][id*="mode"]', "Share of world total")
    dash_duo.wait_for_contains_text("#bandwidth-regions-title", "Share of the world total", 30)
    time.sleep(1)
    share = trace_colours(dash_duo, "bandwidth-regions")
    regions = ("Africa", "Asia & Pacific", "CIS")
    for region in regions:
        assert absolute[region] == share[region] == per_user[region], region
    assert len({absolute[r] for r in regions}) == len(regions)


def test_map_tolerance_is_a_control_kept_in_the_link(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    open_page(dash_duo, "/internet?internet-map.year=2024&internet-map.tolerance=0")
    dash_duo.wait_for_contains_text("#internet-map-title", "economies reporting 2024", 30)
    assert "Left blank" in dash_duo.find_element("#internet-map-caption").text
    dash_duo.select_dcc_dropdown('[id*="internet-map"][id*="tolerance"]', "3")
    dash_duo.wait_for_contains_text("#internet-map-title", "from 2021 to 2024", 30)
    assert "internet-map.tolerance=3" in dash_duo.driver.current_url
    caption = dash_duo.find_element("#internet-map-caption").text
    assert "fall back to an earlier year" in caption and "American Samoa (1990)" in caption


def test_partly_bad_list_keeps_the_valid_entities_and_names_the_rest(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    open_page(dash_duo, "/internet?internet-compare.entities=WLD,,XXX,LDC")
    dash_duo.wait_for_contains_text("#internet-compare-title", "World", 30)
    title = dash_duo.find_element("#internet-compare-title h3").text
    assert title == "Individuals using the Internet: World, Least developed countries (LDCs)"
    assert "XXX" in dash_duo.find_element("#internet-compare-notice").text


def test_reversed_range_is_normalised_in_controls_and_chart(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    open_page(
        dash_duo, "/bandwidth?bandwidth-growth.start_year=2024&bandwidth-growth.end_year=2016"
    )
    dash_duo.wait_for_contains_text("#bandwidth-growth-title", "2016-2024", 30)
    start = dash_duo.find_element('[id*="bandwidth-growth"][id*="start_year"]').text
    end = dash_duo.find_element('[id*="bandwidth-growth"][id*="end_year"]').text
    assert "2016" in start and "2024" in end
    assert "wrong way round" in dash_duo.find_element("#bandwidth-growth-notice").text


def test_entity_pickers_offer_only_the_editions_entities(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    open_page(dash_duo, "/internet?internet-gap.edition=itu_aggregates@2019-10")
    dash_duo.wait_for_contains_text("#internet-gap-title", "Developed countries", 30)
    dash_duo.find_element('[id*="internet-gap"][id*="entity_a"]').click()
    time.sleep(1)
    offered = dash_duo.driver.find_elements(By.CSS_SELECTOR, "[role=option]")
    codes = {t.rsplit("(", 1)[-1].rstrip(")") for t in (o.text for o in offered) if "(" in t}
    # The Oct 2019 edition has the world, developed, developing, LDCs and the ITU regions
    # ("Least developed countries (LDCs)" reads without its code again).
    allowed = {"WLD", "DEVELOPED", "DEVELOPING", "LDCs"} | {
        f"ITU_{r}" for r in ("AFR", "AMS", "ARB", "ASP", "CIS", "EUR")
    }
    assert codes and codes <= allowed, codes - allowed


@pytest.mark.parametrize("device", list(WIDTHS))
def test_every_overview_link_lands_on_its_view(dash_duo, dash_app, device):
    dash_duo.start_server(dash_app)
    set_width(dash_duo, WIDTHS[device])
    open_page(dash_duo, "/")
    links = [
        a.get_attribute("href")
        for a in dash_duo.driver.find_elements(By.CSS_SELECTOR, ".metric-label a")
    ]
    assert len(links) >= 8
    for href in links:
        parts = urlsplit(href)
        prefix = parts.query.split(".", 1)[0]
        assert prefix, href
        open_page(dash_duo, parts.path + "?" + parts.query, settle=0.5)
        dash_duo.wait_for_element(f"#{prefix}-title h3", timeout=30)
        assert dash_duo.find_element(f"#{prefix}-notice").text == "", href
        assert dash_duo.find_element(f"#{prefix}-empty").text == "", href


# ---- explorer controls: years, scale, another edition behind, pickers, Play

COMPARE_LINK = (
    "/internet?internet-compare.entities=MDA,WLD,ARM&internet-compare.compare=wdi@2026-02"
    "&internet-compare.from=2010&internet-compare.to=2024&internet-compare.scale=log"
)


def panel_boxes(dash_duo, panel_id: str) -> dict:
    return next(p for p in dash_duo.driver.execute_script(BOXES_JS) if p["id"] == panel_id)


@pytest.mark.parametrize("device", list(WIDTHS))
def test_a_link_sets_years_scale_and_the_edition_behind(dash_duo, dash_app, device):
    dash_duo.start_server(dash_app)
    set_width(dash_duo, WIDTHS[device])
    open_page(dash_duo, COMPARE_LINK)
    dash_duo.wait_for_contains_text("#internet-compare-title", "2010-2024; logarithmic scale", 30)
    time.sleep(1)
    drawn = dash_duo.driver.execute_script(
        "const g = document.querySelector('#internet-compare-graph .js-plotly-plot');"
        "const xs = t => Array.from(t.x).filter(x => x !== null);"
        "return [g.layout.yaxis.type, g.data.map(t => [t.name, t.opacity || 1, "
        "Math.min(...xs(t)), Math.max(...xs(t))])];"
    )
    axis, traces = drawn
    assert axis == "log"
    faint = [t for t in traces if t[1] < 1 and "(" in t[0]]
    assert {t[0].split(" (")[0] for t in faint} == {"Republic of Moldova", "World", "Armenia"}
    assert all(t[2] >= 2010 and t[3] <= 2024 for t in traces if t[2] is not None), traces
    assert "Feb 2026" in dash_duo.find_element("#internet-compare-caption").text
    # The folded controls are open, since the link set them; nothing covers the legend.
    assert dash_duo.driver.execute_script(
        "return document.querySelector('#internet-compare-panel details.explore').open"
    )
    panel = panel_boxes(dash_duo, "internet-compare-panel")
    for legend in panel["legend"]:
        assert not any(overlaps(legend, m) for m in panel["modebar"])
        assert not any(overlaps(legend, p) for p in panel["plot"])
    width = dash_duo.driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= WIDTHS[device]


def test_changing_the_span_redraws_and_goes_into_the_link(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    open_page(dash_duo, "/internet?internet-gap.edition=itu_aggregates@2019-10")
    dash_duo.wait_for_contains_text("#internet-gap-title", "2005-2019", 30)
    dash_duo.find_element("#internet-gap-panel details.explore summary").click()
    dash_duo.select_dcc_dropdown('[id*="internet-gap"][id*="\\"from\\""]', "2012")
    dash_duo.wait_for_contains_text("#internet-gap-title", "2012-2019", 30)
    assert "internet-gap.from=2012" in dash_duo.driver.current_url


def test_pickers_list_a_groups_members_by_value(dash_duo, dash_app):
    dash_duo.start_server(dash_app)
    open_page(dash_duo, "/internet?internet-compare.sort=high&internet-compare.list=LDC")
    dash_duo.wait_for_contains_text("#internet-compare-title", "World", 30)
    dash_duo.find_element('[id*="internet-compare"][id*="entities"]').click()
    time.sleep(1)
    offered = [o.text for o in dash_duo.driver.find_elements(By.CSS_SELECTOR, "[role=option]")]
    chosen = ("(WLD)", "(HIC)", "(LDCs)")  # the dropdown lists the chosen first
    valued = [t for t in offered if "% in " in t and not any(c in t for c in chosen)]
    assert len(valued) >= 5, offered[:5]
    values = [float(t.split(" · ")[1].split("%")[0].replace(",", "")) for t in valued]
    assert values == sorted(values, reverse=True)
    # LDC members only (the chosen World and high income stay offered, as they are chosen).
    assert not any("Norway" in t for t in offered)


@pytest.mark.parametrize("device", list(WIDTHS))
def test_play_runs_the_timeline_from_the_first_year_and_resumes_after_a_pause(
    dash_duo, dash_app, device
):
    """The map opens on its newest well-covered year, near the end of the timeline: Play runs
    the years from the first (it does not step once and stop), Pause holds, Resume goes on."""
    dash_duo.start_server(dash_app)
    set_width(dash_duo, WIDTHS[device])
    open_page(dash_duo, "/internet")
    title = "#internet-map-title h3"
    dash_duo.wait_for_contains_text(title, "Individuals using the Internet, 2024", 30)
    play = "#internet-map-play"
    dash_duo.find_element(play).click()
    dash_duo.wait_for_contains_text(title, "Individuals using the Internet, 1990", 30)
    dash_duo.wait_for_contains_text(title, "Individuals using the Internet, 1991", 30)
    dash_duo.find_element(play).click()  # pause
    dash_duo.wait_for_text_to_equal(play, "▶ Resume", 10)
    paused = dash_duo.find_element(title).text
    time.sleep(3.5)
    assert dash_duo.find_element(title).text == paused
    year = int(paused.rsplit(" ", 1)[-1])
    assert f"internet-map.year={year}" in dash_duo.driver.current_url
    dash_duo.find_element(play).click()  # resume where it paused
    dash_duo.wait_for_contains_text(title, f"Individuals using the Internet, {year + 1}", 30)
    dash_duo.find_element(play).click()
    assert severe_logs(dash_duo) == []


END_LABELS_JS = """
const gd = document.querySelector('#internet-groups-graph .js-plotly-plot');
const labels = (gd.layout.annotations || []).filter(a => a.name === 'end-label');
const keyed = gd.data.filter(t => t.meta === 'end-labelled');
return {
    labels: labels.length,
    shown: labels.filter(a => a.visible !== false).length,
    inLegend: keyed.filter(t => t.showlegend).length,
    lines: keyed.length,
    marginR: gd._fullLayout.margin.r,
    legendItems: gd.querySelectorAll('.legend .traces').length,
};
"""


def end_labels(dash_duo) -> dict[str, int]:
    return dash_duo.driver.execute_script(END_LABELS_JS)


def test_line_end_labels_give_way_to_the_legend_on_a_phone_and_come_back(dash_duo, dash_app):
    """Wide, the lines are named at their ends; on a phone the names go back into the legend
    (the labels would leave the plot no width), also for a figure a callback sends later; and
    widening the window brings the labels back."""
    dash_duo.start_server(dash_app)
    set_width(dash_duo, WIDTHS["desktop"])
    open_page(dash_duo, "/internet")
    wait_for_graphs(dash_duo)
    wide = end_labels(dash_duo)
    assert wide["labels"] == wide["shown"] == wide["lines"] >= 3 and wide["inLegend"] == 0
    set_width(dash_duo, WIDTHS["phone"])
    time.sleep(1.5)
    narrow = end_labels(dash_duo)
    assert narrow["shown"] == 0 and narrow["inLegend"] == narrow["lines"]
    assert narrow["marginR"] < wide["marginR"] and narrow["legendItems"] >= narrow["lines"]
    # A new figure from a callback (another grouping) arrives in the wide form: adapted again.
    dash_duo.select_dcc_dropdown(
        '[id*="internet-groups"][id*="\\"grouping\\""]', "LDC / LLDC / SIDS"
    )
    dash_duo.wait_for_contains_text("#internet-groups-title h3", "LDC / LLDC / SIDS", 30)
    time.sleep(1.5)
    again = end_labels(dash_duo)
    assert again["lines"] >= 3 and again["shown"] == 0 and again["inLegend"] == again["lines"]
    set_width(dash_duo, WIDTHS["desktop"])
    time.sleep(1.5)
    back = end_labels(dash_duo)
    assert back["shown"] == back["labels"] and back["inLegend"] == 0


def test_an_opened_page_arrives_with_the_layout_and_a_click_still_navigates(dash_duo, dash_app):
    """The page a link opens comes with the app's first layout (no second request for it);
    the navigation bar still draws the next page in place."""
    dash_duo.start_server(dash_app)
    set_width(dash_duo, WIDTHS["desktop"])
    open_page(dash_duo, "/gender?gender-parity.grouping=special")
    wait_for_graphs(dash_duo)
    asked = dash_duo.driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
        ".filter(n => n.includes('_dash-update-component')).length"
    )
    assert asked == 0  # the page and its charts came with the layout
    assert "LDCs, LLDCs and SIDS" in dash_duo.find_element("#gender-parity-title h3").text
    dash_duo.find_element('.navbar a[href="/bandwidth"]').click()
    dash_duo.wait_for_element("#bandwidth-regions-panel", timeout=30)
    wait_for_graphs(dash_duo)
    assert dash_duo.driver.current_url.endswith("/bandwidth")

"""Time figure downloads through the real app, clicked in headless Chromium.

Serves the dashboard under gunicorn (one worker, four threads, as a team would run it) on data
built from the mirror, opens the chart pages in headless Chromium and clicks download buttons,
timing each from the click until the file is complete in the download folder.
- "first": the first image download after the server starts (its Chromium starts lazily);
- "warm": image downloads of views not downloaded before (rendered, Chromium running);
- "repeat": the same views again (served from the per-version cache).
Targets: first <= 2 s, warm median <= 0.5 s. Prints, never asserts.
Usage: python benchmarks/bench_download.py [MIRROR_DIR]
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.common.by import By

from indicators.contract import store

sys.path.insert(0, str(Path(__file__).resolve().parent))
import server

MIRROR = Path(sys.argv[1]) if len(sys.argv) > 1 else server.MIRROR
HOST = server.HOST
# (page, panel prefix): every panel whose image downloads are timed.
PANELS = [
    ("/internet", "internet-groups"),
    ("/internet", "internet-gap"),
    ("/internet", "internet-compare"),
    ("/gender", "gender-parity"),
    ("/gender", "gender-countries"),
    ("/affordability", "prices-medians"),
    ("/affordability", "prices-distribution"),
    ("/bandwidth", "bandwidth-regions"),
]
IMAGE_FORMATS = ("png", "svg", "pdf")


def browser(downloads: Path) -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.add_argument("--headless=new")
    options.add_argument("--no-sandbox")
    options.add_argument("--window-size=1400,1000")
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    return webdriver.Chrome(options=options)


def click_and_wait(driver: webdriver.Chrome, button: str, downloads: Path) -> float:
    """Seconds from the click until a new complete file is in the download folder."""
    before = set(downloads.iterdir())
    started = time.perf_counter()
    driver.find_element(By.ID, button).click()
    while time.perf_counter() - started < 60:
        new = [p for p in set(downloads.iterdir()) - before if not p.name.endswith(".crdownload")]
        if new and new[0].stat().st_size > 0:
            return time.perf_counter() - started
        time.sleep(0.01)
    raise SystemExit(f"no download from #{button} within 60 s")


def open_page(driver: webdriver.Chrome, port: int, path: str, prefix: str) -> None:
    driver.get(f"http://{HOST}:{port}{path}")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if driver.find_elements(By.CSS_SELECTOR, f"#{prefix}-graph .gtitle"):
            return
        time.sleep(0.05)
    raise SystemExit(f"{path}: #{prefix} did not render")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data = store.DataDir(server.build_data(MIRROR, root / "data"))
        downloads = root / "downloads"
        downloads.mkdir()
        served = server.start(data.root, root / "server.log", workers=1, threads=4)
        port = served.port
        driver = browser(downloads)
        first, warm, repeat = 0.0, [], []
        try:
            for i, (path, prefix) in enumerate(PANELS):
                open_page(driver, port, path, prefix)
                for fmt in IMAGE_FORMATS:
                    seconds = click_and_wait(driver, f"{prefix}-dl-{fmt}", downloads)
                    if i == 0 and fmt == IMAGE_FORMATS[0]:
                        first = seconds
                    else:
                        warm.append(seconds)
                    repeat.append(click_and_wait(driver, f"{prefix}-dl-{fmt}", downloads))
        finally:
            driver.quit()
            server.stop(served.proc)
    print(f"figure downloads clicked in headless Chromium ({len(PANELS)} panels x PNG/SVG/PDF)")
    print(f"{'download':<40}{'n':>4}{'median s':>10}{'max s':>8}{'target s':>10}")
    print(f"{'first after server start':<40}{1:>4}{first:>10.2f}{first:>8.2f}{2.0:>10}")
    print(
        f"{'warm (new view, Chromium running)':<40}{len(warm):>4}"
        f"{statistics.median(warm):>10.2f}{max(warm):>8.2f}{0.5:>10}"
    )
    print(
        f"{'repeat (same view, cached)':<40}{len(repeat):>4}"
        f"{statistics.median(repeat):>10.2f}{max(repeat):>8.2f}{'-':>10}"
    )


if __name__ == "__main__":
    main()

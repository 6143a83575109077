"""Screenshot every page of the dashboard at desktop (1280 px) and phone (390 px) width.

Serves the app under gunicorn on a free loopback port, reading either an existing data folder
(``--data-dir``) or one built here from the mirror of the publishers' files (``--mirror``,
default ``../shared/data``), waits until it answers, then opens every path in
``dash.page_registry`` in headless system Chromium and saves ``OUT/<page>-desktop.png`` and
``OUT/<page>-phone.png``. The window is as tall as ``--desktop-height`` / ``--phone-height``
(defaults fit the longest pages with room to spare): anything below is cut off, and the blank
space below a short page is kept.

Chromium's windows are at least 500 px wide, so a phone-width page is first laid out at 500 px
and narrowed to 390 px for the capture: a figure that does not follow its container's width
stays about 460 px wide in the phone shots.

Usage: python scripts/screenshots.py [--out screenshots] [--data-dir DIR | --mirror DIR]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import server

REPO = server.REPO
HOST = server.HOST
CHROMIUM = server.CHROMIUM
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--virtual-time-budget=20000",
]
WIDTHS = {"desktop": 1280, "phone": 390}
SHOT_TIMEOUT_S = 120


def page_paths(data_root: Path) -> list[tuple[str, str]]:
    """(name, path) of every registered page with a fixed address, in navbar order."""
    os.environ["INDICATORS_DATA"] = str(data_root)
    sys.path.insert(0, str(REPO))
    import dash

    import app  # noqa: F401  (registers the pages)

    pages = sorted(dash.page_registry.values(), key=lambda p: (p.get("order") or 0, p["path"]))
    found = []
    for page in pages:
        if page.get("path_template"):
            print(f"skipped {page['path_template']}: a path template, no fixed address")
            continue
        found.append((page["module"].rsplit(".", 1)[-1], page["relative_path"]))
    return found


def screenshot(url: str, target: Path, width: int, height: int) -> None:
    """One page in headless Chromium with a fresh profile, saved as a PNG."""
    target.unlink(missing_ok=True)
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        window = [f"--window-size={width},{height}", f"--screenshot={target}"]
        command = [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *window, url]
        done = subprocess.run(command, capture_output=True, text=True, timeout=SHOT_TIMEOUT_S)
    if not target.exists() or target.stat().st_size == 0:
        raise SystemExit(f"no screenshot of {url} (exit {done.returncode}):\n{done.stderr[-2000:]}")


def shoot_all(port: int, pages: list[tuple[str, str]], out: Path, heights: dict[str, int]) -> None:
    """Every page at every width; prints each file written."""
    out.mkdir(parents=True, exist_ok=True)
    for name, path in pages:
        for device, width in WIDTHS.items():
            target = out / f"{name}-{device}.png"
            started = time.perf_counter()
            screenshot(f"http://{HOST}:{port}{path}", target, width, heights[device])
            took = time.perf_counter() - started
            size = f"{width}x{heights[device]}"
            print(f"{target}  {path}  {size}  {target.stat().st_size:,} bytes  {took:.0f} s")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument("--data-dir", type=Path, help="an already built data folder")
    parser.add_argument("--mirror", type=Path, default=server.MIRROR, help="publishers' files")
    parser.add_argument("--desktop-height", type=int, default=5000)
    parser.add_argument("--phone-height", type=int, default=16000)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    heights = {"desktop": args.desktop_height, "phone": args.phone_height}
    with tempfile.TemporaryDirectory() as tmp:
        data_root = args.data_dir.resolve() if args.data_dir else None
        data_root = data_root or server.build_data(args.mirror, Path(tmp) / "data")
        pages = page_paths(data_root)
        with server.running(data_root, Path(tmp) / "gunicorn.log") as served:
            shoot_all(served.port, pages, args.out, heights)


if __name__ == "__main__":
    main()

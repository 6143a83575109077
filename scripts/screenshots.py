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
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MIRROR = REPO.parent / "shared" / "data"
HOST = "127.0.0.1"
CHROMIUM = "/usr/bin/chromium"
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
START_TIMEOUT_S = 60


def build_data(mirror: Path, root: Path) -> Path:
    """Fetch the mirror into a fresh data folder and build it; return the folder."""
    from indicators import store
    from indicators.build import build
    from indicators.fetch import fetch

    data = store.DataDir(root)
    fetch(data, from_dir=mirror, progress=lambda _: None)
    build(data, progress=lambda _: None)
    return data.root


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


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def answers(port: int) -> bool:
    conn = http.client.HTTPConnection(HOST, port, timeout=5)
    try:
        conn.request("GET", "/")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def serve(data_root: Path, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    """Start the app under gunicorn on loopback and wait until it answers."""
    port = free_port()
    workers = ["--workers", "2", "--threads", "4", "--chdir", str(REPO)]
    command = [sys.executable, "-m", "gunicorn", *workers, "--bind", f"{HOST}:{port}", "app:server"]
    env = {**os.environ, "INDICATORS_DATA": str(data_root)}
    with log.open("ab") as sink:
        proc = subprocess.Popen(command, env=env, stdout=sink, stderr=sink)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline and proc.poll() is None:
        if answers(port):
            return proc, port
        time.sleep(0.25)
    stop(proc)
    raise SystemExit(f"the app did not come up:\n{log.read_text()[-3000:]}")


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Ask gunicorn to stop gracefully; kill it only if it has not within 40 s."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=40)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


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
    parser.add_argument("--mirror", type=Path, default=MIRROR, help="publishers' files to build")
    parser.add_argument("--desktop-height", type=int, default=5000)
    parser.add_argument("--phone-height", type=int, default=16000)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    heights = {"desktop": args.desktop_height, "phone": args.phone_height}
    with tempfile.TemporaryDirectory() as tmp:
        data_root = args.data_dir.resolve() if args.data_dir else None
        data_root = data_root or build_data(args.mirror, Path(tmp) / "data")
        pages = page_paths(data_root)
        proc, port = serve(data_root, Path(tmp) / "gunicorn.log")
        try:
            shoot_all(port, pages, args.out, heights)
        finally:
            stop(proc)


if __name__ == "__main__":
    main()

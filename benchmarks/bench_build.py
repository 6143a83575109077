"""Time `indicators build` from the mirror: a full build on an empty cache, a no-op rebuild, and
a full build with ten WDI editions side by side.

Prints wall time (interpreter start included) and peak resident memory of each run, and the
release review's own time and share (every edition compared with its neighbours through the diff
engine; the build records it in ``_build.json``). Targets on a 2-core machine: full build of
today's nine files <= 3 s, no-op <= 0.5 s, ten WDI editions <= 5 s, with the review on.
Usage: python benchmarks/bench_build.py [MIRROR_DIR]
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MIRROR = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "data"


def run(*args: str, data: Path) -> tuple[float, float, float]:
    """Run one `indicators` command in a child; return wall seconds, its peak RSS in MB and its
    CPU seconds (user + system: on a shared machine, less sensitive to others' load)."""
    command = [sys.executable, "-m", "indicators.cli", "--data-dir", str(data), *args]
    started = time.perf_counter()
    # A fresh child per run, so ru_maxrss of the wait4 below is this run's alone.
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(
            f"{' '.join(args)} failed: {proc.stderr.read().decode() if proc.stderr else ''}"
        )
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def review_seconds(data: Path) -> float | None:
    """The release review's time in the published build (None when the run built nothing)."""
    record = json.loads((data / "processed" / "_build.json").read_text())
    return (record.get("review") or {}).get("seconds")


WDI = "worldbank/API_IT.NET.USER.ZS_DS2_en_csv_v2_33086.csv"


def wdi_editions(folder: Path, count: int) -> None:
    """``count`` made-up monthly WDI editions beside the mirror's files (dates and one value
    changed, so each is a distinct edition with its own bytes)."""
    shutil.copytree(MIRROR, folder)
    text = (MIRROR / WDI).read_bytes().decode("utf-8-sig")
    for month in range(1, count - 1):  # with the mirror's two, ``count`` in all
        edition = text.replace("Last Updated Date,7/13/2026", f"Last Updated Date,{month}/15/2025")
        edition = edition.replace(",53.9,", f",{50 + month / 10:.1f},", 1)
        (folder / "worldbank" / f"wdi_2025_{month:02d}.csv").write_bytes(
            "\ufeff".encode() + edition.encode()
        )


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        run("fetch", "--from", str(MIRROR), data=data)
        rows.append(("full build (empty cache)", *run("build", data=data), 3))
        rows[-1] += (review_seconds(data),)
        rows.append(("no-op rebuild", *run("build", data=data), 0.5, None))
        rows.append(("forced rebuild (cached)", *run("build", "--force", data=data), "-"))
        rows[-1] += (review_seconds(data),)
        mirror10 = Path(tmp) / "mirror10"
        wdi_editions(mirror10, 10)
        data10 = Path(tmp) / "data10"
        run("fetch", "--from", str(mirror10), data=data10)
        rows.append(("full build, ten WDI editions", *run("build", data=data10), 5))
        rows[-1] += (review_seconds(data10),)
    head = f"{'run':<30}{'wall s':>8}{'cpu s':>7}{'peak MB':>9}{'target s':>10}"
    print(f"{head}{'review s':>10}{'share':>7}")
    for name, wall, peak, cpu, target, review in rows:
        share = f"{review / wall:>7.0%}" if review is not None else f"{'-':>7}"
        spent = f"{review:>10.2f}" if review is not None else f"{'-':>10}"
        print(f"{name:<30}{wall:>8.2f}{cpu:>7.2f}{peak:>9.0f}{target!s:>10}{spent}{share}")
    print(f"cpus: {os.cpu_count()}, python {sys.version.split()[0]}, load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()

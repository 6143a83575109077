"""Time `indicators build` from the mirror: a full build on an empty cache, then a no-op rebuild.

Prints wall time and peak resident memory of each run (targets: full <= 10 s, no-op <= 1 s on a
2-core machine). Usage: python benchmarks/bench_build.py [MIRROR_DIR]
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MIRROR = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "data"


def run(*args: str, data: Path) -> tuple[float, float]:
    """Run one `indicators` command in a child; return wall seconds and its peak RSS in MB."""
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
    return wall, usage.ru_maxrss / 1024


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        run("fetch", "--from", str(MIRROR), data=data)
        full = run("build", data=data)
        noop = run("build", data=data)
        forced = run("build", "--force", data=data)
    print(f"{'run':<28}{'wall s':>8}{'peak MB':>9}{'target s':>10}")
    print(f"{'full build (empty cache)':<28}{full[0]:>8.2f}{full[1]:>9.0f}{10:>10}")
    print(f"{'no-op rebuild':<28}{noop[0]:>8.2f}{noop[1]:>9.0f}{1:>10}")
    print(f"{'forced rebuild (cached)':<28}{forced[0]:>8.2f}{forced[1]:>9.0f}{'-':>10}")
    print(f"cpus: {os.cpu_count()}, python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()

"""Time a 12-figure pack in PNG, SVG and PDF: one Chromium for the pack vs one per file.

The pack is examples/facts-and-figures.yaml (12 figures). "pack" is `indicators export`'s own
path (kaleido's persistent sync server: one Chromium for all 36 images); "naive" renders the
same figures with a fresh `write_image` per file, each starting its own Chromium. Target: the
pack in at most 30 s on a 2-core machine. Prints, never asserts.
Usage: python benchmarks/bench_export.py [MIRROR_DIR]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from indicators import figures, pack, store
from indicators.build import build
from indicators.fetch import fetch

REPO = Path(__file__).resolve().parents[1]
MIRROR = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO.parent / "shared" / "data"
SPEC = REPO / "examples" / "facts-and-figures.yaml"
FORMATS = ("png", "svg", "pdf")


def naive(spec: pack.PackSpec, tables: store.TableCache, out: Path) -> float:
    """Every file through its own `write_image` call, as a script without the pack would do."""
    started = time.perf_counter()
    for entry, chart in pack.render_entries(spec, tables):
        width, height = pack.SIZES[entry.size or spec.size]
        fig = figures.fit_width(chart.figure, chart.caption, width, height)
        for fmt in FORMATS:
            scale = pack.PNG_SCALE if fmt == "png" else 1
            fig.write_image(
                out / f"{entry.id}.{fmt}", format=fmt, scale=scale, width=width, height=height
            )
    return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data = store.DataDir(root / "data")
        fetch(data, from_dir=MIRROR, progress=lambda _: None)
        build(data, progress=lambda _: None)
        tables = store.TableCache(data)
        spec = pack.load_spec(SPEC)
        started = time.perf_counter()
        pack.export_pack(spec, tables, root / "pack", formats=FORMATS, progress=lambda _: None)
        pack_s = time.perf_counter() - started
        (root / "naive").mkdir()
        naive_s = naive(spec, tables, root / "naive")
        files = len(list((root / "pack").glob("*.p*"))) + len(list((root / "pack").glob("*.svg")))
    print(f"{len(spec.entries)} figures x {len(FORMATS)} formats = {files} images")
    print(f"{'approach':<44}{'wall s':>8}{'target s':>10}")
    print(f"{'pack (one Chromium, + CSV/Markdown/manifest)':<44}{pack_s:>8.1f}{30:>10}")
    print(f"{'naive (fresh write_image per file)':<44}{naive_s:>8.1f}{'-':>10}")
    print(f"speed-up: {naive_s / pack_s:.1f}x")


if __name__ == "__main__":
    main()

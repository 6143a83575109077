"""Time the Facts and Figures pack: PNG+SVG+PDF, the same as DOCX+PPTX, and one Chromium per file.

The pack is examples/facts-and-figures.yaml (19 figures; the targets below were set when it
had 12). "pack" is `indicators export`'s own
path: one Chromium for the process (started inside the timing, while the charts are built),
each figure laid out once and drawn once as SVG, its PNG and PDF made from that SVG, figures
rendered concurrently in the browser's tabs while the next ones are laid out. "naive" renders
the same figures with a fresh `write_image` per file, each starting its own Chromium.
"documents" writes the Word document and the PowerPoint deck: each figure drawn twice more, at
its printed size in Word (text width, smallest text 8 pt, 300 dpi) and at its projected size on
a slide (content width, smallest text 14 pt, full-HD pixels).
Targets: pack <= 10 s and >= 10x naive; documents <= 12 s. Prints, never asserts.
Usage: python benchmarks/bench_export.py [MIRROR_DIR] [--quick] (--quick: no naive run)
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from indicators.contract import store
from indicators.outputs import export, pack, render

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import server  # noqa: E402  (the folder is put on the path just above)

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
QUICK = "--quick" in sys.argv[1:]
MIRROR = Path(ARGS[0]) if ARGS else REPO.parent / "shared" / "data"
SPEC = REPO / "examples" / "facts-and-figures.yaml"
FORMATS = ("png", "svg", "pdf")
DOCUMENTS = ("docx", "pptx")


def naive(spec: pack.PackSpec, tables: store.TableCache, out: Path) -> float:
    """Every file through its own `write_image` call, as a script without the pack would do."""
    started = time.perf_counter()
    for entry, chart in pack.render_entries(spec, tables):
        width, height = pack.dimensions(entry.size or spec.size)
        fig = export.laid_out(chart, width, height)
        for fmt in FORMATS:
            scale = pack.PNG_SCALE if fmt == "png" else 1
            fig.write_image(
                out / f"{entry.id}.{fmt}", format=fmt, scale=scale, width=width, height=height
            )
    return time.perf_counter() - started


def timed_pack(
    spec: pack.PackSpec, tables: store.TableCache, out: Path, formats: tuple[str, ...]
) -> float:
    """One export in a fresh Chromium (started inside the timing)."""
    render.renderer().close()
    started = time.perf_counter()
    pack.export_pack(spec, tables, out, formats=formats, progress=lambda _: None)
    return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        data = store.DataDir(server.build_data(MIRROR, root / "data"))
        tables = store.TableCache(data)
        spec = pack.load_spec(SPEC)
        pack_s = timed_pack(spec, tables, root / "pack", FORMATS)
        files = len([p for p in (root / "pack").iterdir() if p.suffix[1:] in FORMATS])
        docs_s = timed_pack(spec, tables, root / "docs", DOCUMENTS)
        render.renderer().close()
        (root / "naive").mkdir()
        naive_s = float("nan") if QUICK else naive(spec, tables, root / "naive")
    print(f"{len(spec.entries)} figures x {len(FORMATS)} formats = {files} images")
    print(f"{'approach':<52}{'wall s':>8}{'target s':>10}")
    print(f"{'pack PNG+SVG+PDF (one Chromium, + Markdown/manifest)':<52}{pack_s:>8.1f}{10:>10}")
    print(f"{'pack DOCX+PPTX (Word and slide pictures per figure)':<52}{docs_s:>8.1f}{12:>10}")
    if not QUICK:
        print(f"{'naive PNG+SVG+PDF (fresh write_image per file)':<52}{naive_s:>8.1f}{'-':>10}")
        print(f"speed-up of the pack over naive: {naive_s / pack_s:.1f}x (target >= 10x)")
    print(server.machine_load())


if __name__ == "__main__":
    main()

"""Figure packs: every format checked for real, and every bad input refused with nothing written."""

from __future__ import annotations

import hashlib
import io
import json
import struct
import zipfile

import pandas as pd
import pytest
from pypdf import PdfReader

from indicators import catalogue
from indicators.cli import main
from indicators.contract import store
from tests.helpers import export_args

SPEC = """
title: Test pack
size: column
figures:
  - id: gap
    chart: internet_gap
    params: {entity_a: DEVELOPED, entity_b: LDC, mode: ratio, edition: itu_aggregates@2019-10}
  - id: groups
    chart: internet_by_group
    size: slide
    params: {grouping: income, edition: itu_aggregates@2024-11}
"""


@pytest.fixture(scope="module")
def data(published) -> store.DataDir:
    return published


@pytest.fixture(scope="module")
def written(data, tmp_path_factory):
    root = tmp_path_factory.mktemp("pack")
    spec = root / "spec.yaml"
    spec.write_text(SPEC)
    out = root / "figures"
    formats = "png,svg,pdf,csv"
    code = main(
        [
            "--data-dir",
            str(data.root),
            "export",
            str(spec),
            "--out",
            str(out),
            "--zip",
            "--format",
            formats,
        ]
    )
    assert code == 0
    return out, spec


def png_size(content: bytes) -> tuple[int, int]:
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", content[16:24])
    return width, height


def test_png_size_is_preset_times_scale(written):
    out, _ = written
    assert png_size((out / "gap.png").read_bytes()) == (600 * 3, 420 * 3)
    assert png_size((out / "groups.png").read_bytes()) == (1600 * 3, 900 * 3)


def test_svg_carries_the_caption(written):
    out, _ = written
    svg = (out / "gap.svg").read_text()
    assert svg.lstrip().startswith("<svg")
    assert "Source: ITU, Key ICT indicators" in svg
    # The title wraps at column width, so its lines are separate text elements.
    assert "Internet use: Developed countries vs" in svg
    assert "Least developed countries (LDCs)" in svg


def test_pdf_opens_with_one_page(written):
    out, _ = written
    reader = PdfReader(io.BytesIO((out / "groups.pdf").read_bytes()))
    assert len(reader.pages) == 1


def test_csv_equals_the_plotted_data(written, data):
    out, _ = written
    tables = store.TableCache(data)
    chart = catalogue.render(
        "internet_gap",
        tables,
        {
            "entity_a": "DEVELOPED",
            "entity_b": "LDC",
            "mode": "ratio",
            "edition": "itu_aggregates@2019-10",
        },
    )
    frame = pd.read_csv(out / "gap.csv", comment="#")
    assert list(frame.columns) == [
        "year",
        "entity_a",
        "name_a",
        "grouping_a",
        "value_a_pct",
        "entity_b",
        "name_b",
        "grouping_b",
        "value_b_pct",
        "gap",
    ]
    assert set(frame["name_a"]) == {"Developed countries"}
    assert set(frame["grouping_b"]) == {"special"}
    plotted = chart.data.reset_index(drop=True)
    assert list(frame["year"]) == list(plotted["year"])
    # the rates as the Oct 2019 sheet prints them (one decimal), the ratio to 4 digits
    assert list(frame["value_a_pct"]) == list(plotted["value_a_pct"].round(1))
    assert frame["value_a_pct"].iloc[0] == 52.8 and plotted["value_a_pct"].iloc[0] != 52.8
    assert list(frame["gap"]) == pytest.approx(list(chart.figure.data[0].y), rel=5e-4)


def test_manifest_hashes_match_files(written):
    out, _spec = written
    manifest = json.loads((out / "manifest.json").read_text())
    assert [f["id"] for f in manifest["figures"]] == ["gap", "groups"]
    assert manifest["data_built_at"]
    for figure in manifest["figures"]:
        assert set(figure["files"]) == {"png", "svg", "pdf", "csv", "md"}
        assert figure["finding"] and figure["finding"] in figure["alt_text"]
        for entry in figure["files"].values():
            content = (out / entry["path"]).read_bytes()
            assert hashlib.sha256(content).hexdigest() == entry["sha256"]
            assert len(content) == entry["bytes"]
    gap = manifest["figures"][0]
    assert gap["sources"] == ["itu_aggregates"] and gap["vintages"] == ["2019-10"]
    assert "28 October 2019" in gap["citation"]
    with zipfile.ZipFile(out / "spec.zip") as archive:
        assert "manifest.json" in archive.namelist() and "gap.png" in archive.namelist()


def test_markdown_caption_has_alt_text(written):
    out, _ = written
    md = (out / "gap.md").read_text()
    assert md.startswith("### Internet use: Developed countries vs Least developed countries")
    assert "Alt text:" in md and "Source: ITU" in md and "](gap.png)" in md
    finding = "In 2019, Internet use in developed countries (87%) was 4.53 times that of"
    assert finding in md
    assert "Alt text: Line chart: Internet use: Developed countries vs" in md


def manifest_of(out):
    return json.loads((out / "manifest.json").read_text())


def test_pdf_carries_the_figures_metadata(written):
    out, _ = written
    meta = PdfReader(out / "gap.pdf").metadata
    assert meta.title == "Internet use: Developed countries vs Least developed countries (LDCs)"
    assert meta.subject.startswith(
        "Ratio of the shares using the Internet, times, 2005-2019; 2019: 4.5"
    )
    assert meta.author == "International Telecommunication Union (ITU)"
    assert "itu_aggregates@2019-10" in meta["/Keywords"]
    assert "Kaleido" not in str(dict(meta))


def test_svg_has_title_and_description(written):
    out, _ = written
    svg = (out / "groups.svg").read_text()
    head = svg[: svg.index("<title")]
    assert head.count("<svg") == 1 and 'role="img"' in head
    assert '<title id="fig-title">Individuals using the Internet by income group</title>' in svg
    desc = svg[svg.index("<desc") : svg.index("</desc>")]
    assert "high-income economies" in desc and "Source: ITU" in desc


BAD_SPECS = [
    (
        "figures:\n  - id: a\n    chart: no_such_chart\n",
        "figures[0] (id 'a'): field 'chart': unknown chart id 'no_such_chart'",
    ),
    (
        "figures:\n  - id: a\n    chart: internet_by_group\n    params: {grouping: planets}\n",
        "figures[0] (id 'a'): field 'params': grouping='planets' is not one of",
    ),
    (
        "figures:\n  - id: a\n    chart: internet_compare\n    params: {entities: [ATL]}\n",
        "figures[0] (id 'a'): field 'params': entities: ['ATL'] not among the choices",
    ),
    (
        "figures:\n  - id: a\n    chart: internet_map\n    params: {year: 1900}\n",
        "figures[0] (id 'a'): field 'params': year=1900 is not one of",
    ),
    (
        "figures:\n  - id: a\n    chart: internet_gap\n"
        "    params: {entity_a: TWN, entity_b: LDC, edition: wdi@2026-07}\n",
        "figures[0] (id 'a'): field 'params': entity_a='TWN' is not available in WDI Internet "
        "use, Jul 2026",
    ),
    (
        "figures:\n  - id: a\n    chart: internet_gap\n    size: poster\n",
        "figures[0] (id 'a'): field 'size': 'poster' is not one of",
    ),
    (
        "figures:\n  - id: a\n    chart: internet_gap\n    colour: red\n",
        "figures[0] (id 'a'): unknown field(s) ['colour']",
    ),
    (
        "figures:\n  - id: a\n    chart: internet_gap\n  - id: a\n    chart: internet_map\n",
        "figures[1] (id 'a'): field 'id': duplicate id",
    ),
    ("title: [unclosed\n", "not valid YAML"),
]


@pytest.mark.parametrize(("text", "message"), BAD_SPECS)
def test_bad_spec_is_refused_and_nothing_written(data, tmp_path, capsys, text, message):
    spec = tmp_path / "bad.yaml"
    spec.write_text(text)
    out = tmp_path / "out"
    code = main(["--data-dir", str(data.root), "export", str(spec), "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 1
    assert message in err
    assert "nothing was written" in err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["bad.yaml"]


def test_unwritable_output_folder(data, tmp_path, capsys):
    spec = tmp_path / "ok.yaml"
    spec.write_text("figures:\n  - id: a\n    chart: internet_gap\n")
    # /proc refuses new files even to root, unlike a folder with its write bits cleared.
    code = main(["--data-dir", str(data.root), "export", str(spec), "--out", "/proc/figures"])
    assert code == 1
    assert "/proc/figures: output folder is not writable" in capsys.readouterr().err


def test_output_parent_missing(data, tmp_path, capsys):
    spec = tmp_path / "ok.yaml"
    spec.write_text("figures:\n  - id: a\n    chart: internet_gap\n")
    code = main(
        [
            "--data-dir",
            str(data.root),
            "export",
            str(spec),
            "--out",
            str(tmp_path / "no" / "such" / "figures"),
        ]
    )
    assert code == 1
    assert "does not exist" in capsys.readouterr().err


def test_existing_pack_survives_a_failed_export(data, tmp_path, capsys):
    out = tmp_path / "figures"
    out.mkdir()
    (out / "keep.txt").write_text("previous pack")
    spec = tmp_path / "bad.yaml"
    spec.write_text("figures:\n  - id: a\n    chart: internet_by_group\n    params: {sex: x}\n")
    assert main(["--data-dir", str(data.root), "export", str(spec), "--out", str(out)]) == 1
    assert (out / "keep.txt").read_text() == "previous pack"


def test_list_shows_charts_and_parameters(data, capsys):
    assert main(["--data-dir", str(data.root), "export", "--list"]) == 0
    listing = capsys.readouterr().out
    assert "internet_by_group: Internet use by group" in listing
    assert "- grouping (choice, default 'development'): development, itu_region" in listing
    assert "column 600x420" in listing


def test_custom_size_scales_the_layout(data, tmp_path):
    spec = tmp_path / "custom.yaml"
    spec.write_text("figures:\n  - id: a\n    chart: internet_gap\n")
    out = tmp_path / "out"
    args = ["--data-dir", str(data.root), "export", str(spec), "--out", str(out)]
    assert main([*args, "--size", "1200x700", "--format", "png,pdf"]) == 0
    assert png_size((out / "a.png").read_bytes()) == (1200 * 3, 700 * 3)
    record = manifest_of(out)["figures"][0]
    assert (record["size"], record["width"], record["height"]) == ("1200x700", 1200, 700)
    box = PdfReader(out / "a.pdf").pages[0].mediabox
    assert float(box.width) / float(box.height) == pytest.approx(1200 / 700, rel=0.02)


def test_custom_size_out_of_range_is_refused(data, tmp_path, capsys):
    spec = tmp_path / "custom.yaml"
    spec.write_text("figures:\n  - id: a\n    chart: internet_gap\n")
    args = ["--data-dir", str(data.root), "export", str(spec), "--out", str(tmp_path / "o")]
    assert main([*args, "--size", "10x10"]) == 1
    assert "nor WIDTHxHEIGHT in px (200-4000 each)" in capsys.readouterr().err


# ---- charts with one labelled row per economy


def test_a_chart_of_many_rows_is_drawn_tall_enough_for_them(data, tmp_path, capsys):
    """104 economies in a page-sized picture would overlap: the images grow to give each row
    its label's lines (the pack says so), while a region's 10 rows keep the preset."""
    args, out = export_args(
        data.root,
        tmp_path,
        "size: page\nfigures:\n  - id: all\n    chart: gender_countries\n"
        "  - id: africa\n    chart: gender_countries\n    params: {region: ITU_AFR}\n",
    )
    assert main([*args, "--format", "png,pdf"]) == 0
    said = capsys.readouterr().out
    assert "so that its 104 rows stay apart" in said
    records = {r["id"]: r for r in manifest_of(out)["figures"]}
    # A line of 13 px text at single spacing for each of the 104 rows (set on one line: the
    # page's 1000 px leave room), then the caption.
    assert 104 * 13 * 1.15 < records["all"]["height"] < 104 * 2 * 13 * 1.15
    assert (records["africa"]["width"], records["africa"]["height"]) == (1000, 620)
    assert png_size((out / "all.png").read_bytes()) == (3000, records["all"]["height"] * 3)
    box = PdfReader(out / "all.pdf").pages[0].mediabox
    assert float(box.height) / float(box.width) == pytest.approx(
        records["all"]["height"] / 1000, rel=0.02
    )


def test_rows_a_word_page_cannot_hold_are_refused_by_name(data, tmp_path, capsys):
    all_rows = "figures:\n  - id: all\n    chart: gender_countries\n"
    args, out = export_args(data.root, tmp_path, all_rows, "rows.yaml")
    spec = tmp_path / "rows.yaml"
    assert main([*args, "--format", "png,docx"]) == 1
    err = capsys.readouterr().err
    assert "figure 'all' (gender_countries): its 104 rows need a picture" in err
    assert "a Word page has room for 698 pt" in err
    assert "choose fewer rows (one region, for example), or leave docx out" in err
    assert "nothing was written" in err and not out.exists()
    spec.write_text(
        "figures:\n  - id: africa\n    chart: gender_countries\n    params: {region: ITU_AFR}\n"
    )
    assert main([*args, "--format", "docx"]) == 0


def test_a_refused_export_ends_without_a_traceback(data, tmp_path):
    """Refused after Chromium's warm-up began: the process closes the starting browser before
    its profile folder is removed at exit, so the user reads the reason and nothing else."""
    import subprocess
    import sys

    all_rows = "figures:\n  - id: all\n    chart: gender_countries\n"
    args, out = export_args(data.root, tmp_path, all_rows)
    args += ["--format", "docx"]
    code = "import sys; from indicators.cli import main; sys.exit(main(sys.argv[1:]))"
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 1
    assert "its 104 rows need a picture" in done.stderr
    assert "Traceback" not in done.stderr and "Task exception" not in done.stderr
    assert not out.exists()


def test_a_tall_printed_chart_repeats_its_value_axis_on_top(tables):
    """104 rows drawn 1,800 px tall: the value axis is above the first rows as well as below
    the last, and the printed labels take one line each; a region of 10 rows keeps one axis."""
    from indicators.figures import layout
    from indicators.outputs import export

    chart = catalogue.render("gender_countries", tables, {})
    width, height = export.printed_size(chart, 1000, 620)
    fig = export.laid_out(chart, width, height)
    assert fig.layout["xaxis2"].side == "top" and fig.layout["xaxis2"].matches == "x"
    assert all("<br>" not in str(t) for t in fig.layout.yaxis.ticktext)
    assert layout.labelled_rows(chart.figure)[1] == 2  # the dashboard's copy keeps two lines
    africa = catalogue.render("gender_countries", tables, {"region": "ITU_AFR"})
    assert "xaxis2" not in export.laid_out(africa, 1000, 620).layout

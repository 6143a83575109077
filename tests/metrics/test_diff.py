"""`indicators diff`: two small WDI editions written here, built by the real pipeline, compared.

The expected changes below are worked out by hand from the cells written into the two files.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from indicators import cli
from indicators.contract import store
from indicators.etl.sources import BY_SOURCE
from indicators.metrics import diff

YEARS = ["2018", "2019", "2020"]
# code -> (name, cells for 2018, 2019, 2020); '' is an empty cell.
FEB = {
    "MDA": ("Moldova", ["55.1", "57.7605", ""]),
    "BWA": ("Botswana", ["47", "61.3865", ""]),
    "AFG": ("Afghanistan", ["", "17.6", ""]),
    "TON": ("Tonga", ["", "4.90778", ""]),
    "SDN": ("Sudan", ["", "26.9", ""]),
    "COG": ("Congo, Rep.", ["", "", ""]),
    "WLD": ("World", ["", "53.2", ""]),
}
JUL = {
    "MDA": ("Moldova", ["55.1", "73.32610321", "76.1"]),
    "BWA": ("Botswana", ["47.00000119", "48.8228", ""]),  # float32 noise on 2018
    "AFG": ("Afghanistan", ["", "17.60000038", ""]),  # float32 noise
    "TON": ("Tonga", ["", "4.9078", ""]),  # 2e-5: beyond 6 significant digits
    "SDN": ("Sudan", ["", "", ""]),
    "COG": ("Congo, Rep.", ["", "23.2", ""]),
    "WLD": ("World", ["", "54.1", ""]),
}
INDICATOR = ["Individuals using the Internet (% of population)", "IT.NET.USER.ZS"]
REGIONS = {"MDA": "Europe & Central Asia", "BWA": "Sub-Saharan Africa", "AFG": "South Asia"}
REGIONS |= {"TON": "East Asia & Pacific", "SDN": "Sub-Saharan Africa"}
REGIONS |= {"COG": "Sub-Saharan Africa", "WLD": ""}


def feb_file(rows: dict) -> str:
    """The Feb 2026 layout: no preamble, every field quoted, a trailing comma."""
    head = ["Country Name", "Country Code", "Indicator Name", "Indicator Code"]
    lines = ["", ",".join(f'"{c}"' for c in [*head, *YEARS]) + ","]
    for code, (name, cells) in rows.items():
        lines.append(",".join(f'"{c}"' for c in [name, code, *INDICATOR, *cells]) + ",")
    return "\ufeff" + "\r\n".join(lines) + "\r\n"


def jul_file(rows: dict) -> str:
    """The Jul 2026 layout: re-saved in Excel, a preamble with the update date, no quotes."""
    pad = "," * 6
    lines = [
        "Data Source,World Development Indicators" + pad,
        pad,
        "Last Updated Date,7/13/2026" + pad,
        pad,
        ",".join(["Country Name", "Country Code", "Indicator Name", "Indicator Code", *YEARS]),
    ]
    for code, (name, cells) in rows.items():
        quoted = f'"{name}"' if "," in name else name  # Excel quotes only where it must
        lines.append(",".join([quoted, code, *INDICATOR, *cells]))
    return "\ufeff" + "\r\n".join(lines) + "\r\n"


def metadata_file() -> str:
    lines = ['"Country Code","Region","IncomeGroup","SpecialNotes","TableName",']
    for code, region in REGIONS.items():
        income = "" if not region else "Lower middle income"
        lines.append(f'"{code}","{region}","{income}","","{FEB[code][0]}",')
    return "\ufeff" + "\r\n".join(lines) + "\r\n"


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """Two small WDI editions laid out like the mirror, fetched and built with the CLI."""
    mirror = tmp_path_factory.mktemp("mirror")
    files = {
        "worldbank/API_IT.NET.USER.ZS_DS2_en_csv_v2_1228.csv": feb_file(FEB),
        "worldbank/API_IT.NET.USER.ZS_DS2_en_csv_v2_33086.csv": jul_file(JUL),
        "worldbank/Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_1228.csv": metadata_file(),
    }
    for relative, text in files.items():
        path = mirror / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    data = tmp_path_factory.mktemp("data")
    # The Feb layout and the country list state no date: their edition is given.
    stated, undated = list(files)[1], [next(iter(files)), list(files)[2]]
    args = ["--data-dir", str(data), "add"]
    assert cli.main([*args, *(str(mirror / f) for f in undated), "--edition", "2026-02"]) == 0
    assert cli.main([*args, str(mirror / stated)]) == 0
    # Sudan's only value is dropped on purpose: the release review stops the edition until a
    # person accepts it.
    assert cli.main(["--data-dir", str(data), "build"]) == 1
    reason = "made-up edition: Sudan's value is dropped on purpose"
    build = ["--data-dir", str(data), "build", "--accept", "wdi@2026-07", "--reason", reason]
    assert cli.main(build) == 0
    return data


def run_diff(small, capsys, *extra: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(["--data-dir", str(small), "diff", "wdi", "2026-02", "2026-07", *extra])
    out, err = capsys.readouterr()
    return code, out, err


def test_diff_csv_matches_the_hand_worked_changes(small, capsys, tmp_path):
    out_file = tmp_path / "wdi.csv"
    code, _, err = run_diff(small, capsys, "--out", str(out_file))
    assert code == 0, err
    frame = pd.read_csv(out_file, keep_default_na=True)
    at = diff.COLUMNS.index("entity_id") + 1
    assert list(frame.columns) == [*diff.COLUMNS[:at], "name", "grouping", *diff.COLUMNS[at:]]
    assert frame.set_index("entity_id").loc["MDA", "name"].iloc[0] == "Moldova"
    assert frame.set_index("entity_id").loc["WLD", "grouping"] == "world"
    got = frame.set_index(["entity_id", "year"])
    assert set(frame["series"]) == {"value_pct;sex=total"}
    assert set(frame["source"]) == {"wdi"} and set(frame["table"]) == {"internet_use"}
    # Values as WDI prints them (6 significant digits: the Jul 2026 file's 73.32610321 and
    # 47.00000119 are float32 noise), changes to the same places, per cent to 4 digits.
    expected = {
        ("MDA", 2018): ("unchanged", 55.1, 55.1, 0.0, 0.0),
        ("MDA", 2019): ("revised", 57.7605, 73.3261, 15.5656, 26.95),
        ("MDA", 2020): ("added", math.nan, 76.1, math.nan, math.nan),
        ("BWA", 2018): ("unchanged", 47.0, 47.0, 0.0, 0.000002128),
        ("BWA", 2019): ("revised", 61.3865, 48.8228, -12.5637, -20.47),
        ("AFG", 2019): ("unchanged", 17.6, 17.6, 0.0, 0.0),
        ("TON", 2019): ("revised", 4.90778, 4.9078, 0.00002, 0.0004075),
        ("SDN", 2019): ("dropped", 26.9, math.nan, math.nan, math.nan),
        ("COG", 2019): ("added", math.nan, 23.2, math.nan, math.nan),
        ("WLD", 2019): ("revised", 53.2, 54.1, 0.9, 1.692),
    }
    assert sorted(got.index) == sorted(expected)
    for key, (status, old, new, change, pct) in expected.items():
        row = got.loc[key]
        assert row["status"] == status, key
        for column, want in (("old", old), ("new", new), ("change", change), ("change_pct", pct)):
            if math.isnan(want):
                assert pd.isna(row[column]), (key, column)
            else:
                assert row[column] == pytest.approx(want, rel=1e-8, abs=1e-9), (key, column)


def test_summary_reports_years_largest_median_and_coverage(small, capsys):
    code, out, _ = run_diff(small, capsys)
    assert code == 0
    assert "WDI Internet use, Feb 2026 -> WDI Internet use, Jul 2026" in out
    assert "10 compared; 4 revised, 2 added, 1 dropped, 3 unchanged" in out
    assert "2019:    4 of 5 values in both editions" in out
    assert "2018:" not in out.split("revised per year:")[1].split("\n\n")[0]
    # median of |15.565603|, |-12.5637|, |0.00002|, |0.9| = (0.9 + 12.5637) / 2
    assert "median absolute revision 6.73" in out
    largest = out.split("median absolute revision")[1].splitlines()[1:3]
    assert largest[0].strip() == "Moldova (MDA) 2019: 57.76 -> 73.33 (+15.57)"
    assert largest[1].strip() == "Botswana (BWA) 2019: 61.39 -> 48.82 (-12.56)"
    gained = "coverage gained: 2 values; years only in the new edition: 2020; entities: "
    assert gained + "Congo, Rep. (COG)" in out
    lost = "coverage lost: 1 values; years only in the old edition: none; entities: "
    assert lost + "Sudan (SDN)" in out


def test_filters_by_year_kind_and_size(small, capsys):
    filters = ["--year", "2019", "--kind", "economy", "--min-change", "1"]
    code, out, _ = run_diff(small, capsys, *filters)
    assert code == 0
    assert "6 compared; 3 revised, 1 added, 1 dropped, 1 unchanged" in out
    listed = [line for line in out.splitlines() if line.startswith("  ") and "->" in line]
    assert [line.split("(")[1][:3] for line in listed] == ["MDA", "BWA"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope", "2026-02", "2026-07"], "unknown source 'nope'; sources: wdi"),
        (["wdi", "2025-01", "2026-07"], "no edition '2025-01' of 'wdi'; editions: 2026-07, 20"),
        (["wdi", "itu_prices@2026-02", "2026-07"], "is not an edition of 'wdi'"),
        (["wdi", "2026-02", "2026-07", "--table", "bandwidth"], "no table 'bandwidth' holding"),
    ],
)
def test_unknown_source_edition_or_table_is_a_clear_error(small, capsys, args, message):
    capsys.readouterr()
    assert cli.main(["--data-dir", str(small), "diff", *args]) == 2
    out, err = capsys.readouterr()
    assert message in err and "Traceback" not in err and out == ""


def test_diff_before_any_build_says_what_to_run(tmp_path, capsys):
    assert cli.main(["--data-dir", str(tmp_path), "diff", "wdi", "a", "b"]) == 2
    assert "indicators build" in capsys.readouterr().err


def test_editions_accept_the_source_at_vintage_form(small, capsys):
    tables = store.TableCache(store.DataDir(small))
    req = diff.request(tables, "wdi", "wdi@2026-02", "2026-07")
    assert (req.old, req.new, req.tables) == ("2026-02", "2026-07", ("internet_use",))


def frame(vintage: str, rows: list[tuple]) -> pd.DataFrame:
    """internet_use rows: (entity, year, sex, value_pct, users_millions)."""
    out = pd.DataFrame(rows, columns=["entity_id", "year", "sex", "value_pct", "users_millions"])
    return out.assign(source="itu_aggregates", vintage=vintage, estimate=False)


def itu_compare(old: pd.DataFrame, new: pd.DataFrame, noise=None) -> pd.DataFrame:
    both = pd.concat([old, new])
    return diff.compare(both, "internet_use", "itu_aggregates", "2019-10", "2024-11", noise)


def test_every_measure_and_series_is_followed_separately():
    old = frame(
        "2019-10", [("WLD", 2019, "total", 53.6, 4100.0), ("WLD", 2019, "female", 48.4, None)]
    )
    new = frame("2024-11", [("WLD", 2019, "total", 52.9, 4100.0), ("WLD", 2019, "female", 48.4, 1)])
    out = itu_compare(old, new)
    got = out.set_index("series")
    assert got.loc["value_pct;sex=total", "status"] == "revised"
    assert got.loc["value_pct;sex=total", "change"] == pytest.approx(-0.7)
    assert got.loc["value_pct;sex=total", "change_pct"] == pytest.approx(-0.7 / 53.6 * 100)
    assert got.loc["value_pct;sex=female", "status"] == "unchanged"
    assert got.loc["users_millions;sex=total", "status"] == "unchanged"
    assert got.loc["users_millions;sex=female", "status"] == "added"
    assert len(out) == 4


def test_noise_is_declared_per_source():
    # WDI: 6 significant digits of a float32, rounded to 6 decimals
    wdi = diff.noise_for("wdi")
    assert wdi.of(np.array([57.7605]))[0] == pytest.approx(5e-5 + 57.7605 * 2**-24 + 5e-7)
    # Workbook doubles: a change of a millionth is a revision.
    old = frame("2019-10", [("WLD", 2019, "total", 53.6, None)])
    new = frame("2024-11", [("WLD", 2019, "total", 53.600001, None)])
    out = itu_compare(old, new)
    assert out["status"].tolist() == ["revised"]
    as_wdi = itu_compare(old, new, wdi)
    assert as_wdi["status"].tolist() == ["unchanged"]


def test_every_format_declares_its_noise():
    for fmt in BY_SOURCE.values():
        assert fmt.noise.significant > 0 and fmt.noise.float_bits in (32, 64)
        assert diff.noise_for(fmt.source) is fmt.noise
    assert BY_SOURCE["wdi"].noise.float_bits == 32


def test_real_wdi_2019_revisions_of_a_point_or_more(tables):
    """Feb against Jul 2026 WDI for 2019: economies moved by a point or more, Moldova first."""
    req = diff.request(tables, "wdi", "2026-02", "2026-07")
    result = diff.restrict(diff.run(tables, req), [2019], "economy", tables)
    moved = result[(result["status"] == "revised") & (result["change"].abs() >= 1)]
    top = moved.loc[moved["change"].abs().idxmax()]
    assert top["entity_id"] == "MDA" and round(top["change"], 1) == 15.6
    assert len(moved) >= 10
    assert set(result["status"]) <= set(diff.STATUSES)

"""Charts by economy (two rates at each economy's latest survey year): controls and dot plot."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from indicators import figures
from indicators.catalogue import queries, wording
from indicators.catalogue.charts import Param, edition_param
from indicators.etl.codes import ITU_REGIONS
from indicators.figures.layout import word_lines

# sort choice -> (columns, ascending, how the subtitle says it); rows read top to bottom.
Sorts = dict[str, tuple[list[str], list[bool], str]]

LABEL_CHARS = 20  # per line of a row label; two lines at most, so the plot keeps a phone's width
# The short forms ITU's own charts print for names too long for a row label.
SHORT_FORMS = {
    "China, Hong Kong Special Administrative Region": "Hong Kong, China",
    "China, Macao Special Administrative Region": "Macao, China",
    "United Kingdom of Great Britain and Northern Ireland": "United Kingdom",
}
ROW_PX = 34  # two lines of a row label and a gap, so labels never touch their neighbours


def params(sorts: Sorts, editions: queries.EditionChoices) -> tuple[Param, ...]:
    """The region, sort and edition controls of a chart by economy."""
    return (
        Param("region", "ITU region", "all", ["all", *ITU_REGIONS], labels={"all": "All"}),
        Param(
            "sort",
            "Sort by",
            "gap",
            list(sorts),
            labels={s: text.replace(" first", "") for s, (_, _, text) in sorts.items()},
        ),
        edition_param(editions),
    )


def in_order(wide: pd.DataFrame, sorts: Sorts, sort: str) -> pd.DataFrame:
    """The economies in the chosen order."""
    by, ascending, _ = sorts[sort]
    return wide.sort_values(by, ascending=ascending)


def short_name(name: str) -> str:
    """'Bolivia (Plurinational State of)' -> 'Bolivia': without a formal qualifier in
    brackets, in ITU's short forms ('Hong Kong, China')."""
    return SHORT_FORMS.get(name) or re.sub(r"\s*\([^)]*\)", "", name).strip() or name


def tick_label(name: str, year: int) -> str:
    """'Bosnia and Herzegovina', 2018 -> 'Bosnia and<br>Herzegovina (2018)': at most two short
    lines, without a formal qualifier in brackets ('Bolivia (Plurinational State of)' ->
    'Bolivia'), in ITU's short forms ('Hong Kong, China'), and shortened with an
    ellipsis if still too long (the hover label and the table have the name in full)."""
    tail = f" ({int(year)})"
    lines = word_lines(f"{short_name(name)}{tail}", LABEL_CHARS)
    if len(lines) > 2:
        second = " ".join(lines[1:])[: LABEL_CHARS - len(tail) - 1].rstrip(" ,")
        lines = [lines[0], f"{second}…{tail}"]
    return "<br>".join(lines)


def years_note(data: pd.DataFrame) -> str:
    """The caption's note on the survey years drawn, one per economy."""
    first, last = int(data["year"].min()), int(data["year"].max())
    years = (
        f"year {first} for every economy" if first == last else f"year {first}–{last} per economy"
    )
    return f"Latest available {years} (in brackets after the name)."


def dot_plot(
    data: pd.DataFrame, low: str, high: str, low_name: str, high_name: str, unit: str
) -> go.Figure:
    """Each economy's two rates as a dumbbell, one labelled row per economy in the frame's order."""
    label = data["name"] + " (" + data["year"].astype(str) + ")"
    hover = "- " + label + ", gap " + data["gap_pp"].map("{:+.1f} pp".format)
    fig = figures.dumbbell(
        data.assign(label=label, hover=hover),
        "label",
        low,
        high,
        low_name,
        high_name,
        unit,
        hover="hover",
    )
    # The figure orders rows by the high rate; the sort chosen here reads top to bottom.
    # Autorange pads a tall category axis by several empty rows at each end; pin it to the rows,
    # and label every row (short charts otherwise skip every other economy).
    rows = label.tolist()[::-1]
    short = [tick_label(n, y) for n, y in zip(data["name"], data["year"], strict=True)][::-1]
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=rows,
        range=[-0.7, len(data) - 0.3],
        tickmode="array",
        tickvals=rows,
        ticktext=short,
    )
    fig.update_layout(height=max(420, ROW_PX * len(data) + 200))
    # The unit is in the subtitle; an axis title would collide with the exported source line.
    fig.update_xaxes(title=None)
    return fig


def widest(data: pd.DataFrame, column: str = "gap_pp") -> pd.DataFrame:
    """The economies whose gap is the largest at the one decimal it is printed with, in the
    chart's order: a tie names them all (Bolivia and Peru, 5.3 points each), where a sort
    would pick one of them and the finding could name the economy drawn second."""
    printed = data[column].round(1)
    return data[printed == printed.max()]


def widest_text(rows: pd.DataFrame, column: str = "gap_pp") -> str:
    """'Bolivia (2018) and Peru (2018), 5.3 points each' for a tie (short names, so that the
    list reads), or one economy's name and survey year ('Iraq (2018)')."""
    if len(rows) == 1:
        row = rows.iloc[0]
        return wording.aside(wording.name(row), str(int(row["year"])))
    named = [f"{short_name(wording.name(r))} ({int(r['year'])})" for _, r in rows.iterrows()]
    return f"{wording.listed(named)}, {wording.half_up(float(rows[column].iloc[0]), 1)} points each"


def region_text(data: pd.DataFrame, p: dict[str, Any]) -> str:
    """Which economies the chart shows, for its subtitle ('all economies' or the region)."""
    return "all economies" if p["region"] == "all" else str(queries.names_in(data).get(p["region"]))

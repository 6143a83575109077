"""One plotly template for the whole app and every export: colour-blind-safe, print-friendly."""

from __future__ import annotations

import json
import pkgutil
import zlib
from collections.abc import Iterable
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

# Base maps ship with the package so maps draw offline (plotly.js would fetch them from a CDN).
TOPOJSON_DIR = Path(__file__).resolve().parents[1] / "static" / "topojson"
TOPOJSON_ROUTE = "/topojson/"

# Okabe & Ito (2008), distinguishable under the common colour-vision deficiencies.
OKABE_ITO = [
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
]
# The series palette: Okabe & Ito's hues, with yellow (1.3:1 on white) and the light orange and
# sky blue replaced by darker tones, so every colour has at least 3:1 contrast on white and any
# two stay apart (CIELAB distance at least 10) under protan, deutan and tritan simulation.
PALETTE = [
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#008060",  # bluish green, darkened
    "#CC79A7",  # reddish purple
    "#3A9BD5",  # sky blue, darkened
    "#882255",  # wine (Tol)
    "#999933",  # olive (Tol)
]
WORLD_COLOUR = "#000000"
# Series beyond the palette, or not highlighted, are drawn in this grey (never a repeated hue).
MUTED = "#B0B0B0"
MAX_SERIES = len(PALETTE) + 1  # the palette plus the world in black

# One colour per group, declared once: every chart, page and export draws a group in its colour.
# Within each grouping (and with the world) the colours differ.
GROUP_COLOURS: dict[str, str] = {
    "WLD": WORLD_COLOUR,
    # development status, with the LDCs drawn beside them
    "DEVELOPED": PALETTE[0],
    "DEVELOPING": PALETTE[6],
    "LDC": PALETTE[1],
    # LDC / LLDC / SIDS
    "LLDC": PALETTE[2],
    "SIDS": PALETTE[4],
    # income, high to low: blues to reds
    "HIC": PALETTE[0],
    "UMC": PALETTE[4],
    "LMC": PALETTE[3],
    "LIC": PALETTE[1],
    # ITU regions
    "ITU_AFR": PALETTE[2],
    "ITU_AMS": PALETTE[3],
    "ITU_ARB": PALETTE[6],
    "ITU_ASP": PALETTE[1],
    "ITU_CIS": PALETTE[5],
    "ITU_EUR": PALETTE[0],
    # World Bank regions
    "EAS": PALETTE[1],
    "ECS": PALETTE[0],
    "LCN": PALETTE[3],
    "MEA": PALETTE[6],
    "NAC": PALETTE[5],
    "SAS": PALETTE[4],
    "SSF": PALETTE[2],
}


def preferred_colour(entity: str) -> str:
    """An entity's own colour: declared for groups, derived from the code for economies."""
    if entity in GROUP_COLOURS:
        return GROUP_COLOURS[entity]
    return PALETTE[zlib.crc32(entity.encode()) % len(PALETTE)]


def entity_colours(entities: Iterable[str]) -> dict[str, str]:
    """A colour for each entity of one chart, never the same hue twice.

    Groups keep their declared colour; an economy keeps its own colour unless another series of
    the chart already holds it, then takes the next free one (the same set of entities always
    gets the same colours). Series beyond the palette are drawn in grey.
    """
    ordered = list(dict.fromkeys(entities))
    out: dict[str, str] = {}
    used: set[str] = set()
    for entity in ordered:  # declared colours first, so groups never move
        colour = GROUP_COLOURS.get(entity)
        if colour is not None and colour not in used:
            out[entity] = colour
            used.add(colour)
    for entity in ordered:
        if entity in out:
            continue
        start = PALETTE.index(preferred_colour(entity)) if entity not in GROUP_COLOURS else 0
        free = [PALETTE[(start + i) % len(PALETTE)] for i in range(len(PALETTE))]
        colour = next((c for c in free if c not in used), MUTED)
        out[entity] = colour
        used.add(colour)
    return out


# Luminance rises monotonically, so maps read the same in greyscale and to colour-blind readers.
SEQUENTIAL = "Cividis"
REFERENCE = "#555555"
TEMPLATE = "indicators"
# Fonts every system has, so SVG exports open the same in Inkscape and Word.
FONT = "Arial, Helvetica, 'Liberation Sans', sans-serif"


# The trace types the charts draw (a test checks every chart). The template keeps plotly's
# simple_white styling for these only: the others' entries would travel in every figure sent to
# a page (about half its JSON) and cost the dashboard's start their validation.
TRACE_TYPES = ("bar", "box", "choropleth", "scatter")


def _template() -> go.layout.Template:
    base = json.loads(pkgutil.get_data("plotly", "package_data/templates/simple_white.json") or b"")
    base["data"] = {k: v for k, v in base["data"].items() if k in TRACE_TYPES}
    template = go.layout.Template(base)
    template.layout.update(
        colorway=PALETTE,
        font={"family": FONT, "size": 13, "color": "#222222"},
        title={"x": 0.0, "xanchor": "left", "font": {"size": 17}},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "title": None},
        hovermode="x unified",
        xaxis={"showgrid": False, "ticks": "outside"},
        yaxis={
            "showgrid": True,
            "gridcolor": "#e6e6e6",
            "zeroline": False,
            "separatethousands": True,
        },
        coloraxis={"colorscale": SEQUENTIAL},
        margin={"l": 60, "r": 20, "t": 110, "b": 90},
    )
    return template


def install() -> None:
    """Make the house template plotly's default (once per process; the app, the catalogue's
    render and the page figures call it). As the default, new figures take the template
    without the validating deep copy that `update_layout(template=...)` costs (about 10 ms a
    figure)."""
    if pio.templates.default == TEMPLATE:
        return
    pio.templates[TEMPLATE] = _template()
    pio.templates.default = TEMPLATE


# Exports read the base maps from here (set as plotly's default when the renderer starts: reading
# ``pio.defaults`` imports kaleido and its browser driver, which a dashboard start does not need).
TOPOJSON_URI = TOPOJSON_DIR.as_uri() + "/"

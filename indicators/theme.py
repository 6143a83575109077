"""One plotly template for the whole app and every export: colour-blind-safe, print-friendly."""

from __future__ import annotations

from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

# Base maps ship with the package so maps draw offline (plotly.js would fetch them from a CDN).
TOPOJSON_DIR = Path(__file__).parent / "static" / "topojson"
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
# Luminance rises monotonically, so maps read the same in greyscale and to colour-blind readers.
SEQUENTIAL = "Cividis"
REFERENCE = "#555555"
TEMPLATE = "indicators"
# Fonts every system has, so SVG exports open the same in Inkscape and Word.
FONT = "Arial, Helvetica, 'Liberation Sans', sans-serif"


def _template() -> go.layout.Template:
    template = go.layout.Template(pio.templates["simple_white"])
    template.layout.update(
        colorway=OKABE_ITO,
        font={"family": FONT, "size": 13, "color": "#222222"},
        title={"x": 0.0, "xanchor": "left", "font": {"size": 17}},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "title": None},
        hovermode="x unified",
        xaxis={"showgrid": False, "ticks": "outside"},
        yaxis={"showgrid": True, "gridcolor": "#e6e6e6", "zeroline": False},
        coloraxis={"colorscale": SEQUENTIAL},
        margin={"l": 60, "r": 20, "t": 110, "b": 90},
    )
    return template


pio.templates[TEMPLATE] = _template()
# As the default, new figures take the template without the validating deep copy that
# `update_layout(template=...)` costs (about 10 ms a figure).
pio.templates.default = TEMPLATE
pio.defaults.topojson = TOPOJSON_DIR.as_uri() + "/"

"""Reference lines (targets, thresholds): their labels sit clear of the data as it is drawn."""

from __future__ import annotations

import plotly.graph_objects as go

from indicators import figures


def label_side(log: bool) -> str:
    fig = go.Figure(go.Scatter(x=[2010, 2011, 2024, 2025], y=[10, 0.1, 10, 0.1]))
    figures.reference_lines(fig, [("2% target", 2.0)], log=log)
    return str(next(a for a in fig.layout.annotations if a.text == "2% target").yanchor)


def test_on_a_log_axis_the_label_takes_the_side_with_more_room_in_decades():
    """Data at 10 above a 2% line and at 0.1 below it: 8 points above against 1.9 below on a
    linear axis, but 0.7 of a decade above against 1.3 below as a log axis draws them."""
    assert label_side(log=False) == "bottom"  # the label sits above the line: yanchor bottom
    assert label_side(log=True) == "top"  # below the line, where the log axis leaves room

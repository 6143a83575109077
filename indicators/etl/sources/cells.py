"""Cell helpers shared by the spreadsheet readers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def is_blank(value: object) -> bool:
    """True for an empty cell: NaN, None, pandas' missing marks, or only whitespace."""
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, float | np.floating):
        return math.isnan(value)
    return value is None or value is pd.NA or value is pd.NaT


def text(value: object) -> str:
    """A cell as stripped text; '' for a blank cell."""
    return "" if is_blank(value) else str(value).strip()


def blank_mask(frame: pd.DataFrame) -> pd.DataFrame:
    """``is_blank`` over a whole grid at once (the price workbook has 280,000 cells)."""
    text = frame.astype(str).apply(lambda column: column.str.strip().eq(""))
    return frame.isna() | text

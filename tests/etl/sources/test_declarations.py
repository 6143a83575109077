"""Every format's declaration is complete: what the release review and strict reading read."""

from __future__ import annotations

import pytest

from indicators.etl import sources
from indicators.metrics import diff


@pytest.mark.parametrize("fmt", sources.FORMATS, ids=lambda f: f.source)
def test_every_value_column_a_format_fills_has_a_plausible_move(fmt, tables):
    """Checked on the real files: each value column the format's rows fill in the published
    tables has its declared move (WDI fills value_pct only, never users_millions)."""
    for table in fmt.tables:
        if table not in diff.comparable_tables():
            continue
        rows = tables.get(table)
        rows = rows[rows["source"] == fmt.source]
        assert len(rows), (fmt.source, table)
        filled = {c for c in diff.value_columns(table) if rows[c].notna().any()}
        assert filled <= set(fmt.moves), (fmt.source, table)
    for move in fmt.moves.values():
        assert (move.points is None) != (move.factor is None)


@pytest.mark.parametrize("fmt", sources.FORMATS, ids=lambda f: f.source)
def test_names_and_country_lists_point_at_frames_the_formats_return(fmt):
    if fmt.names is not None:
        assert fmt.names in fmt.tables
    if fmt.country_list is not None:
        source, frame = fmt.country_list
        assert frame in sources.BY_SOURCE[source].tables


@pytest.mark.parametrize(
    "vocab", [v for f in sources.FORMATS for v in f.vocabularies], ids=lambda v: v.column
)
def test_each_vocabulary_takes_its_own_values_and_nothing_else(vocab):
    assert vocab.values and vocab.column
    assert all(vocab.allows(value) for value in vocab.values)
    assert vocab.allows("") == vocab.blank
    for outside in ("Yes", "1 ", "n.a.", "Other"):
        if outside.strip().lower() not in {v.lower() for v in vocab.values}:
            assert not vocab.allows(outside), (vocab.column, outside)


def test_the_formats_with_coded_columns_declare_their_vocabularies():
    declared = {f.source for f in sources.FORMATS if f.vocabularies}
    assert declared == {"m49", "wdi_meta", "itu_prices", "itu_aggregates", "itu_gender_country"}

"""Each table's model: the published table passes it; a broken copy fails it with a report
that names the column and the check."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest

from indicators.contract import schemas


@pytest.mark.parametrize("name", list(schemas.MODELS))
def test_the_published_table_passes_its_model(tables, name):
    frame = tables.get(name)
    assert frame is not None and len(frame) > 0
    schemas.MODELS[name].validate(frame, lazy=True)


@pytest.mark.parametrize("name", list(schemas.MODELS))
def test_a_duplicated_key_fails_with_the_key_named(tables, name):
    frame = tables.get(name)
    doubled = pd.concat([frame, frame.head(1)], ignore_index=True)
    with pytest.raises(pa.errors.SchemaErrors) as failure:
        schemas.MODELS[name].validate(doubled, lazy=True)
    cases = failure.value.failure_cases
    assert set(schemas.unique_key(name)) <= set(cases["column"].dropna())


def test_a_value_out_of_range_fails_with_its_column_and_check(tables):
    frame = tables.get("internet_use").copy()
    frame.loc[frame.index[0], "value_pct"] = 130.0
    with pytest.raises(pa.errors.SchemaErrors) as failure:
        schemas.InternetUse.validate(frame, lazy=True)
    cases = failure.value.failure_cases
    row = cases[cases["column"] == "value_pct"].iloc[0]
    assert "less_than_or_equal_to(100" in str(row["check"]) and row["failure_case"] == 130.0


def test_every_model_declares_its_table_name_and_key():
    for name, model in schemas.MODELS.items():
        assert model.Config.name == name
        assert set(schemas.unique_key(name)) <= set(schemas.columns(name))

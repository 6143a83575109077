"""The declarations are complete: every chart has a topic, a label, a value column and unit,
labelled columns and choices, and a deep link that lands on its view; every example spec works."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from indicators.catalogue import charts, queries, topic
from indicators.figures import theme
from indicators.outputs import pack

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.*"))
SPECS = charts.catalogue()


def test_every_chart_is_shown_by_exactly_one_topic_panel():
    shown = Counter(chart for t in topic.all_topics() for _, chart in t.panels)
    assert set(shown) == {s.id for s in SPECS}
    assert all(n == 1 for n in shown.values()), shown
    prefixes = [p for t in topic.all_topics() for p, _ in t.panels]
    assert len(prefixes) == len(set(prefixes))


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_chart_declares_its_label_value_unit_and_columns(tables, spec):
    assert spec.title and spec.description and spec.unit
    assert spec.value, f"{spec.id} declares no value column"
    chart = charts.render(spec.id, tables)
    value = spec.value_column(chart.meta["params"])
    assert value in chart.data.columns, (spec.id, value, list(chart.data.columns))
    assert chart.meta["value_column"] == value
    unlabelled = [
        c for c in chart.data.columns if c not in spec.columns and c not in queries.COLUMN_LABELS
    ]
    assert not unlabelled, f"{spec.id}: no table heading for {unlabelled}"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_chart_draws_only_trace_types_the_template_styles(tables, spec):
    figure = charts.render(spec.id, tables).figure
    drawn = {trace.type for trace in figure.data}
    assert drawn <= set(theme.TRACE_TYPES), f"{spec.id}: add {drawn - set(theme.TRACE_TYPES)}"
    styled = set(figure.layout.template.data.to_plotly_json())
    assert styled and styled <= set(theme.TRACE_TYPES), styled  # no other types travel


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_fixed_choices_have_labels(tables, spec):
    for param in spec.params:
        if param.kind != "choice" or callable(param.choices) or param.choices is None:
            continue
        names = queries.names(tables)
        missing = [v for v in param.options(tables) if v not in param.labels and v not in names]
        assert not missing, f"{spec.id}.{param.name}: no label for {missing}"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_chart_has_a_deep_link_that_lands_on_its_view(tables, spec):
    home = topic.for_chart(spec.id)
    defaults = charts.resolve(spec, tables, {}, strict=True)
    # A non-default value where there is one, so the link really sets the view.
    changed = dict(defaults)
    for param in spec.params:
        options = param.options(tables, defaults if param.within else None)
        others = [o for o in options if o != defaults[param.name]]
        if others and param.kind == "choice" and param.name != "edition":
            changed[param.name] = others[0]
            break
    href = home.link(spec.id, changed)
    parts = urlsplit(href)
    assert parts.path == home.path
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    prefix = home.prefix_of(spec.id)
    given = {k.split(".", 1)[1]: v for k, v in query.items() if k.startswith(f"{prefix}.")}
    assert len(given) == len(query)
    notices: list[str] = []
    landed = charts.resolve(spec, tables, given, strict=False, notices=notices)
    assert notices == [] and landed == charts.resolve(spec, tables, changed, strict=True)


def test_claim_metrics_are_linked_by_a_topic(tables):
    metrics = set(tables.get("claims")["metric"])
    linked = {m for t in topic.all_topics() for m in t.claim_links}
    assert metrics <= linked


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_spec_still_renders(tables, path):
    spec = pack.load_spec(path)
    rendered = pack.render_entries(spec, tables)
    assert len(rendered) == len(spec.entries) > 0
    for _, chart in rendered:
        assert not chart.data.empty


def test_a_renamed_parameter_keeps_its_old_name(tables):
    spec = charts.REGISTRY["internet_compare"]
    renamed = charts.ChartSpec(
        spec.id,
        spec.title,
        spec.description,
        tuple(
            charts.Param(**{**p.__dict__, "name": "economies", "aliases": ("entities",)})
            if p.name == "entities"
            else p
            for p in spec.params
        ),
        lambda t, p: spec.build(t, {**p, "entities": p["economies"]}),
    )
    old = charts.resolve(renamed, tables, {"entities": "WLD,KEN"}, strict=True)
    assert old["economies"] == ["WLD", "KEN"]
    both = charts.resolve(renamed, tables, {"entities": "WLD", "economies": "KEN"}, strict=True)
    assert both["economies"] == ["KEN"]  # the current name wins

"""The declarations are complete: every topic module declares a topic; every chart a query, a
pure figure, a finding, a value column and unit, labelled columns and choices, reference images
and a deep link that lands on its view; every claim metric a unit and a link; every fact table a
source that feeds it; every example spec works."""

from __future__ import annotations

import pkgutil
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from indicators import catalogue, topics
from indicators.catalogue import charts, queries
from indicators.contract import schemas
from indicators.dashboard import claims_view
from indicators.etl import build, sources
from indicators.figures import theme
from indicators.outputs import pack

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.*"))
REFERENCES = ROOT / "tests" / "reference"
SPECS = list(catalogue.load().charts.values())


def test_every_topic_module_is_discovered():
    """No hand-kept list: each module of indicators.topics is a topic of the catalogue."""
    modules = {info.name for info in pkgutil.iter_modules(topics.__path__)}
    declared = {t.key for t in catalogue.topics()}
    assert len(declared) == len(modules) >= 4
    assert [t.order for t in catalogue.topics()] == sorted(t.order for t in catalogue.topics())


def test_every_chart_is_shown_by_exactly_one_topic_panel():
    shown = [spec.id for t in catalogue.topics() for _, spec in t.panels]
    assert sorted(shown) == sorted(s.id for s in SPECS)
    assert len(shown) == len(set(shown))
    assert all(catalogue.topic_of(s.id).prefix_of(s.id) for s in SPECS)


def test_a_chart_declared_twice_is_refused():
    """Two topics claiming one chart id (or one panel prefix) stop the catalogue, naming both."""
    first = catalogue.topics()[0]
    twin = replace(first, key="twin", path="/twin", panels=first.panels[:1])
    with pytest.raises(catalogue.CatalogueError, match="declared by internet and twin"):
        catalogue.build([first, twin])


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_chart_declares_query_figure_finding_label_value_unit_and_columns(tables, spec):
    assert callable(spec.query) and callable(spec.figure) and callable(spec.finding.state)
    assert spec.title and spec.description and spec.unit
    assert spec.value, f"{spec.id} declares no value column"
    chart = catalogue.render(spec.id, tables)
    assert chart.finding and chart.kind != "Chart"
    value = spec.value_column(chart.meta["params"])
    assert value in chart.data.columns, (spec.id, value, list(chart.data.columns))
    assert chart.meta["value_column"] == value
    unlabelled = [
        c for c in chart.data.columns if c not in spec.columns and c not in queries.COLUMN_LABELS
    ]
    assert not unlabelled, f"{spec.id}: no table heading for {unlabelled}"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_chart_has_a_reference_image_at_every_size(spec):
    missing = [s for s in pack.SIZES if not (REFERENCES / f"{spec.id}-{s}.png").exists()]
    assert not missing, f"{spec.id}: no reference image for {missing}"


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_the_query_frame_carries_its_source_line(tables, spec):
    """The pure figure captions the frame it is given: the query hands it the source line."""
    resolved = charts.resolve(spec, tables, {}, strict=True)
    frame = spec.query(tables, resolved)
    assert queries.source_of(frame) == queries.source_line(tables, resolved["edition"])


@pytest.mark.parametrize("spec", SPECS, ids=lambda s: s.id)
def test_chart_draws_only_trace_types_the_template_styles(tables, spec):
    figure = catalogue.render(spec.id, tables).figure
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
    home = catalogue.topic_of(spec.id)
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


def test_every_claim_metric_has_a_table_a_unit_and_a_link_that_lands_on_a_topic(tables):
    metrics = catalogue.claim_metrics()
    claimed = tables.get("claims")
    assert set(claimed["metric"]) <= set(metrics)
    paths = {t.path for t in catalogue.topics()}
    for metric in metrics.values():
        assert metric.table in schemas.MODELS and isinstance(metric.unit, str)
    for row in claimed.to_dict("records"):
        href = claims_view.claim_href(row, claims_view.claim_specs().get(row["claim_id"]))
        assert urlsplit(href).path in paths, (row["claim_id"], href)


def test_claim_values_read_in_the_unit_their_topic_declares():
    assert claims_view.format_value(4.0, "ratio", ">") == "more than 4×"
    assert claims_view.format_value(2.6, "offline_billions") == "2.6 billion"
    assert claims_view.format_value(28, "count_meeting") == "28 economies"


def test_every_fact_table_has_a_schema_and_a_source_that_feeds_it():
    """A model in the contract that no format feeds would never be published: the build
    refuses it. Every table a format feeds that has a model is published."""
    assert build.unfed_tables() == []
    fed = {t for fmt in sources.FORMATS for t in fmt.tables}
    assert set(build.fact_tables()) <= fed
    assert set(build.fact_tables()) | set(build.BUILT) == set(schemas.MODELS)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_spec_still_renders(tables, path):
    spec = pack.load_spec(path)
    rendered = pack.render_entries(spec, tables)
    assert len(rendered) == len(spec.entries) > 0
    for _, chart in rendered:
        assert not chart.data.empty


def test_a_renamed_parameter_keeps_its_old_name(tables):
    spec = catalogue.chart("internet_compare")
    renamed = replace(
        spec,
        params=tuple(
            charts.Param(**{**p.__dict__, "name": "economies", "aliases": ("entities",)})
            if p.name == "entities"
            else p
            for p in spec.params
        ),
    )
    old = charts.resolve(renamed, tables, {"entities": "WLD,KEN"}, strict=True)
    assert old["economies"] == ["WLD", "KEN"]
    both = charts.resolve(renamed, tables, {"entities": "WLD", "economies": "KEN"}, strict=True)
    assert both["economies"] == ["KEN"]  # the current name wins

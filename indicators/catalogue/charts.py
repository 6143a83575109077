"""What a chart declaration is made of: parameters, their resolution, and the chart itself.

A chart is an id, its parameters (with their choices and defaults), a query of the published
tables, a figure that is a pure function of the query's frame, and the finding it states. Topic
modules declare their charts with these; :mod:`indicators.catalogue` collects them, and the
dashboard pages and the export command both render through it, so a figure downloaded from a
page and one written by an export are the same figure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from indicators.catalogue import queries
from indicators.catalogue.errors import ParamError
from indicators.contract.store import Tables
from indicators.etl import sources
from indicators.figures import Chart

Choices = Sequence[Any] | Callable[[Tables], Sequence[Any]]
# Choices that depend on the other parameters' values (an entity picker on its edition).
ScopedChoices = Callable[[Tables, dict[str, Any]], Sequence[Any]]


@dataclass(frozen=True)
class Param:
    """One chart parameter: its kind (choice, multi, int), choices and default.

    ``within`` narrows the choices to what the other parameters allow (the entities, years or
    groupings of the chosen edition); ``aliases`` are former names still accepted in links and
    specs; ``max_items`` caps a multi choice (more series than colours would repeat colours);
    ``labels`` says how fixed choices read in a control. ``fallback`` says which choice stands
    in when the default is not among them (``last``: the newest year of a span), unless
    ``stand_ins`` names a counterpart that is. A ``view_only`` parameter changes how the page
    offers choices (a picker's order), not the chart.
    """

    name: str
    label: str
    default: Any
    choices: Choices | None = None
    kind: str = "choice"
    help: str = ""
    within: ScopedChoices | None = None
    aliases: tuple[str, ...] = ()
    max_items: int | None = None
    labels: dict[Any, str] = field(default_factory=dict)  # how each choice reads to a person
    fallback: str = "first"
    view_only: bool = False
    # value -> the values that stand in for it, in order, where a context lacks it (High income
    # for Developed countries in an edition without the development split).
    stand_ins: dict[Any, tuple[Any, ...]] = field(default_factory=dict)

    def options(self, tables: Tables, context: dict[str, Any] | None = None) -> list[Any]:
        """The allowed values, given the data at hand (and the other values, if given)."""
        if self.within is not None and context is not None:
            return list(self.within(tables, context))
        if self.choices is None:
            return []
        return list(self.choices(tables) if callable(self.choices) else self.choices)

    def default_for(self, tables: Tables, context: dict[str, Any] | None = None) -> Any:
        """The default, resolved against the data (callables pick e.g. the newest edition).

        Where the choices depend on the other values and the usual default is not among them,
        the first choice (or, for a multi choice, the defaults that are) stands in.
        """
        value = self.default(tables) if callable(self.default) else self.default
        if self.within is None or context is None:
            return value
        options = self.options(tables, context)
        if not options:
            return value
        if self.kind == "multi":
            kept = [self.stand_in(v, options) or v for v in value]
            return list(dict.fromkeys(v for v in kept if v in options)) or options[:1]
        if value in options:
            return value
        stand_in = self.stand_in(value, options)
        if stand_in is not None:
            return stand_in
        return options[-1] if self.fallback == "last" else options[0]

    def stand_in(self, value: Any, options: Sequence[Any]) -> Any:
        """The first declared counterpart of a value that is among the options, or None."""
        return next((v for v in self.stand_ins.get(value, ()) if v in options), None)


def edition_param(editions: queries.EditionChoices) -> Param:
    """The edition control: the table's editions, the newest by default."""
    return Param("edition", "Edition", editions.newest, editions.options)


def grouping_param(
    editions: queries.EditionChoices,
    default: str = "income",
    stand_ins: dict[Any, tuple[Any, ...]] | None = None,
) -> Param:
    """The grouping control: the groupings offered that have a group in the chosen edition."""
    return Param(
        "grouping",
        "Grouping",
        default,
        list(editions.groupings),
        within=editions.groupings_in,
        labels=queries.GROUPING_LABELS,
        stand_ins=stand_ins or {},
    )


# (tables, values) -> the frame a chart draws, with its source line in ``frame.attrs``.
Query = Callable[[Tables, dict[str, Any]], pd.DataFrame]
# (frame, values) -> the finished chart: a pure function, testable on a few hand-written rows.
Figure = Callable[[pd.DataFrame, dict[str, Any]], Chart]
# (plotted frame, values) -> the chart's key finding in one sentence.
State = Callable[[pd.DataFrame, dict[str, Any]], str]


@dataclass(frozen=True)
class Finding:
    """How a chart states its key finding, and what kind of chart it is (for alt text).

    ``headline`` says the same message in one short line (about 70 characters, the numbers
    first, the year last): the action title of the chart's slide."""

    kind: str | Callable[[dict[str, Any]], str]  # "Line chart", or one that depends on values
    state: State
    headline: State | None = None

    def kind_of(self, params: dict[str, Any]) -> str:
        return self.kind(params) if callable(self.kind) else self.kind

    def of(self, data: pd.DataFrame, params: dict[str, Any]) -> str:
        """The sentence for a plotted frame ('' for a frame without the rows it needs)."""
        return _stated(self.state, data, params)

    def headline_of(self, data: pd.DataFrame, params: dict[str, Any]) -> str:
        """The headline for a plotted frame ('' when none is declared or it cannot be said)."""
        return _stated(self.headline, data, params) if self.headline else ""


def _stated(state: State | None, data: pd.DataFrame, params: dict[str, Any]) -> str:
    if state is None or data.empty:
        return ""
    try:
        return state(data, params)
    except (KeyError, IndexError, ValueError):
        # A frame without the rows a finding needs (one group only) gets no sentence rather
        # than a wrong one.
        return ""


@dataclass(frozen=True)
class NamedView:
    """A view of a chart one click away, named for what it shows ('Developed vs developing:
    ITU key ICT indicators, Oct 2019, the last edition with this split'). ``make`` derives the
    name and the values it sets from the data, or None where the data have no such view."""

    make: Callable[[Tables], tuple[str, dict[str, Any]] | None]


@dataclass(frozen=True)
class ChartSpec:
    """A chart: its parameters, query, pure figure and finding.

    ``ranges`` pairs parameters that bound a span (start year, end year): a reversed pair is put
    the right way round before the chart and the controls see it. ``value`` names the column
    holding the plotted value (``{unit}`` and other parameters are filled in), ``unit`` says
    what it is measured in, and ``columns`` labels the chart's own columns (with units) for
    tables; shared columns are labelled in ``queries.COLUMN_LABELS``. ``explore`` declares the
    explorer controls the chart offers (see ``explore.Explore``); the catalogue adds their
    parameters.
    """

    id: str
    title: str
    description: str
    params: tuple[Param, ...]
    query: Query
    figure: Figure
    finding: Finding
    tables: tuple[str, ...] = field(default_factory=tuple)
    ranges: tuple[tuple[str, str], ...] = ()
    value: str | Callable[[dict[str, Any]], str] = ""
    unit: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    explore: Any = None  # an explore.Explore, or None
    views: tuple[NamedView, ...] = ()  # views one click away, beside the controls

    def value_column(self, params: dict[str, Any]) -> str:
        """The value column for these parameter values."""
        return self.value(params) if callable(self.value) else self.value.format(**params)

    def build(self, tables: Tables, params: dict[str, Any]) -> Chart:
        """The chart for resolved values: the query's frame drawn by the pure figure."""
        return self.figure(self.query(tables, params), params)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _quoted(value: Any) -> str:
    """A value someone typed, as a notice quotes it (short, no Python repr)."""
    text = ",".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
    text = " ".join(text.split())
    return f"“{text[:40]}…”" if len(text) > 40 else f"“{text}”"


def value_text(param: Param, value: Any, tables: Tables) -> str:
    """A value as the page names it: a choice's label, an edition's title, an entity's name,
    a list of them, a year."""
    if isinstance(value, list | tuple):
        return ", ".join(value_text(param, v, tables) for v in value)
    if value in param.labels:
        return param.labels[value]
    text = str(value)
    if "@" in text:
        source, _, vintage = text.partition("@")
        return sources.edition_title(source, vintage)
    return queries.names(tables).get(text) or text.replace("_", " ")


def years_text(years: Sequence[Any]) -> str:
    """A set of years as a span ('2005-2024'), or as a short list where it has gaps."""
    ordered = sorted(int(y) for y in years)
    if not ordered:
        return "no year"
    if ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{ordered[0]}-{ordered[-1]}" if len(ordered) > 1 else str(ordered[0])
    shown = ", ".join(map(str, ordered[:6]))
    return shown + (f" ... {ordered[-1]}" if len(ordered) > 6 else "")


def _as_list(value: Any) -> list[Any]:
    """A multi value from a link ('A,B'), a spec or a control (a list); anything else fails."""
    if isinstance(value, str):
        return [v.strip() for v in value.split(",")]
    if isinstance(value, list | tuple):
        return list(value)
    raise ParamError(f"expected a list, got {_show(value)}")


def _not_one_of(param: Param, value: Any, options: list[Any], where: str) -> ParamError:
    """The error for a value outside its choices (long lists are not printed in full)."""
    if len(options) > 40:
        return ParamError(
            f"{param.name}={_show(value)} is not available{where} "
            f"({len(options)} choices, e.g. {', '.join(map(str, options[:5]))})"
        )
    return ParamError(f"{param.name}={_show(value)} is not one of {options}{where}")


def _check(param: Param, value: Any, options: list[Any], where: str = "") -> tuple[Any, list[str]]:
    """A value checked against its choices: (value, what was dropped from a multi choice).

    Raises ParamError naming the parameter when nothing usable is left.
    """
    if param.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int | str | float):
            raise ParamError(f"{param.name}: {_show(value)} is not a year")
        try:
            number = int(str(value).strip())
        except ValueError as exc:
            raise ParamError(f"{param.name}: {_show(value)} is not a year") from exc
        if options and number not in options:
            raise _not_one_of(param, number, options, where)
        return number, []
    if param.kind == "multi":
        values = _as_list(value)
        bad = [v for v in values if not isinstance(v, str) or (options and v not in options)]
        kept = list(dict.fromkeys(v for v in values if v not in bad and v != ""))
        dropped = [str(v) for v in bad if v != ""]
        if not kept:
            shown = [v[:40] for v in dropped[:10]] or "empty"
            raise ParamError(f"{param.name}: {shown} not among the choices{where}")
        if param.max_items and len(kept) > param.max_items:
            dropped += kept[param.max_items :]
            kept = kept[: param.max_items]
        return kept, dropped
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ParamError(f"{param.name}: {_show(value)} is not a choice")
    if options and value not in options:
        raise _not_one_of(param, value, options, where)
    return value, []


def _reset_notice(
    param: Param,
    value: Any,
    shown: Any,
    tables: Tables,
    context: dict[str, Any] | None,
) -> str:
    """What the page says when a value could not be used, in the page's own words: what was
    asked, why it is not there, and what is shown instead."""
    instead = value_text(param, shown, tables)
    edition = _edition_text(context)
    everywhere = param.options(tables, None) if param.within is not None else []
    if param.kind == "int" and isinstance(value, int | str) and str(value).strip().isdigit():
        span = years_text(param.options(tables, context))
        where = f"{edition}, which covers {span}" if edition else span
        return f"{param.label}: {str(value).strip()} is not a year of {where}; showing {instead}."
    if isinstance(value, str) and value.partition("@")[0] in sources.BY_SOURCE:
        why = "is not published here" if param.name == "edition" else "has nothing to draw here"
        return f"{value_text(param, value, tables)} {why}; showing {instead}."
    known = isinstance(value, str | int) and value in (everywhere or param.options(tables, None))
    if known and edition:
        return f"{value_text(param, value, tables)} is not in {edition}; showing {instead}."
    return f"{param.label}: {_quoted(value)} is not one of the choices; showing {instead}."


def _edition_text(context: dict[str, Any] | None) -> str:
    """The chosen edition as the page names it ('' when the choices do not depend on it)."""
    if not context or not context.get("edition"):
        return ""
    source, _, vintage = str(context["edition"]).partition("@")
    return sources.edition_title(source, vintage)


def _given(spec: ChartSpec, given: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The given values keyed by current parameter names (former names accepted), and the
    names that are not parameters of the chart."""
    names = {p.name: p.name for p in spec.params}
    names.update({alias: p.name for p in spec.params for alias in p.aliases})
    out: dict[str, Any] = {}
    unknown = []
    for key, value in given.items():
        if key not in names:
            unknown.append(str(key))
        elif key == names[key]:
            out[key] = value  # the current name wins over a former one
        else:
            out.setdefault(names[key], value)
    return out, unknown


@dataclass(frozen=True)
class Resolution:
    """Every parameter's value, which given values were used (kept, wholly or in part), and
    a sentence in the page's words for each value that could not be used."""

    values: dict[str, Any]
    kept: frozenset[str]
    notices: tuple[str, ...]


def resolve(
    spec: ChartSpec,
    tables: Tables,
    given: dict[str, Any],
    strict: bool,
    notices: list[str] | None = None,
) -> dict[str, Any]:
    """Every parameter of a chart: the given value if valid, else the default (or ParamError).

    Lenient resolution keeps the valid values of a partly bad list and appends to ``notices``
    a sentence naming each value it reset, so a page can say what it changed.
    """
    found = resolution(spec, tables, given, strict)
    if notices is not None:
        notices.extend(found.notices)
    return found.values


def resolution(
    spec: ChartSpec, tables: Tables, given: dict[str, Any], strict: bool = False
) -> Resolution:
    """Resolve a chart's parameters from the given values: given values where valid (or the
    valid part of a list); for the rest, defaults derived from the data and the other values,
    a declared stand-in replacing a value the context lacks."""
    values, unknown = _given(spec, given)
    if unknown and strict:
        raise ParamError(
            f"unknown parameter(s) {sorted(unknown)} for chart {spec.id}; "
            f"expected {[p.name for p in spec.params]}"
        )
    notices: list[str] = []
    if unknown:
        names = ", ".join(_quoted(u) for u in sorted(unknown)[:5])
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        notices.append(f"Ignored settings this chart does not have: {names}{more}.")
    out: dict[str, Any] = {}
    kept: set[str] = set()
    # Parameters whose choices depend on others come last, so their context is resolved.
    for param in sorted(spec.params, key=lambda p: p.within is not None):
        context = out if param.within is not None else None
        value = values.get(param.name)
        if value is None or value == "" or value == []:
            out[param.name] = param.default_for(tables, context)
            continue
        where = _where(context)
        options = param.options(tables, context)
        try:
            out[param.name], dropped = _check(param, value, options, where)
        except ParamError:
            if strict:
                raise
            stand_in = param.stand_in(value, options) if isinstance(value, str) else None
            out[param.name] = (
                stand_in if stand_in is not None else param.default_for(tables, context)
            )
            notices.append(_reset_notice(param, value, out[param.name], tables, context))
            continue
        kept.add(param.name)
        if dropped:
            if strict:
                raise ParamError(
                    f"{param.name}: {', '.join(dropped[:10])} not available{where}"
                    + (f" (at most {param.max_items})" if param.max_items else "")
                )
            notices.append(_dropped_notice(param, dropped, tables, context))
    _order_ranges(spec, out, notices)
    ordered = {p.name: out[p.name] for p in spec.params}
    return Resolution(ordered, frozenset(kept), tuple(notices))


def _where(context: dict[str, Any] | None) -> str:
    """' in <edition>' for choices that depend on the chosen edition."""
    if not context or not context.get("edition"):
        return ""
    source, _, vintage = str(context["edition"]).partition("@")
    return f" in {sources.edition_title(source, vintage)}"


def _dropped_notice(
    param: Param, dropped: list[str], tables: Tables, context: dict[str, Any] | None
) -> str:
    """What a partly usable list lost, named as the page names it."""
    known = set(param.options(tables, None))
    dropped = list(dict.fromkeys(dropped))  # a value a link repeats is named once
    names = [value_text(param, v, tables) if v in known else _quoted(v) for v in dropped[:6]]
    more = f" and {len(dropped) - 6} more" if len(dropped) > 6 else ""
    edition = _edition_text(context)
    why = f"not in {edition}" if edition else "not among the choices"
    if param.max_items and all(v in known for v in dropped):
        why += f", or more than the {param.max_items} a chart can draw"
    return f"{param.label}: left out {', '.join(names)}{more} ({why})."


def _order_ranges(spec: ChartSpec, values: dict[str, Any], notices: list[str] | None) -> None:
    """Swap a reversed span (From after To) so controls and chart agree."""
    for low, high in spec.ranges:
        a, b = values.get(low), values.get(high)
        if isinstance(a, int) and isinstance(b, int) and a > b:
            values[low], values[high] = b, a
            if notices is not None:
                notices.append(f"The years were given the wrong way round; showing {b}-{a}.")

"""The chart catalogue: every chart the dashboard shows and `indicators export` writes.

A chart is an id, its parameters (with their choices and defaults) and a function of the
processed tables and those parameters that returns a :class:`~indicators.figures.Chart`. The
dashboard pages and the export command both call :func:`render`, so a figure downloaded from a
page and one written by an export are the same figure.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd

from indicators.figures import Chart


class Tables(Protocol):
    """Read access to the published tables (``store.TableCache`` provides it)."""

    def get(self, name: str) -> pd.DataFrame | None: ...

    def metadata(self, name: str) -> dict[str, Any]: ...


class ParamError(ValueError):
    """A parameter value outside its choices; names the parameter and the choices."""


class NoData(LookupError):
    """The tables hold no data for what was asked; the message says which command builds it."""


Choices = Sequence[Any] | Callable[[Tables], Sequence[Any]]


@dataclass(frozen=True)
class Param:
    """One chart parameter: its kind (choice, multi, int), choices and default."""

    name: str
    label: str
    default: Any
    choices: Choices | None = None
    kind: str = "choice"
    help: str = ""

    def options(self, tables: Tables) -> list[Any]:
        """The allowed values, given the data at hand."""
        if self.choices is None:
            return []
        return list(self.choices(tables) if callable(self.choices) else self.choices)

    def default_for(self, tables: Tables) -> Any:
        """The default, resolved against the data (callables pick e.g. the newest edition)."""
        return self.default(tables) if callable(self.default) else self.default


@dataclass(frozen=True)
class ChartSpec:
    """A chart in the catalogue."""

    id: str
    title: str
    description: str
    params: tuple[Param, ...]
    build: Callable[[Tables, dict[str, Any]], Chart]
    tables: tuple[str, ...] = field(default_factory=tuple)


REGISTRY: dict[str, ChartSpec] = {}


def register(spec: ChartSpec) -> ChartSpec:
    """Add a chart to the catalogue."""
    REGISTRY[spec.id] = spec
    return spec


def _coerce(param: Param, value: Any, tables: Tables, strict: bool) -> Any:
    """Check one value against its parameter; on failure raise (strict) or use the default."""
    try:
        if param.kind == "int":
            value = int(value)
            options = param.options(tables)
            if options and value not in options:
                raise ParamError(f"{param.name}={value!r} is not one of {options}")
            return value
        if param.kind == "multi":
            values = value.split(",") if isinstance(value, str) else list(value)
            options = param.options(tables)
            bad = [v for v in values if options and v not in options]
            if bad or not values:
                raise ParamError(f"{param.name}: {bad or 'empty'} not among the choices")
            return values
        options = param.options(tables)
        if options and value not in options:
            raise ParamError(f"{param.name}={value!r} is not one of {options}")
        return value
    except (ValueError, TypeError) as exc:
        if strict:
            raise ParamError(str(exc)) from exc
        return param.default_for(tables)


def resolve(spec: ChartSpec, tables: Tables, given: dict[str, Any], strict: bool) -> dict[str, Any]:
    """Every parameter of a chart: the given value if valid, else the default (or ParamError)."""
    unknown = set(given) - {p.name for p in spec.params}
    if unknown and strict:
        raise ParamError(
            f"unknown parameter(s) {sorted(unknown)} for chart {spec.id}; "
            f"expected {[p.name for p in spec.params]}"
        )
    out = {}
    for param in spec.params:
        if param.name in given and given[param.name] not in (None, ""):
            out[param.name] = _coerce(param, given[param.name], tables, strict)
        else:
            out[param.name] = param.default_for(tables)
    return out


def render(
    chart_id: str, tables: Tables, params: dict[str, Any] | None = None, strict: bool = False
) -> Chart:
    """Build a chart from the tables. Lenient (page URLs) unless ``strict`` (report specs)."""
    catalogue()
    if chart_id not in REGISTRY:
        raise ParamError(f"unknown chart id {chart_id!r}; available: {sorted(REGISTRY)}")
    spec = REGISTRY[chart_id]
    resolved = resolve(spec, tables, params or {}, strict)
    chart = spec.build(tables, resolved)
    chart.meta.setdefault("chart", chart_id)
    chart.meta.setdefault("params", resolved)
    chart.meta.setdefault("edition", str(resolved.get("edition", "")))
    return chart


def catalogue() -> list[ChartSpec]:
    """All charts, in registration order (import the topic modules first)."""
    from indicators.charts import bandwidth, gender, internet, prices  # noqa: F401

    return list(REGISTRY.values())

"""A panel's view state: which values the reader chose, and which the page derives.

Each parameter of a chart is either *chosen* (set by the reader, or by the link they followed)
or *derived* (a default computed from the data and the chosen values: the edition's span of
years, its groups, its newest year). When a choice changes, every derived value is derived again
from the new choices, so a new edition brings its own years and groups; a chosen value is kept
if the new context has it, and otherwise replaced by its declared stand-in or the default, with
a notice in plain words naming both and an undo back to the choices before. Links carry only the
chosen values, so they stay short and stay valid when a newer edition is published.

No Dash here: :func:`from_link`, :func:`choose` and :func:`undo` are pure functions of the
chart's declaration, the tables and the previous state, and the tests drive them directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from indicators.catalogue.charts import ChartSpec, resolution
from indicators.contract.store import Tables


@dataclass(frozen=True)
class ViewState:
    """Every value of a panel, the ones the reader chose, what was replaced and how to undo."""

    values: dict[str, Any]
    chosen: dict[str, Any] = field(default_factory=dict)
    notices: tuple[str, ...] = ()
    undo: dict[str, Any] | None = None  # the choices before a value had to be replaced

    def stored(self) -> dict[str, Any]:
        """What the page keeps between requests: the choices and the undo."""
        return {"chosen": self.chosen, "undo": self.undo}


def _settle(spec: ChartSpec, tables: Tables, wanted: dict[str, Any]) -> ViewState:
    """Resolve the wanted choices; those the context cannot use stop being choices."""
    found = resolution(spec, tables, wanted)
    chosen = {name: found.values[name] for name in spec_order(spec, found.kept)}
    return ViewState(found.values, chosen, found.notices)


def spec_order(spec: ChartSpec, names: frozenset[str] | set[str]) -> list[str]:
    """Parameter names in the chart's declared order."""
    return [p.name for p in spec.params if p.name in names]


def from_link(spec: ChartSpec, tables: Tables, given: dict[str, Any]) -> ViewState:
    """The state a link opens: its valid values are the reader's choices; the rest derived."""
    return _settle(spec, tables, given)


def choose(
    spec: ChartSpec, tables: Tables, before: ViewState, changes: dict[str, Any]
) -> ViewState:
    """The reader set some controls: they join the choices, and every other value is derived
    again from them. A choice the new context lacks is replaced, said, and can be undone."""
    wanted = {**before.chosen, **changes}
    after = _settle(spec, tables, wanted)
    lost = [name for name in wanted if name not in after.chosen and name in _names(spec)]
    if not lost:
        return after
    return ViewState(after.values, after.chosen, after.notices, undo=dict(before.chosen))


def undo(spec: ChartSpec, tables: Tables, before: ViewState) -> ViewState:
    """Back to the choices before the last replacement."""
    if before.undo is None:
        return before
    return _settle(spec, tables, before.undo)


def restore(spec: ChartSpec, tables: Tables, stored: Any) -> ViewState:
    """The state a panel kept in the page (anything malformed counts as no choices)."""
    data = stored if isinstance(stored, dict) else {}
    names = _names(spec)

    def part(key: str) -> dict[str, Any] | None:
        found = data.get(key)
        return {k: v for k, v in found.items() if k in names} if isinstance(found, dict) else None

    state = _settle(spec, tables, part("chosen") or {})
    return ViewState(state.values, state.chosen, (), part("undo"))


def _names(spec: ChartSpec) -> set[str]:
    return {p.name for p in spec.params}

"""Helpers shared by the tests: reading Dash component trees, tables with rows taken out."""

from __future__ import annotations


def text_of(component) -> str:
    """Every string in a Dash component tree."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(text_of(c) for c in component)
    return text_of(getattr(component, "children", None))


def param_values(component) -> dict[tuple[str, str], object]:
    """(panel, param) -> value of every control in a Dash layout."""
    found, stack = {}, [component]
    while stack:
        node = stack.pop()
        if isinstance(node, list | tuple):
            stack.extend(node)
            continue
        ident = getattr(node, "id", None)
        if isinstance(ident, dict) and ident.get("type") == "param":
            found[(ident["panel"], ident["param"])] = node.value
        children = getattr(node, "children", None)
        if children is not None and not isinstance(children, str):
            stack.append(children)
    return found


class Without:
    """The real tables with some rows of one table taken out, to test empty selections."""

    def __init__(self, tables, name, drop):
        self.tables, self.name, self.drop = tables, name, drop

    def get(self, name):
        frame = self.tables.get(name)
        return frame[~self.drop(frame)] if name == self.name else frame

    def metadata(self, name):
        return self.tables.metadata(name)

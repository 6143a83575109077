"""Reading Dash component trees in tests that call page layouts directly."""

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

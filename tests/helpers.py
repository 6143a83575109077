"""Helpers shared by the tests: Dash component trees, tables with rows taken out, made-up
editions of the publishers' files."""

from __future__ import annotations


def prop(node, name: str):
    """A property of a component, or of a component as the browser receives it (a dict with
    its props: cached pages and views are kept that way)."""
    if isinstance(node, dict) and isinstance(node.get("props"), dict):
        return node["props"].get(name)
    return getattr(node, name, None)


def text_of(component) -> str:
    """Every string in a Dash component tree."""
    if component is None:
        return ""
    if isinstance(component, str | int | float):
        return str(component)
    if isinstance(component, list | tuple):
        return " ".join(text_of(c) for c in component)
    return text_of(prop(component, "children"))


def param_values(component) -> dict[tuple[str, str], object]:
    """(panel, param) -> value of every control in a Dash layout."""
    found, stack = {}, [component]
    while stack:
        node = stack.pop()
        if isinstance(node, list | tuple):
            stack.extend(node)
            continue
        ident = prop(node, "id")
        if isinstance(ident, dict) and ident.get("type") == "param":
            found[(ident["panel"], ident["param"])] = prop(node, "value")
        children = prop(node, "children")
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


WDI_JUL = "worldbank/API_IT.NET.USER.ZS_DS2_en_csv_v2_33086.csv"


def next_wdi(mirror, date="9/20/2026", world_2019="54.1") -> bytes:
    """A made-up next WDI edition: the Jul 2026 file with another date and a revised value."""
    text = (mirror / WDI_JUL).read_bytes().decode("utf-8-sig")
    assert "Last Updated Date,7/13/2026" in text
    text = text.replace("Last Updated Date,7/13/2026", f"Last Updated Date,{date}")
    lines = text.split("\r\n")
    world = next(i for i, line in enumerate(lines) if ",WLD," in line)
    cells = lines[world].split(",")
    cells[4 + 2019 - 1960] = world_2019
    lines[world] = ",".join(cells)
    return "\ufeff".encode() + "\r\n".join(lines).encode()


SOURCE = "Made-up publisher, test edition"


def rows(records, notes=(), names=None, **attrs):
    """A query's frame written by hand: the records, with the source line and notes a query
    attaches (``frame.attrs``), for testing a pure figure on a few rows."""
    import pandas as pd

    frame = pd.DataFrame(records)
    frame.attrs = {"source": SOURCE, "notes": tuple(notes), "names": dict(names or {}), **attrs}
    return frame


def drawn(chart):
    """Trace name -> {x: y} of a chart's line traces."""
    return {t.name: dict(zip(t.x, t.y, strict=True)) for t in chart.figure.data if t.x is not None}


def export_args(data_root, folder, spec_text: str, name: str = "spec.yaml"):
    """The arguments of `indicators export` for a spec written into ``folder`` (its output
    folder ``folder/out``, returned too)."""
    spec = folder / name
    spec.write_text(spec_text)
    out = folder / "out"
    return ["--data-dir", str(data_root), "export", str(spec), "--out", str(out)], out

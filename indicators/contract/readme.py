"""The README's generated sections: the processed-data contract (from the pandera models) and
the layout of the code (from the packages' and modules' own docstrings)."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

from indicators.contract import schemas

START = "<!-- contract:start -->"
END = "<!-- contract:end -->"
LAYOUT_START = "<!-- layout:start -->"
LAYOUT_END = "<!-- layout:end -->"
ROOT = Path(__file__).resolve().parents[2]
# Top-level entries of the repository the layout names, with what each is for.
TOP_LEVEL = {
    "app.py": None,  # its docstring
    "indicators/": None,
    "pages/": "the bespoke pages (Overview, Report check, What changed, Data & sources); the topic "
    "pages are registered from the topic declarations",
    "tests/": "pytest, mirroring the package; tests/browser drives the app in headless Chromium",
    "benchmarks/": "scripts that time and measure and print their figures",
    "deploy/": "nginx and gunicorn configuration for running the dashboard for a team",
    "examples/": "report figure specs for `indicators export`",
}
NAME_WIDTH = 24
WIDTH = 100


def _type(dtype: str, nullable: bool) -> str:
    base = dtype.split("[", 1)[0]
    return f"{base} (nullable)" if nullable else base


def markdown() -> str:
    """One section per table: its description, unique key and columns."""
    parts = []
    for name, model in schemas.MODELS.items():
        key = ", ".join(schemas.unique_key(name))
        doc = (model.__doc__ or "").strip()
        lines = [
            f"### `{name}.parquet`",
            "",
            f"{doc} Unique key: `{key}`.",
            "",
            "| column | type | unit | description |",
            "|---|---|---|---|",
        ]
        for row in schemas.describe(name).to_dict("records"):
            kind = _type(str(row["dtype"]), bool(row["nullable"]))
            lines.append(
                f"| `{row['column']}` | {kind} | {row['unit']} | "
                f"{row['title']}: {row['description']} |"
            )
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _summary(path: Path) -> str:
    """The first sentence of a module's docstring (a package's: its ``__init__``'s)."""
    source = path / "__init__.py" if path.is_dir() else path
    if not source.exists():
        return ""
    doc = ast.get_docstring(ast.parse(source.read_text())) or ""
    text = " ".join(doc.split())
    end = text.find(". ")
    return (text if end < 0 else text[: end + 1]).rstrip(".:")


def _entry(name: str, text: str, depth: int) -> list[str]:
    """One line (wrapped) of the tree: the name indented by depth, then what it is for."""
    label = "  " * depth + name
    pad = max(NAME_WIDTH, len(label) + 1)
    lines = textwrap.wrap(text, WIDTH - pad) or [""]
    first = f"{label.ljust(pad)}{lines[0]}".rstrip()
    return [first] + [" " * pad + line for line in lines[1:]]


def _package(folder: Path, depth: int) -> list[str]:
    """A package's modules and subpackages, each with its summary."""
    out: list[str] = []
    for path in sorted(folder.iterdir(), key=lambda p: (p.is_dir(), p.name)):
        if path.name.startswith(("_", ".")) or path.name == "__pycache__":
            continue
        if path.suffix == ".py":
            out += _entry(path.name, _summary(path), depth)
        elif path.is_dir() and (path / "__init__.py").exists():
            out += _entry(f"{path.name}/", _summary(path), depth)
            out += _package(path, depth + 1)
    return out


def layout(root: Path = ROOT) -> str:
    """The code's layout as a tree, each entry with its own docstring's first sentence."""
    lines: list[str] = []
    for name, text in TOP_LEVEL.items():
        path = root / name.rstrip("/")
        if not path.exists():
            continue
        lines += _entry(name, text or _summary(path), 0)
        if name == "indicators/":
            lines += _package(path, 1)
    return "```\n" + "\n".join(lines) + "\n```"


def _between(text: str, start: str, end: str, body: str) -> str:
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    return f"{head}{start}\n{body}\n{end}{tail}"


def replace_in(text: str) -> str:
    """``text`` with the generated sections (contract, layout) regenerated."""
    text = _between(text, START, END, markdown())
    if LAYOUT_START in text:
        text = _between(text, LAYOUT_START, LAYOUT_END, layout())
    return text

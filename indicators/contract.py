"""The processed-data contract as Markdown, generated from the pandera models (README section)."""

from __future__ import annotations

from indicators import schemas

START = "<!-- contract:start -->"
END = "<!-- contract:end -->"


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


def replace_in(text: str) -> str:
    """``text`` with the part between the contract markers regenerated."""
    head, _, rest = text.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{markdown()}\n{END}{tail}"


if __name__ == "__main__":
    from pathlib import Path

    readme = Path(__file__).resolve().parents[1] / "README.md"
    readme.write_text(replace_in(readme.read_text()))
    print(f"regenerated the contract in {readme}")

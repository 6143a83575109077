"""The README's generated sections are the code's own: the contract from the pandera models,
the layout from the packages' and modules' docstrings."""

from __future__ import annotations

from pathlib import Path

from indicators.contract import readme

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_contract_and_layout_are_generated():
    """Never hand-kept: regenerating them changes nothing."""
    text = README.read_text()
    assert readme.replace_in(text) == text, "run `python -m indicators.contract`"


def test_the_layout_names_every_module_with_its_own_words():
    tree = readme.layout()
    for module in ("viewstate.py", "mobile.py", "review.py", "charts.py", "wording.py"):
        assert module in tree
    assert "The catalogue: every topic module discovered" in tree

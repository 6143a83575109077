"""``python -m indicators.contract``: regenerate the README's contract section from the models."""

from pathlib import Path

from indicators.contract.readme import replace_in

readme = Path(__file__).resolve().parents[2] / "README.md"
readme.write_text(replace_in(readme.read_text()))
print(f"regenerated the contract and the layout in {readme}")

.PHONY: check lint types test test-fast test-browser

PY_PATHS = indicators pages tests benchmarks scripts app.py

check: lint types test

lint:
	ruff check $(PY_PATHS)
	ruff format --check $(PY_PATHS)

types:
	mypy

# Everything but the slow tiers (Chromium, LibreOffice, nginx), on both cores: the pre-push
# hook and the tier to run while working. `make check` runs every tier.
test-fast:
	pytest -n 2 -m "not browser and not office and not proxy"

test-browser:
	pytest -m "browser or office or proxy"

test:
	pytest

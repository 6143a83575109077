.PHONY: check lint types test test-fast test-browser

PY_PATHS = indicators pages tests benchmarks scripts app.py

check: lint types test

lint:
	ruff check $(PY_PATHS)
	ruff format --check $(PY_PATHS)

types:
	mypy

# Everything but the browser tier: the pre-push hook and the tier to run while working.
test-fast:
	pytest -m "not browser"

test-browser:
	pytest -m browser

test:
	pytest

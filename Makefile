.PHONY: check lint types test

check: lint types test

lint:
	ruff check indicators pages tests benchmarks scripts app.py
	ruff format --check indicators pages tests benchmarks scripts app.py

types:
	mypy

test:
	pytest

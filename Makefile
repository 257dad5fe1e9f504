# crmlib: `make demo` writes the report suite from bundled data; `make test` runs every test.
# A fresh machine needs only python3 (3.11+) and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Pass extra pytest options with: make test PYTEST_ARGS="-k rfm"
PYTEST_ARGS ?=

.PHONY: setup system-deps demo test lab bench bench-summary clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# Headless Chromium for the browser test and Indic fonts for figures, from Debian's packages.
# Best effort: without root or apt the demo still works (crmlib ships Lohit fonts as a fallback).
system-deps:
	@sh scripts/system-deps.sh

demo: setup
	@sh scripts/system-deps.sh --optional
	$(BIN)/crmlib demo

test: setup system-deps
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	$(BIN)/python -m pytest -q -p no:cacheprovider --nbval-lax notebooks/teaching

lab: setup
	$(BIN)/python -m pip install --quiet -e ".[lab]"
	$(BIN)/jupyter lab notebooks/ $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

bench: setup
	$(BIN)/python benchmarks/bench_clv.py

# RFM summary of 1M, 10M and 100M-row Parquet logs (written once to /tmp/large-bench): crmlib, the bare
# DuckDB query, lifetimes (its own venv, see benchmarks/bench_summary.py) and Spark local[2] at 10M.
bench-summary: setup
	$(BIN)/python benchmarks/bench_summary.py --rows 1000000 10000000 100000000

clean:
	rm -rf $(VENV) reports/*.html reports/*.ipynb reports/index.json reports/*/ data/demo

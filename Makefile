# crmlib: `make demo` writes the report suite from bundled data; `make test` runs every test.
# A fresh machine needs only python3 (3.11+) and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Pass extra pytest options with: make test PYTEST_ARGS="-k rfm"
PYTEST_ARGS ?=
# pytest-xdist workers (one per core). Tests sharing an expensive fixture (the demo suite, Spark, a
# module's report run) are kept on one worker by conftest.py, so each is built once; TEST_WORKERS=0 runs serially.
TEST_WORKERS ?= auto
XDIST := -n $(TEST_WORKERS) --dist loadgroup

.PHONY: setup system-deps demo test check lint lab bench bench-summary bench-reports bench-spark messages clean

setup: $(STAMP)

# Bytecode. Some environments (this workplace's among them) set PYTHONDONTWRITEBYTECODE=1: every Python process
# then compiles the crmlib modules it imports again (all 156: 0.48 s of CPU on the AMD EPYC) and every pytest
# worker rewrites every test module. A test run starts many such processes (xdist workers, fork servers, report
# kernels started as new interpreters, command-line runs), so make's own targets write bytecode, into
# __pycache__ folders that git ignores.
demo test check lint: export PYTHONDONTWRITEBYTECODE =

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
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)
	$(BIN)/python -m pytest -q -p no:cacheprovider -n $(TEST_WORKERS) --dist loadfile --nbval-lax notebooks/teaching

# The fast lane (aim: under 60 s on two cores): ruff (configured in pyproject.toml), then every test not marked
# slow or browser, doctests included. make test runs everything. A test whose call takes over about 0.2 s here
# is marked slow: `make check PYTEST_ARGS=--durations=20` lists the lane's longest.
check: lint
	$(BIN)/python -m pytest -q -p no:cacheprovider $(XDIST) -m "not slow and not browser" $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check crmlib tests conftest.py

lab: setup
	$(BIN)/python -m pip install --quiet -e ".[lab]"
	$(BIN)/jupyter lab notebooks/ $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

bench: setup
	$(BIN)/python benchmarks/bench_clv.py

# RFM summary of 1M, 10M and 100M-row Parquet logs (written once to /tmp/large-bench): crmlib, the bare
# DuckDB query, lifetimes (its own venv, see benchmarks/bench_summary.py) and Spark local[2] at 10M.
bench-summary: setup
	$(BIN)/python benchmarks/bench_summary.py --rows 1000000 10000000 100000000

# Overview, segments, clv and retention on a generated 10M-row Parquet log (written once to /tmp/bench-reports),
# as one batch (one crmlib report command: the log read and each customer table made once): wall time, CPU time
# and peak memory of the whole process tree, into benchmarks/README.md (issue 24.3). BENCH_LOG=FILE runs on an
# existing log instead (e.g. make bench-reports BENCH_LOG=/tmp/large-bench/bgnbd_log_10000000.parquet).
BENCH_ROWS ?= 10000000
BENCH_LOG ?=
bench-reports: setup
	nice $(BIN)/python benchmarks/bench_reports.py --rows $(BENCH_ROWS) --batch $(if $(BENCH_LOG),--log $(BENCH_LOG))

# crmlib.spark.customer_table on Spark local[2] beside crmlib.customer_table on DuckDB, on a 10M-row log
bench-spark: setup
	$(BIN)/python benchmarks/bench_spark.py --rows 10000000

# The words of the pages (crmlib/words/) -> crmlib/locale/crmlib.pot -> the hi and bn catalogues
# (a changed English message turns fuzzy there until its translation is checked) -> compiled .mo files,
# shipped in the wheel. tests/test_words.py fails while any of the three steps is out of date.
MESSAGE_LANGS := hi bn
POT := crmlib/locale/crmlib.pot
messages: setup
	$(BIN)/pybabel extract -F babel.cfg -k NP_:1,2 -c ":" --strip-comments --sort-by-file --no-wrap \
		--project=crmlib --version=0.1.0 --copyright-holder="crmlib contributors" -o $(POT) .
	for lang in $(MESSAGE_LANGS); do \
		test -f crmlib/locale/$$lang/LC_MESSAGES/crmlib.po \
		|| $(BIN)/pybabel init -D crmlib -i $(POT) -d crmlib/locale -l $$lang; done
	$(BIN)/pybabel update -D crmlib -i $(POT) -d crmlib/locale --no-wrap --ignore-obsolete --no-fuzzy-matching
	@# pybabel compile would take "95% interval" for a printf "% i" and refuse the translation;
	@# the pages use {brace} fields only, which tests/test_words.py checks in every translation.
	for lang in $(MESSAGE_LANGS); do $(BIN)/python -c 'import sys; \
		from babel.messages.pofile import read_po; from babel.messages.mofile import write_mo; \
		po, mo = sys.argv[1], sys.argv[1][:-2] + "mo"; catalog = read_po(open(po, "rb")); \
		[m.flags.discard("python-format") for m in catalog]; write_mo(open(mo, "wb"), catalog); \
		done = sum(all(m.string) if m.pluralizable else bool(m.string) for m in catalog if m.id); print(f"{po}: {done} of {len(catalog)} translated")' \
		crmlib/locale/$$lang/LC_MESSAGES/crmlib.po; done

clean:
	rm -rf $(VENV) reports/*.html reports/*.ipynb reports/index.json reports/*/ data/demo

# zonewatch developer commands. `make help` lists them.
# Every target bootstraps .venv from pyproject.toml first, so a fresh machine needs only
# Python 3.11+ and make.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DATA ?= data/demo
PYTEST_ARGS ?=
# Test processes for `make pytest` (pytest-xdist); each starts its own servers on free ports.
PYTEST_WORKERS ?= 2

.DEFAULT_GOAL := help
.PHONY: help install demo console screenshots test lint format typecheck pytest bench bench-scale migration sql clean

help: ## Show this help
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort | \
		awk 'BEGIN {FS = ":.*## "}; {printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip setuptools wheel
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## Create .venv and install zonewatch with its dev tools

demo: $(STAMP) ## Run the main job offline, end to end, in a fresh data directory
	$(BIN)/zonewatch --data-dir $(DATA) demo

# The demo keeps its signing key in its data directory unless ZONEWATCH_SECRET_KEY is set.
console: $(STAMP) ## Serve the console on the demo's data (after make demo) at http://127.0.0.1:8080/
	ZONEWATCH_SECRET_KEY="$${ZONEWATCH_SECRET_KEY:-$$(cat $(DATA)/secret_key)}" \
		$(BIN)/zonewatch --data-dir $(DATA) web

SCREENSHOTS := docs/screenshots
screenshots: $(STAMP) ## Run the browser tests and copy their screenshots into docs/screenshots
	$(BIN)/pytest -q -m browser tests/web/browser
	mkdir -p $(SCREENSHOTS)
	cp build/test-artifacts/console/*.png $(SCREENSHOTS)/

test: lint typecheck pytest ## Lint, type-check and run every test (SQLite and PostgreSQL)

lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP) ## Apply ruff fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# mypy reads the package through src/zonewatch, the committed tree of links (see src/README.md).
typecheck: $(STAMP) ## mypy --strict on the package, tests and benchmarks
	$(BIN)/mypy src/zonewatch tests bench

pytest: $(STAMP) ## Run the test suite (starts PostgreSQL, Redis and SMTP on loopback as needed)
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

BENCH_ARGS ?=
bench: $(STAMP) ## Run every benchmark; one JSON line each, with a same-run baseline
	$(BIN)/python -m bench $(BENCH_ARGS)

bench-scale: $(STAMP) ## The large cases: change log and timeline at a million records
	$(BIN)/python -m bench --scale $(BENCH_ARGS)

MIGRATION_DB := sqlite:///$(CURDIR)/build/migration.sqlite
migration: $(STAMP) ## Autogenerate a migration against a scratch database: make migration m="why"
	mkdir -p build && rm -f build/migration.sqlite*
	ZONEWATCH_DATABASE_URL=$(MIGRATION_DB) $(BIN)/alembic -c models/alembic.ini upgrade head
	ZONEWATCH_DATABASE_URL=$(MIGRATION_DB) $(BIN)/alembic -c models/alembic.ini revision --autogenerate -m "$(m)"
	$(BIN)/ruff format models/migrations/versions
	$(BIN)/ruff check --fix --quiet models/migrations/versions

# The change log's simple pages as SQL text for the fast read path; a test fails until this
# is run after a change to changes/queries.py or to the tables those pages read.
sql: $(STAMP) ## Compile the change log's simple pages into changes/compiled_sql.py
	$(BIN)/python -m zonewatch.changes.sql_gen

clean: ## Remove the virtualenv, caches and demo data
	rm -rf $(VENV) build *.egg-info .mypy_cache .ruff_cache .pytest_cache data

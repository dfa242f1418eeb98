# newsdesk — every target creates .venv on first use, so a newcomer needs only `make site`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export NO_MKDOCS_2_WARNING := 1

.PHONY: install site serve test lint format check bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) ## create .venv and install newsdesk with its test tools

site: $(STAMP) ## build the archive into site/ (strict: any warning fails)
	$(BIN)/mkdocs build --strict --site-dir site

serve: $(STAMP) ## live preview on http://127.0.0.1:8000
	$(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

lint: $(STAMP) ## ruff lint and format check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: $(STAMP) ## editorial validation of every article
	$(BIN)/newsdesk check

test: lint ## lint, then the whole test suite (browser tests included)
	$(BIN)/pytest

bench: $(STAMP) ## speed and memory figures (see docs/benchmarks.md)
	$(BIN)/python -m newsdesk.bench
	$(BIN)/python -m newsdesk.bench_wxr --n 10000

clean:
	rm -rf site test-output bench-output .pytest_cache

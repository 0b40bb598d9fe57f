# Two entry points for a new machine: `make run` and `make test` (see README).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
STORE ?= .clusterkb/store
PORT ?= 8000

.PHONY: run test setup build tour lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

## run: set up, build the knowledge base, show a short tour, then serve it on localhost:8000
run: $(STAMP)
	$(BIN)/clusterkb build --store $(STORE)
	$(BIN)/clusterkb tour --store $(STORE)
	$(BIN)/clusterkb serve --store $(STORE) --port $(PORT)

## test: set up and run the whole test suite plus the linter
test: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build

# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	$(BIN)/newsdesk classify encoder install
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/newsdesk demo

test: $(STAMP)
	$(BIN)/python -m pytest -q -n 2

bench: $(STAMP)
	$(BIN)/python benchmarks/extraction.py
	$(BIN)/python benchmarks/dedup.py
	$(BIN)/python benchmarks/classify.py

clean:
	rm -rf $(VENV) newsdesk-home .pytest_cache

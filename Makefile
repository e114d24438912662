# Two entry points do all set-up on a fresh machine with Python 3.11+ and make:
#   make docs   build the course site (HTML and LaTeX) with warnings as errors
#   make test   ruff, mypy and pytest (browser tests and a smoke run of the benchmark included)
#   make gallery the light and dark screenshots of docs/guide/gallery.md (docs/_static/gallery)
#   make bench  the full benchmark; writes benchmarks/results/, which docs/guide/benchmarks.md shows
#   make pins   re-resolve the pinned tool versions in requirements/ (see tools/update_pins.py)
#   make matrix the tests on the oldest and newest dependencies, Python 3.11-3.13 (noxfile.py)
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SPHINXOPTS ?= -W --keep-going -n
# Tools are installed at the versions pinned for this Python (pip constraints files).
PYVERSION := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')
PINS := requirements/py$(PYVERSION).txt
# axe-core for the browser tests, from the npm registry at the version package-lock.json pins.
AXE := node_modules/axe-core/axe.min.js

.PHONY: docs html latex pdf test lint system-deps bench catalog pins matrix matrix-ci gallery clean

$(STAMP): pyproject.toml $(PINS)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c $(PINS) --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(PINS) -e . --group dev
	touch $(STAMP)

$(PINS):
	@echo "No pinned versions for Python $(PYVERSION) ($(PINS)); use Python 3.11, 3.12 or 3.13," \
	      "e.g. make PYTHON=python3.11, or create them with: python3 tools/update_pins.py" >&2
	@exit 1

docs: html latex

html: $(STAMP)
	$(BIN)/sphinx-build $(SPHINXOPTS) -b html docs docs/_build/html

latex: $(STAMP)
	$(BIN)/sphinx-build $(SPHINXOPTS) -b latex docs docs/_build/latex

# Compiling the PDF needs TeX (latexmk), which is optional.
pdf: latex
	$(MAKE) -C docs/_build/latex all-pdf

# Debian packages for the browser tests (chromium, fonts) and the benchmark (graphviz), when
# missing and installable (root + apt-get); elsewhere those parts skip with a reason.
system-deps:
	bash tools/ensure-system-packages.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Without npm (and no way to install it) the axe-core checks skip, except when CI=true.
$(AXE): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  echo "npm ci (axe-core for the browser tests)"; \
	  npm ci --no-audit --no-fund --loglevel=error && touch $(AXE); \
	else \
	  echo "no npm: the axe-core checks of the browser tests skip (fail when CI=true)" >&2; \
	fi

test: $(STAMP) system-deps $(AXE) lint
	$(BIN)/python -m pytest

# Screenshots of every figure of the gallery page in light and dark (Chromium, furo), for
# the page itself and README.md; commit what it writes.
gallery: $(STAMP) system-deps
	$(BIN)/python tools/gallery.py

bench: $(STAMP) system-deps
	$(BIN)/python benchmarks/run.py

catalog: $(STAMP)
	$(BIN)/python tools/update_catalog.py

pins:
	$(PYTHON) tools/update_pins.py

# Every combination of noxfile.py; matrix-ci only the two ends (what .ci/run adds to make test):
# the oldest versions pyproject.toml admits and the newest releases on Python 3.13.
matrix: $(STAMP)
	$(BIN)/nox

matrix-ci: $(STAMP)
	$(BIN)/nox -s oldest newest

clean:
	rm -rf docs/_build .pytest_cache .mypy_cache .ruff_cache .nox

# Two entry points do all set-up on a fresh machine with Python 3.11+ and make:
#   make docs   build the course site (HTML and LaTeX) with warnings as errors
#   make test   ruff, mypy and pytest (browser tests and a smoke run of the benchmark included)
#   make bench  the full benchmark; writes benchmarks/results/, which docs/guide/benchmarks.md shows
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SPHINXOPTS ?= -W --keep-going -n

.PHONY: docs html latex pdf test lint system-deps bench catalog clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,docs]'
	touch $(STAMP)

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

test: $(STAMP) system-deps lint
	$(BIN)/python -m pytest

bench: $(STAMP) system-deps
	$(BIN)/python benchmarks/run.py

catalog: $(STAMP)
	$(BIN)/python tools/update_catalog.py

clean:
	rm -rf docs/_build .pytest_cache .mypy_cache .ruff_cache

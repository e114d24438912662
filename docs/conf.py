"""Sphinx configuration of the sphinx-k8sarch site: the Spanish course chapter and the guide."""

from __future__ import annotations

from pathlib import Path
import sys

project = "sphinx-k8sarch"
author = "sphinx-k8sarch developers"
copyright = "2026, sphinx-k8sarch developers"
version = release = "0.1.0"
language = "es"

extensions = ["myst_parser", "sphinx.ext.graphviz", "sphinx_k8sarch",
              "sphinx_k8sarch.sphinxext.docs"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build", "snippets"]
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

numfig = True
nitpicky = True

html_theme = "furo"
html_title = "sphinx-k8sarch"
html_static_path: list[str] = []

# The contributors' page draws the package layers with sphinx.ext.graphviz, through the
# graphviz-pure installed beside this Python (no system Graphviz needed).
graphviz_dot = str(Path(sys.executable).parent / "graphviz-pure")
graphviz_output_format = "svg"

# Clicking a component in any figure opens its glossary entry.
k8sarch_link_components = "glossary"
# A PNG for slides under every figure (each costs a raster render at build time).
k8sarch_download_png = True

latex_engine = "xelatex"
latex_documents = [("index", "sphinx-k8sarch.tex", "sphinx-k8sarch", author, "manual")]

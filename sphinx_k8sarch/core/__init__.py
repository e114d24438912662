"""The Sphinx-free core of sphinx-k8sarch: spec text in, diagnostics, DOT and SVG out.

Nothing in this package imports Sphinx or docutils (an import-linter contract checks it),
so the ``k8sarch`` command, editors' tooling and the tests use it on its own. The stages,
each a module: :mod:`.yamlspec` → :mod:`.imports` → :mod:`.extends` → :mod:`.validate` →
:mod:`.findings` (driven by :mod:`.pipeline`), then :mod:`.graph` → :mod:`.dot` →
:mod:`.render` → :mod:`.svg`, with :mod:`.describe` for text. Every key, default, limit and
choice is in :mod:`.vocabulary`.
"""

__version__ = "0.1.0"

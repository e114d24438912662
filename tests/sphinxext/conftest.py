"""Sphinx's testing fixtures, for the tests of the Sphinx layer only: ``make_app`` (one
``SphinxTestApp`` per call, cleaned up after the test) and ``test_params``, which it needs."""

from __future__ import annotations

from sphinx.testing.fixtures import make_app, test_params

__all__ = ["make_app", "test_params"]

"""Helpers shared by the tests of every layer (``tests/`` is on ``sys.path``).

Only :mod:`helpers.sphinx` imports Sphinx; the tests of ``tests/core`` and ``tests/cli``
must not use it (``tests/core/test_no_sphinx.py`` checks).
"""

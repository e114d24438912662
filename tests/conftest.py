"""The tests mirror the package: ``tests/core`` (no Sphinx), ``tests/cli``,
``tests/sphinxext`` (whose conftest loads Sphinx's testing fixtures), ``tests/browser`` and
``tests/bench``. Shared helpers are the package ``tests/helpers`` (``tests`` is on
``sys.path``, see ``pythonpath`` in pyproject.toml).

Markers by directory: everything under ``tests/browser`` is ``browser``, everything under
``tests/bench`` is ``bench``. ``slow`` is set on the tests themselves. The inner loop::

    pytest -m "not browser and not bench and not slow"
"""

from __future__ import annotations

from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
#: Directory under tests/ → marker of every test in it.
DIRECTORY_MARKERS = {"browser": pytest.mark.browser, "bench": pytest.mark.bench}


@pytest.hookimpl(tryfirst=True)  # before -m deselects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = item.path.resolve()
        if not path.is_relative_to(TESTS):
            continue
        marker = DIRECTORY_MARKERS.get(path.relative_to(TESTS).parts[0])
        if marker is not None:
            item.add_marker(marker)

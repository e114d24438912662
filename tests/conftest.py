"""The tests mirror the package: ``tests/core`` (no Sphinx), ``tests/cli``,
``tests/sphinxext`` (whose conftest loads Sphinx's testing fixtures), ``tests/browser`` and
``tests/bench``. Shared helpers are the package ``tests/helpers`` (``tests`` is on
``sys.path``, see ``pythonpath`` in pyproject.toml)."""

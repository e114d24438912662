"""The version matrix: ``make matrix`` runs every session, ``make matrix-ci`` the two ends.

Each session installs the package and the ``test-core`` group (the tests without the
browser tests' extra themes) at the versions pinned in ``requirements/``
(``tools/update_pins.py`` resolves them) and runs the test suite without the browser,
benchmark and slow tests: core, the directive in rST and MyST, every builder and the CLI.

* ``oldest``: Python 3.11 with the lowest Sphinx, docutils, MyST-Parser, PyYAML and graphviz
  versions ``pyproject.toml`` admits;
* ``py3.11``, ``py3.12``, ``py3.13``: the versions ``make test`` installs on that Python
  (the newest releases that go with every theme of the browser tests);
* ``newest``: Python 3.13 with the newest releases, whatever the themes admit (docutils
  0.23 and later, which sphinx_rtd_theme does not allow yet).

Interpreters are found like ``tools/update_pins.py`` finds them (``K8SARCH_PYTHON312``,
``python3.12`` on PATH, pyenv). A missing one is skipped with the reason, except when
``CI`` is set, where nox fails instead.
"""

from __future__ import annotations

from pathlib import Path
import sys

import nox

sys.path.insert(0, str(Path(__file__).resolve().parent / "tools"))
from interpreters import find  # the tools folder is not a package

nox.options.default_venv_backend = "venv"
nox.options.download_python = "never"  # no interpreter downloads; pyenv or PATH only
nox.options.reuse_venv = "yes"

#: The tests every combination runs (pyproject.toml registers the markers).
SELECTION = "not browser and not bench and not slow"
#: (session, Python, pins): the oldest supported dependencies, the pins of make test per
#: Python, and the newest of all.
MATRIX = (("oldest", "3.11", "oldest"), ("py3.11", "3.11", "py3.11"),
          ("py3.12", "3.12", "py3.12"), ("py3.13", "3.13", "py3.13"),
          ("newest", "3.13", "newest"))
REPORTED = ("sphinx", "docutils", "myst-parser", "pyyaml", "graphviz")


def _session(name: str, version: str, pins: str) -> None:
    found, how = find(version)

    @nox.session(name=name, python=found or version)
    def run(session: nox.Session) -> None:
        session.log(f"Python {version}: {found or 'not found'} ({how}); pins {pins}")
        constraints = f"requirements/{pins}.txt"
        session.install("-c", constraints, "--upgrade", "pip")
        session.install("-c", constraints, "-e", ".", "--group", "test-core")
        session.run("python", "-c", "import sys, importlib.metadata as m; "
                    f"print('versions:', sys.version.split()[0], *[f'{{d}} {{m.version(d)}}' "
                    f"for d in {REPORTED!r}])")
        session.run("python", "-m", "pytest", "-q", "-m", SELECTION, "-p", "no:cacheprovider",
                    *session.posargs)


for _name, _version, _pins in MATRIX:
    _session(_name, _version, _pins)

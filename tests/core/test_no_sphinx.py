"""The core and the CLI work without Sphinx, and so do their tests: nothing under
``tests/core`` imports Sphinx, docutils or MyST, directly or through a helper.

Checked in fresh interpreters, because this pytest process has Sphinx loaded for the tests
of ``tests/sphinxext``.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path
import pkgutil
import subprocess
import sys

from helpers.paths import TESTS
import pytest

import sphinx_k8sarch.core

FORBIDDEN = ("sphinx", "docutils", "myst_parser")
CORE_MODULES = sorted(
    module.name for module in pkgutil.walk_packages(sphinx_k8sarch.core.__path__,
                                                    "sphinx_k8sarch.core."))
CORE_TESTS = sorted((TESTS / "core").glob("test_*.py"))
#: Prints the forbidden modules loaded after importing the modules named in argv.
PROBE = (
    "import importlib, sys\n"
    "for name in sys.argv[1:]:\n"
    "    importlib.import_module(name)\n"
    f"print(sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}))\n"
)


def _loaded_after_importing(names: list[str], path: list[Path]) -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, path))}
    done = subprocess.run([sys.executable, "-c", PROBE, *names], capture_output=True,
                          text=True, check=False, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_every_core_module_and_the_cli_import_without_sphinx() -> None:
    # Every module of the package is found (a package walk that finds nothing proves nothing).
    assert {"sphinx_k8sarch.core.pipeline", "sphinx_k8sarch.core.imports.kind",
            "sphinx_k8sarch.core.svg"} <= set(CORE_MODULES)
    assert len(CORE_MODULES) >= 20
    names = ["sphinx_k8sarch", *CORE_MODULES, "sphinx_k8sarch.cli"]
    assert _loaded_after_importing(names, []) == "[]"


def test_core_tests_and_their_helpers_import_without_sphinx() -> None:
    assert len(CORE_TESTS) >= 10
    names = [path.stem for path in CORE_TESTS]
    assert _loaded_after_importing(names, [TESTS, TESTS / "core"]) == "[]"


@pytest.mark.parametrize("path", CORE_TESTS, ids=lambda path: path.name)
def test_core_tests_never_import_sphinx_even_inside_a_function(path: Path) -> None:
    """Imports inside test functions are not run by the import above: read them."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names]
    imported += [node.module or "" for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.level == 0]
    assert not [name for name in imported
                if name.split(".")[0] in FORBIDDEN or name == "helpers.sphinx"]

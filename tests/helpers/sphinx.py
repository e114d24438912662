"""Build a copy of a test root with generated rST/MyST twins (the only helper that imports
Sphinx)."""

from __future__ import annotations

from collections.abc import Callable
from io import StringIO
from pathlib import Path
import shutil
from typing import Any

from sphinx.testing.util import SphinxTestApp

from helpers.paths import ROOTS
from helpers.snippets import Snippet, write_twins

MakeApp = Callable[..., SphinxTestApp]


def copy_root(tmp_path: Path, root: str, name: str | None = None) -> Path:
    """A copy of ``tests/roots/test-<root>`` at ``tmp_path / (name or root)``."""
    srcdir = tmp_path / (name or root)
    shutil.copytree(ROOTS / f"test-{root}", srcdir)
    return srcdir


def prepare(tmp_path: Path, root: str, snippets: list[Snippet]) -> Path:
    srcdir = copy_root(tmp_path, root)
    write_twins(srcdir, snippets)
    return srcdir


def build(make_app: MakeApp, srcdir: Path, buildername: str = "html",
          **kwargs: Any) -> SphinxTestApp:
    app = make_app(buildername, srcdir=srcdir, warning=StringIO(), **kwargs)
    app.build()
    return app


def build_once(srcdir: Path, buildername: str = "html", **kwargs: Any) -> SphinxTestApp:
    """One build outside ``make_app`` (which is per test), for module-scoped fixtures whose
    single build serves several tests. Sphinx's global state (registered nodes, sys.path)
    is restored right after the build, so the next app in this process starts clean; the
    returned app still has its srcdir, outdir, status and warnings."""
    app = SphinxTestApp(buildername, srcdir=srcdir, status=StringIO(), warning=StringIO(),
                        **kwargs)
    try:
        app.build()
    finally:
        app.cleanup()
    return app
